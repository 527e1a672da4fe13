import * as http from 'http';
import type { AddressInfo } from 'net';
import { AttemptLog, PermanentError, RateLimitedError, RetryableError, UnknownOutcomeError } from '../channel-adapter';
import { ChannelHttp, redactSecrets } from './channel-http';

describe('ChannelHttp', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const path = req.url ?? '';
      if (path.startsWith('/hang')) return; // never answers
      if (path.startsWith('/reset')) return req.socket.destroy();
      if (path.startsWith('/s503')) return res.writeHead(503).end('busy');
      if (path.startsWith('/s502')) return res.writeHead(502).end('<html>bad gateway</html>');
      if (path.startsWith('/s429')) return res.writeHead(429, { 'content-type': 'application/json' }).end('{"retry_after":7}');
      if (path.startsWith('/s404')) return res.writeHead(404).end('nope');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"SECRET123","ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (log?: AttemptLog[]) => new ChannelHttp({ systemLabel: '测试平台', timeoutMs: 300, log: log ? async (e) => void log.push(e) : undefined });

  it('returns parsed JSON and logs the call with secrets masked', async () => {
    const log: AttemptLog[] = [];
    const r = await client(log).send({ name: 'token', method: 'GET', url: `${base}/ok`, params: { access_token: 'SECRET123' }, effect: 'read' });
    expect(r.body).toEqual({ access_token: 'SECRET123', ok: true });
    expect(log).toHaveLength(1);
    expect(log[0].call).toBe('GET /ok (token)');
    expect(log[0].response).toContain('"access_token":"***"');
    expect(JSON.stringify(log)).not.toContain('SECRET123');
  });

  it('a timeout on a publishing call is an unknown outcome; on a read it is retryable', async () => {
    await expect(client().send({ name: 'share', method: 'POST', url: `${base}/hang`, data: {}, effect: 'create' })).rejects.toBeInstanceOf(UnknownOutcomeError);
    await expect(client().send({ name: 'get', method: 'GET', url: `${base}/hang`, effect: 'read' })).rejects.toBeInstanceOf(RetryableError);
    await expect(client().send({ name: 'upload', method: 'POST', url: `${base}/hang`, effect: 'repeatable' })).rejects.toBeInstanceOf(RetryableError);
  });

  it('a connection reset on a publishing call is unknown; a refused connection is retryable (nothing was sent)', async () => {
    await expect(client().send({ name: 'share', method: 'POST', url: `${base}/reset`, data: {}, effect: 'create' })).rejects.toBeInstanceOf(
      UnknownOutcomeError,
    );
    const refused = client().send({ name: 'share', method: 'POST', url: 'http://127.0.0.1:1/x', data: {}, effect: 'create' });
    await expect(refused).rejects.toBeInstanceOf(RetryableError);
    await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('classifies HTTP statuses: 503 retry, 502 on create unknown, 429 rate limited, 404 permanent', async () => {
    await expect(client().send({ name: 'x', method: 'POST', url: `${base}/s503`, effect: 'create' })).rejects.toBeInstanceOf(RetryableError);
    await expect(client().send({ name: 'x', method: 'POST', url: `${base}/s502`, effect: 'create' })).rejects.toBeInstanceOf(UnknownOutcomeError);
    await expect(client().send({ name: 'x', method: 'GET', url: `${base}/s502`, effect: 'read' })).rejects.toBeInstanceOf(RetryableError);
    const rl = await client()
      .send({ name: 'x', method: 'GET', url: `${base}/s429`, effect: 'read' })
      .catch((e) => e);
    expect(rl).toBeInstanceOf(RateLimitedError);
    expect(rl.retryAfterMs).toBe(7000);
    await expect(client().send({ name: 'x', method: 'GET', url: `${base}/s404`, effect: 'read' })).rejects.toBeInstanceOf(PermanentError);
  });

  it('lets the platform classifier decide first', async () => {
    const err = new PermanentError('P_1', 'platform refused');
    await expect(client().send({ name: 'x', method: 'GET', url: `${base}/ok`, effect: 'read' }, () => err)).rejects.toBe(err);
  });

  it('redacts tokens in query strings, JSON and forms', () => {
    expect(redactSecrets('GET /a?access_token=abc&x=1 {"secret":"s3"} secret=zz')).toBe('GET /a?access_token=***&x=1 {"secret":"***"} secret=***');
  });
});
