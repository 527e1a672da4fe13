import { execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/**
 * Browser tests drive Debian's chromium (no browser downloads): /usr/bin/chromium, or CHROMIUM_PATH.
 * In CI (CI=true) a missing browser fails the suite loudly; elsewhere the suites are skipped with a
 * warning, so a developer without chromium can still run the rest of `npm test`.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ROOT = path.resolve(__dirname, '..', '..');
export const SHOTS = path.join(ROOT, 'test-results', 'console');

export function chromiumAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  const msg = `chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium fonts-noto-cjk) or set CHROMIUM_PATH`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(msg);
  // eslint-disable-next-line no-console
  console.warn(`SKIPPING console browser tests: ${msg}`);
  return false;
}

/** Newest modification time under a path (files only). */
function newest(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) if (e !== 'dist' && e !== 'node_modules') max = Math.max(max, newest(path.join(p, e)));
  return max;
}

/** Builds apps/console when dist is missing or older than its sources (the api serves apps/console/dist). */
export function ensureConsoleBuilt(): void {
  const dir = path.join(ROOT, 'apps', 'console');
  const built = path.join(dir, 'dist', 'index.html');
  // the console also bundles a few pure modules from libs/ (apps/api/src/console-shared.spec.ts guards them)
  const srcTime = Math.max(
    newest(path.join(dir, 'src')),
    newest(path.join(ROOT, 'libs')),
    newest(path.join(dir, 'index.html')),
    newest(path.join(dir, 'vite.config.ts')),
    newest(path.join(ROOT, 'package-lock.json')),
  );
  const fresh = () => fs.existsSync(built) && fs.statSync(built).mtimeMs >= srcTime;
  if (fresh()) return;
  // Browser suites run in parallel jest workers. Two builds at once empty dist under each other's
  // feet (a suite already serving the console then loses its assets), so one builds and the other waits.
  const lock = path.join(dir, '.build-lock');
  const waitMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // a lock left by a killed run is older than any build takes; one just released is gone (try again)
      const since = fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since === undefined) continue;
      if (Date.now() - since > 5 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else waitMs(250);
    }
  }
  try {
    if (fresh()) return;
    execSync('node scripts/build-console.js', { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (!fs.existsSync(built)) throw new Error('console build produced no apps/console/dist/index.html');
    fs.utimesSync(built, new Date(), new Date());
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Playwright refuses an explicit --user-data-dir with launch(): it creates a fresh temporary profile
 * directory for every launch itself (and deletes it on close), which is what we want. Each test then
 * opens fresh contexts (no cache, no storage) on that profile.
 */
export async function launch(): Promise<{ browser: Browser; downloadsDir: string }> {
  // Scratch directory for downloads (the XLSX export), removed by the suite.
  const downloadsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-chromium-'));
  // --lang: the browser's own parts (file and date inputs) in Chinese, as on the offices' computers
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--lang=zh-CN',
  ];
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, downloadsPath: downloadsDir, args });
    return { browser, downloadsDir };
  } catch (e) {
    fs.rmSync(downloadsDir, { recursive: true, force: true });
    throw e;
  }
}

/** A fresh context (own cache and storage: a cold start) with a page that fails the test on page errors. */
export async function newPage(
  browser: Browser,
  o: { viewport?: { width: number; height: number }; acceptDownloads?: boolean; timezoneId?: string } = {},
): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await browser.newContext({
    viewport: o.viewport ?? { width: 1440, height: 1000 },
    locale: 'zh-CN',
    // the browser's own zone; the console shows and takes Beijing time whatever it is
    timezoneId: o.timezoneId ?? 'Asia/Shanghai',
    acceptDownloads: o.acceptDownloads ?? true,
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return { ctx, page, errors };
}

/**
 * Signs a fresh context in without the sign-in page: the HttpOnly session cookie the console's sign-in
 * would set (the console keeps its token nowhere else), from a token got through the API.
 */
export async function addSessionCookie(ctx: BrowserContext, baseUrl: string, token: string): Promise<void> {
  const { hostname } = new URL(baseUrl);
  await ctx.addCookies([{ name: 'gd_session', value: token, domain: hostname, path: '/api', httpOnly: true, sameSite: 'Strict' }]);
}

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('current-user').waitFor();
}

export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
