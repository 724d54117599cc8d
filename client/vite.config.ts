import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { constants as zlibConstants } from 'node:zlib';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';
import { VitePWA } from 'vite-plugin-pwa';
import type { Plugin } from 'vite';

/**
 * Source maps are written for us, not for the public: moved out of dist/ (which the server serves) into
 * dist-sourcemaps/, and the built files carry no sourceMappingURL (build.sourcemap 'hidden').
 */
function sourceMapsOutOfDist(): Plugin {
  return {
    name: 'accord:source-maps-out-of-dist',
    apply: 'build',
    closeBundle: {
      order: 'post',
      handler() {
        const assets = join(import.meta.dirname, 'dist', 'assets');
        const kept = join(import.meta.dirname, 'dist-sourcemaps');
        rmSync(kept, { recursive: true, force: true });
        mkdirSync(kept, { recursive: true });
        for (const name of readdirSync(assets))
          if (name.endsWith('.map')) renameSync(join(assets, name), join(kept, name));
      },
    },
  };
}

// In development Vite serves the client with hot reload and forwards the API,
// Socket.IO and Yjs endpoints to the server (`pnpm dev` runs both).
const target = process.env.ACCORD_DEV_SERVER ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [
    react(),
    // The manifest makes Accord installable; the generated service worker keeps the app shell so that
    // the room and the tracking page open from the home screen and reload without a network.
    VitePWA({
      // main.tsx registers it with workbox-window, in production builds only.
      injectRegister: false,
      manifest: {
        id: '/',
        name: 'Accord 调解室',
        short_name: 'Accord 调解室',
        description: '消费金融纠纷在线调解室',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        // The app bar's colour, so a phone's status bar continues it; the splash screen in the page's --bg.
        theme_color: '#0b2545',
        background_color: '#f6f7f9',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      includeAssets: ['favicon.svg', 'favicon.ico', 'apple-touch-icon.png'],
      workbox: {
        // A new version takes over at once; open pages keep what they loaded, the next page load is new.
        skipWaiting: true,
        clientsClaim: true,
        // One file, so the one no-cache header the server sets for sw.js covers all of the worker.
        inlineWorkboxRuntime: true,
        sourcemap: false,
        // The icons come in through includeAssets and the manifest.
        globPatterns: ['**/*.{js,css,html}'],
        // What a phone downloads up front: every page's code but the staff dashboard (Chart.js) and the
        // PDF reader that checks an uploaded record (pdf.js and its 1.2 MB worker). Those are kept once
        // opened (below).
        globIgnores: ['**/pdf.worker*', '**/pdf-record-*', '**/DashboardPage-*'],
        // Navigations go to the network first (below), so the precached page must not answer "/" itself.
        directoryIndex: '',
        navigateFallback: null,
        runtimeCaching: [
          {
            // Every client route is the same page (the server answers index.html): from the network so a new
            // version shows at once, the precached page when there is none.
            // Never stored under its own URL: invite and tracking links carry tokens in the path.
            urlPattern: ({ request, url }) =>
              request.mode === 'navigate' && !/^\/(api|socket\.io|yjs)\//.test(url.pathname),
            handler: 'NetworkOnly',
            options: { precacheFallback: { fallbackURL: '/index.html' } },
          },
          {
            // Hashed file names never change content. /api, /socket.io and /yjs match no route: never cached.
            urlPattern: ({ url }) => url.pathname.startsWith('/assets/'),
            handler: 'CacheFirst',
            options: {
              cacheName: 'accord-assets',
              expiration: { maxEntries: 16 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
    }),
    // Served as they are (server/src/http/app.ts picks .br or .gz by Accept-Encoding): compressed once at
    // build time at the strongest levels, never per request.
    compression({
      algorithms: [
        defineAlgorithm('brotliCompress', { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }),
        defineAlgorithm('gzip', { level: 9 }),
      ],
      include: /\.(js|mjs|css|html|svg|json|webmanifest)$/,
      exclude: /\.map$/,
      threshold: 1024,
    }),
    sourceMapsOutOfDist(),
  ],
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
    sourcemap: 'hidden',
    manifest: true,
  },
});
