import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development Vite serves the client with hot reload and forwards the API,
// Socket.IO and Yjs endpoints to the server (`pnpm dev` runs both).
// zod's builders make schemas and nothing else: telling the bundler so lets a page leave out the schemas
// (and zod itself) it never uses, since a schema defined at a module's top level otherwise counts as a
// side effect of importing that module.
const ZOD_BUILDERS = [
  'z',
  ...[
    'string',
    'object',
    'strictObject',
    'array',
    'boolean',
    'enum',
    'int',
    'number',
    'literal',
    'uuid',
    'union',
    'discriminatedUnion',
    'record',
    'preprocess',
    'email',
    'unknown',
    'templateLiteral',
    'null',
    'lazy',
  ].map((name) => `z.${name}`),
];

const target = process.env.ACCORD_DEV_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': target,
      '/socket.io': { target, ws: true },
      '/yjs': { target, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    manifest: true,
    rolldownOptions: { treeshake: { manualPureFunctions: ZOD_BUILDERS } },
  },
});
