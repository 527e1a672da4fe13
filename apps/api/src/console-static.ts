import compression from 'compression';
import express from 'express';
import * as path from 'path';

/**
 * Compression for everything the api answers except event streams (which compression would buffer):
 * the console's script and the API's JSON shrink several times (the console index 284 kB → ~90 kB).
 */
export function compressResponses(): express.RequestHandler {
  return compression({
    filter: (req, res) => !String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream') && compression.filter(req, res),
  });
}

/** Vite's build names assets by content hash (assets/index-3f9c1a.js): they never change under a name. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * The console at /: hashed assets cached for a year (immutable), `index.html` never cached (revalidated
 * every time), so an upgrade is seen on the next page load; other paths fall back to `index.html`
 * (client-side routes) except the API, the portal, Bull Board and metrics.
 */
export function serveConsole(app: { use: (...h: any[]) => unknown }, dir: string): void {
  app.use(
    express.static(dir, {
      index: 'index.html',
      setHeaders: (res, file) => {
        const rel = '/' + path.relative(dir, file).split(path.sep).join('/');
        res.setHeader('Cache-Control', HASHED_ASSET.test(rel) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/site') || req.path.startsWith('/admin/queues') || req.path === '/metrics')
      return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(dir, 'index.html'));
  });
}
