import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompress } from './build/precompress.ts';

// The dev server proxies the API and the socket to a backend started with `npm run dev -w backend`.
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react(), precompress()],
  // The shared package is consumed as TypeScript source, never from its dist.
  resolve: { conditions: ['source', 'module', 'browser', 'development|production'] },
  server: {
    proxy: {
      '/api': backend,
      '/ws': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
  // No source maps in the build: the server would publish the whole client source with them.
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 700 },
});
