/**
 * The console is built to static files (dist/) that the api serves at / with an SPA fallback.
 * Heavy pages (the TipTap editor, ECharts statistics) are lazy-loaded chunks, so the first load is
 * only React, the router and the shell. In dev, `npx vite` proxies the API of a running `npm start`.
 *
 * Written as CommonJS: the monorepo's one package.json has no "type": "module", and Vite's native
 * config loader warns about ESM syntax in a file it must load as CommonJS.
 */
const react = require('@vitejs/plugin-react');

// `vite build` inherits NODE_ENV from its caller (jest sets "test"), and a non-production NODE_ENV
// bundles React's development build: twice the size and slower. The console build is always production.
if (process.argv.includes('build')) process.env.NODE_ENV = 'production';

const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

module.exports = {
  plugins: [(react.default ?? react)()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1100,
    rollupOptions: {
      output: {
        // React and the router (most of the first page: test/console/page-weight.int-spec.ts) in a chunk
        // of their own: an upgrade that changes only the console's code leaves its hash, and the browser's
        // year-long cached copy, as they were.
        manualChunks(id) {
          if (/[\\/]node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/.test(id)) return 'react-vendor';
        },
      },
    },
  },
  server: {
    proxy: { '/api': api, '/site': api },
  },
};
