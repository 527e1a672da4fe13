import express from 'express';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import { compressResponses, serveConsole } from './console-static';

/** Issue 15 point 11: the console compressed, hashed assets cached for a year, index.html never. */
describe('console static serving', () => {
  let dir: string;
  let app: express.Express;
  const script = 'export function render(){return "政务公开";}\n'.repeat(2000);

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-Bx3f9c1aQ.js"></script>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-Bx3f9c1aQ.js'), script);
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg/>');
    app = express();
    app.use(compressResponses());
    app.get('/api/v1/stream', (_req, res) => {
      res.setHeader('Content-Type', 'text/event-stream');
      res.write(`data: ${'x'.repeat(4000)}\n\n`);
      res.end();
    });
    serveConsole(app, dir);
    app.use((_req, res) => res.status(404).json({ code: 'NOT_FOUND' }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sends hashed assets compressed and cached for a year', async () => {
    const r = await request(app).get('/assets/index-Bx3f9c1aQ.js').set('Accept-Encoding', 'gzip');
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.text).toBe(script);
  });

  it('never caches index.html, at / and on client-side routes', async () => {
    for (const p of ['/', '/index.html', '/items/42', '/monitor']) {
      const r = await request(app).get(p);
      expect([p, r.status, r.headers['cache-control']]).toEqual([p, 200, 'no-cache']);
      expect(r.text).toContain('/assets/index-Bx3f9c1aQ.js');
    }
  });

  it('does not treat unhashed files as immutable', async () => {
    const r = await request(app).get('/favicon.svg');
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('leaves the API paths to the API and event streams uncompressed', async () => {
    expect((await request(app).get('/api/v1/nothing')).status).toBe(404);
    const s = await request(app).get('/api/v1/stream').set('Accept-Encoding', 'gzip');
    expect(s.headers['content-encoding']).toBeUndefined();
    expect(s.text).toContain('data: xxx');
  });
});
