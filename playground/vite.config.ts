import { defineConfig } from 'vite';

// Relative paths, so that dist/ can be served from any folder.
export default defineConfig({
  base: './',
  server: { fs: { allow: ['..'] } },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
