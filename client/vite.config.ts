import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development Vite serves the client with hot reload and forwards the API,
// Socket.IO and Yjs endpoints to the server (`pnpm dev` runs both).
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
  build: { outDir: 'dist', sourcemap: true, manifest: true },
});
