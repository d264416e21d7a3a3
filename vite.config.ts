import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // Pre-bundled up front so the dev server does not reload the page when a model format is first opened.
  optimizeDeps: { include: ['h5wasm', 'flatbuffers', 'protobufjs'] },
  server: { port: 5173 },
  preview: { port: 4173 },
  // bench.html (npm run bench) is a second page, built next to the app.
  // Build output goes to dist/static so it never mixes with the copied local assets in dist/assets.
  build: { assetsDir: 'static', rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } } },
});
