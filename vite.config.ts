import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { wasmThreadsUnminified } from './scripts/vite/wasmThreadsUnminified';

// Cross-origin isolation (SharedArrayBuffer, so the WASM backend can run threads). "credentialless" rather
// than "require-corp": cross-origin images and fetches without CORP headers keep working.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

export default defineConfig({
  // BASE_PATH=/alignscope/ npm run build: a dist/ for a static host that serves the app under a sub-path.
  base: (process.env.BASE_PATH || '/').replace(/\/?$/, '/'),
  plugins: [
    react(),
    wasmThreadsUnminified(),
    // Offline and installable: Workbox precaches the app shell; src/pwa/sw.ts caches models and data on
    // first use and adds COOP/COEP for static hosts. The page registers it (src/pwa/registerPwa.ts).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      injectManifest: {
        // The shell only: models and data (dist/assets, dist/samples) are cached when first used.
        globPatterns: ['index.html', 'favicon.svg', 'icons/*.png', 'static/**/*.{js,css,wasm}'],
        globIgnores: ['static/bench-*'],
        // The worker bundle (tfjs and its backends) is 2.6 MB, the optional HDF5 reader 4.8 MB.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
      manifest: {
        name: 'AlignScope',
        short_name: 'AlignScope',
        description: 'Minimal-norm adversarial attacks on ImageNet classifiers in the browser, and how well they align with human importance maps.',
        theme_color: '#6d5efc',
        background_color: '#ffffff',
        display: 'standalone',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
  worker: { format: 'es', plugins: () => [wasmThreadsUnminified()] },
  // Pre-bundled up front so the dev server does not reload the page when a model format is first opened.
  optimizeDeps: { include: ['h5wasm', 'flatbuffers', 'protobufjs'] },
  server: { port: 5173, headers: isolationHeaders },
  preview: { port: 4173, headers: isolationHeaders },
  // bench.html (npm run bench) is a second page, built next to the app.
  // Build output goes to dist/static so it never mixes with the copied local assets in dist/assets.
  build: { assetsDir: 'static', rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } } },
});
