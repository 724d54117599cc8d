// The server's layering and the workspace's package boundaries, checked by `pnpm lint`.
// A layer may import its own layer and those below it, never one above: services do not know their
// transports, stores do not know their services. docs/ARCHITECTURE.md describes each layer.
const layers = [
  ['lib', 'errors\\.ts', 'log\\.ts', 'config\\.ts'],
  ['store', 'scale', 'ops'],
  ['auth', 'audit'],
  ['access'],
  [
    'agreement',
    'chat',
    'moderation',
    'outcome',
    'evidence',
    'cases',
    'notify',
    'call',
    'negotiation',
    'court',
    'questions',
    'surveys',
    'dashboard',
    'assistant',
  ],
  ['room', 'yjs', 'http'],
  ['app', 'server\\.ts', 'cli\\.ts', 'index\\.ts'],
];
const folder = (names) => `^server/src/(${names.join('|')})(/|$)`;

const upward = layers.slice(0, -1).map((names, i) => ({
  name: `layer-${i}-imports-above`,
  comment: `server/src/{${names.join(', ')}} may not import a higher layer`,
  severity: 'error',
  from: { path: folder(names), pathNot: '\\.test\\.ts$' },
  to: { path: folder(layers.slice(i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import circle: split the shared part out into a lower module',
      severity: 'error',
      from: {},
      // A circle closed only by a type import does not exist at run time (route-path.ts names the route
      // keys of routes.ts, which re-exports its functions).
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'shared-is-the-bottom',
      comment: 'shared/ is the contract: it imports neither the server nor the client',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(server|client)/' },
    },
    {
      name: 'client-not-server',
      comment: 'the client reaches the server only through the contract in shared/',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^server/' },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|(^|/)dist/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
