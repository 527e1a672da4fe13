import * as http from 'http';
import { AddressInfo } from 'net';
import axios, { AxiosInstance } from 'axios';
import sharp from 'sharp';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';

/**
 * The simulators for one describe block: started before its tests (then handed to `ready`, which makes
 * the suite's clients) and closed after them. Each suite resets them itself, in its own beforeEach.
 */
export function startSimSuite(ready: (sim: ChannelSim) => unknown, options?: Parameters<typeof startChannelSim>[0]): void {
  let sim: ChannelSim | undefined;
  beforeAll(async () => {
    sim = await startChannelSim(options);
    await ready(sim);
  });
  afterAll(async () => {
    await sim?.close();
  });
}

/** axios that never throws on an HTTP status: the tests assert on status and body. */
export function client(baseURL: string, timeout = 30_000): AxiosInstance {
  return axios.create({ baseURL, timeout, validateStatus: () => true, proxy: false });
}

export async function jpeg(width = 16, height = 16): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .toBuffer();
}

export async function png(width = 16, height = 16): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 30, g: 200, b: 30 } } })
    .png()
    .toBuffer();
}

export async function gif(): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 0, g: 0, b: 200 } } })
    .gif()
    .toBuffer();
}

/** A valid image followed by padding, to cross a size limit without encoding a big picture. */
export function padded(img: Buffer, totalBytes: number): Buffer {
  return Buffer.concat([img, Buffer.alloc(Math.max(0, totalBytes - img.length))]);
}

export function form(fields: Record<string, string>, files: Record<string, { data: Buffer; filename: string; type: string }> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, v] of Object.entries(files)) f.append(k, new Blob([v.data], { type: v.type }), v.filename);
  return f;
}

export function urlencoded(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** A loopback HTTP listener that records what it receives (for WeChat's callback push). */
export async function listener(answer: (n: number) => { status: number; body: string } = () => ({ status: 200, body: 'success' })) {
  const received: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(received.length);
      res.writeHead(a.status, { 'content-type': 'text/plain' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/wechat/callback`,
    received,
    async waitFor(n: number, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`listener got ${received.length} of ${n} requests`);
        await sleep(20);
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls fn until it returns a truthy value. */
export async function until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, stepMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(stepMs);
  }
}
