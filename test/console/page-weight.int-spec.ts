import type { Browser, CDPSession, Page } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage } from './browser';

/**
 * Issue 15 point 11, measured in the browser on a cold cache (a fresh context: no cache, no storage):
 * the first page — the sign-in page, then the home page after signing in — transfers under 150 kB, the
 * sum of what the network delivered for every request (Chromium's encodedDataLength: compressed bodies
 * plus headers). Sizes are asserted (the build is deterministic); how long each page took to be ready is
 * only printed. A second load of a hashed asset comes from the browser's cache without asking the
 * server, while index.html is asked for again (no-cache), so an upgrade is seen on the next load.
 */
const run = chromiumAvailable() ? describe : describe.skip;
const BUDGET = 150_000;
const ROLES = ['editor', 'reviewer', 'operator', 'statistician', 'admin'];

interface Transfer {
  url: string;
  bytes: number;
  fromCache: boolean;
  status: number;
  headers: Record<string, string>;
}

/** Everything the page's network delivers, from Chromium's own accounting (DevTools' "transferred"). */
async function recordTransfers(page: Page): Promise<{ cdp: CDPSession; done: Transfer[]; settled(): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  const open = new Map<string, Partial<Transfer>>();
  const done: Transfer[] = [];
  cdp.on('Network.requestWillBeSent', (e) => open.set(e.requestId, { ...open.get(e.requestId), url: e.request.url, fromCache: false }));
  cdp.on('Network.requestServedFromCache', (e) => open.set(e.requestId, { ...open.get(e.requestId), fromCache: true }));
  cdp.on('Network.responseReceived', (e) => {
    const t = open.get(e.requestId) ?? {};
    // an event stream stays open as long as the page: not part of loading it
    if (e.response.mimeType === 'text/event-stream') return void open.delete(e.requestId);
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    open.set(e.requestId, { ...t, status: e.response.status, headers, fromCache: t.fromCache || !!e.response.fromDiskCache || !!e.response.fromPrefetchCache });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const t = open.get(e.requestId);
    open.delete(e.requestId);
    if (t?.url) done.push({ url: t.url, bytes: e.encodedDataLength, fromCache: !!t.fromCache, status: t.status ?? 0, headers: t.headers ?? {} });
  });
  cdp.on('Network.loadingFailed', (e) => open.delete(e.requestId));
  await cdp.send('Network.enable');
  // Requests the page started before it was ready finish on their own; wait until none is open.
  const settled = () => waitFor(async () => open.size === 0, 20_000, 'no request open').then(() => undefined);
  return { cdp, done, settled };
}

const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const sum = (ts: Transfer[]) => ts.reduce((a, t) => a + t.bytes, 0);

run('page weight on a cold cache', () => {
  let sys: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('page-weight', { worker: false });
    ({ browser } = await launch());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it.each(ROLES)(
    '%s: the sign-in page and the home page after signing in transfer under 150 kB',
    async (role) => {
      const { ctx, page, errors } = await newPage(browser);
      const net = await recordTransfers(page);

      let t0 = Date.now();
      await page.goto(`${sys.url}/login`, { waitUntil: 'commit' });
      await page.locator('#username').waitFor();
      const signInReady = Date.now() - t0;
      await net.settled();
      const signInPage = [...net.done];

      await page.locator('#username').fill(role);
      await page.locator('#password').fill(TEST_PASSWORD);
      t0 = Date.now();
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('heading', { level: 1, name: /^您好/ }).waitFor();
      await waitFor(async () => (await page.locator('main .loading').count()) === 0, 20_000, 'every panel of the home page loaded');
      const homeReady = Date.now() - t0;
      await net.settled();
      const homePage = net.done.slice(signInPage.length);

      const total = sum(net.done);
      const lines = net.done.map((t) => `  ${kB(t.bytes).padStart(9)}  ${t.status} ${new URL(t.url).pathname}`);
      process.stdout.write(
        `${role}: sign-in page ${kB(sum(signInPage))}, ready in ${signInReady} ms; home page ${kB(sum(homePage))}, ready in ${homeReady} ms; ` +
          `first page in all ${kB(total)} (budget ${kB(BUDGET)})\n${lines.join('\n')}\n`,
      );
      expect(net.done.every((t) => !t.fromCache)).toBe(true); // a cold cache
      expect(signInPage.length).toBeGreaterThan(0);
      expect(homePage.some((t) => new URL(t.url).pathname === '/api/v1/auth/me' || new URL(t.url).pathname.startsWith('/api/v1/'))).toBe(true);
      expect({ role, total: total < BUDGET ? 'under budget' : kB(total) }).toEqual({ role, total: 'under budget' });
      // what makes it small: scripts and styles compressed (but the smallest, under the compression threshold of 1 kB)
      for (const t of net.done.filter((x) => /\.(js|css)$/.test(x.url) && x.bytes > 2000))
        expect([t.url, t.headers['content-encoding']]).toEqual([t.url, expect.stringMatching(/^(gzip|br)$/)]);
      expect(errors).toEqual([]);
      await net.cdp.detach();
      await ctx.close();
    },
    60_000,
  );

  it('a second load takes the hashed assets from the cache and asks for index.html again', async () => {
    const { ctx, page, errors } = await newPage(browser);
    const net = await recordTransfers(page);
    await page.goto(`${sys.url}/login`);
    await page.locator('#username').waitFor();
    await net.settled();
    const first = [...net.done];
    const assets = first.filter((t) => /\/assets\/.+-[A-Za-z0-9_-]{8,}\.(js|css)$/.test(t.url));
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect([a.url, a.headers['cache-control']]).toEqual([a.url, 'public, max-age=31536000, immutable']);
    const doc = first.find((t) => new URL(t.url).pathname === '/login')!;
    expect(doc.headers['cache-control']).toBe('no-cache');

    // a new navigation (not a reload, which revalidates on purpose) in the same browser context
    await page.goto('about:blank');
    await page.goto(`${sys.url}/login`);
    await page.locator('#username').waitFor();
    await net.settled();
    const second = net.done.slice(first.length);
    for (const a of assets) {
      const again = second.find((t) => t.url === a.url);
      expect([a.url, again?.fromCache]).toEqual([a.url, true]);
    }
    const docAgain = second.find((t) => new URL(t.url).pathname === '/login');
    expect(docAgain?.fromCache).toBe(false);
    expect(sum(second.filter((t) => assets.some((a) => a.url === t.url)))).toBe(0);
    process.stdout.write(`second load: ${kB(sum(second))} over the network (${second.filter((t) => t.fromCache).length} of ${second.length} from the cache)\n`);
    expect(errors).toEqual([]);
    await net.cdp.detach();
    await ctx.close();
  }, 240_000);
});
