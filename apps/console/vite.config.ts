import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console is built to static files (dist/) that the api serves at / with an SPA fallback.
 * Heavy pages (the TipTap editor, ECharts statistics) are lazy-loaded chunks, so the first load is
 * only React, the router and the shell. In dev, `npx vite` proxies the API of a running `npm start`.
 */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1100,
  },
  server: {
    proxy: {
      '/api': process.env.API_URL ?? 'http://127.0.0.1:3000',
      '/site': process.env.API_URL ?? 'http://127.0.0.1:3000',
    },
  },
});
