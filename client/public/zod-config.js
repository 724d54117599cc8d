// zod reads its settings from here, if set before any schema is built. Its interpreter needs no eval,
// and its probe for eval (`Function('')`) is what the content security policy refuses and reports.
// A classic script runs before the app's modules, whichever chunk the bundler puts zod and the shared
// schemas in (a chunk is evaluated before the code that imports it, so a config call in main.tsx
// came after the shared chunk had built its schemas).
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true });
