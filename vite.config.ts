import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  server: { port: 5173 },
  preview: { port: 4173 },
  // bench.html (npm run bench) is a second page, built next to the app.
  build: { rollupOptions: { input: { main: 'index.html', bench: 'bench.html' } } },
});
