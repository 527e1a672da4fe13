import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, signIn } from '../console/browser';

/**
 * Issue 12, point 11: security headers everywhere (no X-Powered-By, nosniff, a referrer policy, no
 * framing), a content security policy for the console that lets only its own scripts run, and one for
 * the portal under /site/ that runs no script at all; the console keeps its token where no page on the
 * origin can read it. The browser part drives Debian's chromium (skipped with a warning when it is
 * missing, failing in CI) against the built console.
 */
describe('security: headers and the console token', () => {
  let sys: TestSystem;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('headers', { worker: false });
    // a page under /site/ that tries to run script and steal the console's session
    fs.writeFileSync(
      path.join(sys.portalDir, 'evil.html'),
      `<!doctype html><html><head><title>portal page</title><script src="/site/evil.js"></script></head>
       <body><p id="p">正文</p><img src="/site/none.png" onerror="document.title='pwned-onerror'">
       <script>document.title = 'pwned:' + document.cookie + localStorage.getItem('gd.token') + sessionStorage.getItem('gd.token');
         fetch('/api/v1/auth/me').then(function (r) { return r.text(); }).then(function (t) { document.title = 'stolen:' + t; });</script></body></html>`,
    );
    fs.writeFileSync(path.join(sys.portalDir, 'evil.js'), `document.title = 'pwned-external';`);
  }, 180_000);

  afterAll(async () => {
    await sys?.close();
  });

  const get = (p: string) => fetch(`${sys.url}${p}`, { redirect: 'manual' });
  const csp = (r: Response) =>
    Object.fromEntries(
      (r.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1).join(' ')]),
    );

  it('every response: no X-Powered-By, nosniff, no referrer, no framing', async () => {
    const paths = [
      '/',
      '/login',
      '/items/new',
      '/api/v1/health',
      '/api/v1/auth/me',
      '/api/v1/no-such-route',
      '/api/docs',
      '/site/evil.html',
      '/site/missing.html',
      '/metrics',
    ];
    for (const p of paths) {
      const r = await get(p);
      const h = {
        path: p,
        poweredBy: r.headers.get('x-powered-by'),
        nosniff: r.headers.get('x-content-type-options'),
        referrer: r.headers.get('referrer-policy'),
        frameAncestors: csp(r)['frame-ancestors'],
        xfo: r.headers.get('x-frame-options'),
      };
      expect(h).toEqual({ path: p, poweredBy: null, nosniff: 'nosniff', referrer: 'no-referrer', frameAncestors: "'none'", xfo: 'DENY' });
    }
  });

  it("the console's policy lets only its own scripts run, with no inline script or eval", async () => {
    for (const p of ['/', '/login', '/api/v1/health']) {
      const r = await get(p);
      const d = csp(r);
      expect([p, d['script-src']]).toEqual([p, "'self'"]);
      // and no other site may embed what the API or the console answers
      expect([p, r.headers.get('cross-origin-resource-policy')]).toEqual([p, 'same-origin']);
      expect([p, d['object-src'], d['base-uri'], d['form-action'], d['default-src']]).toEqual([p, "'none'", "'self'", "'self'", "'self'"]);
      expect(JSON.stringify(d)).not.toMatch(/unsafe-eval|\*|https:|upgrade-insecure-requests/);
    }
  });

  it('the portal under /site/ runs no script at all', async () => {
    for (const p of ['/site/evil.html', '/site/evil.js', '/site/missing.html']) {
      const r = await get(p);
      const d = csp(r);
      expect([p, d['default-src'], d['script-src'], d['connect-src'] ?? d['default-src'], d['frame-ancestors']]).toEqual([
        p,
        "'none'",
        "'none'",
        "'none'",
        "'none'",
      ]);
      // the portal's own images may be shown elsewhere (a WeChat article links to them)
      expect([p, r.headers.get('cross-origin-resource-policy'), r.headers.get('x-content-type-options')]).toEqual([p, 'cross-origin', 'nosniff']);
    }
  });

  const run = chromiumAvailable() ? describe : describe.skip;
  run('in the browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      ({ browser } = await launch());
    }, 240_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('the console works under its policy and keeps no token a page can read; a page under /site/ can neither run script nor use the session', async () => {
      const { ctx, page, errors } = await newPage(browser);
      await signIn(page, sys.url, 'editor', TEST_PASSWORD);
      await page.getByRole('heading', { name: /您好/ }).waitFor();
      const storage = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), cookie: document.cookie }));
      expect(storage.local).not.toMatch(/eyJ/);
      expect(storage.session).not.toMatch(/eyJ/);
      expect(storage.cookie).not.toContain('gd_session');
      // the cookie exists, HttpOnly, for /api only
      const cookies = await ctx.cookies(sys.url + '/api/v1');
      expect(cookies.find((c) => c.name === 'gd_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api' });
      expect(errors).toEqual([]);

      // the portal page, same origin, same browser
      const site = await ctx.newPage();
      const violations: string[] = [];
      site.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await site.goto(`${sys.url}/site/evil.html`, { waitUntil: 'load' });
      await site.locator('#p').waitFor();
      expect(await site.title()).toBe('portal page');
      expect(violations.length).toBeGreaterThan(0);
      // Even a script that got in (DevTools evaluation is exempt from the policy) reads no token and cannot call the API.
      const got = await site.evaluate(async () => {
        let call: string;
        try {
          const r = await fetch('/api/v1/auth/me');
          call = `answered ${r.status}`;
        } catch (e) {
          call = `refused: ${(e as Error).message}`;
        }
        return { cookie: document.cookie, local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), call };
      });
      expect(got.cookie).not.toContain('gd_session');
      expect(got.local + got.session).not.toMatch(/eyJ/);
      expect(got.call).toMatch(/^refused/);
      expect(await site.title()).toBe('portal page');

      // The console signs out on the server: the session ends and the cookie goes.
      await page.getByRole('button', { name: '退出登录' }).click();
      await page.locator('#username').waitFor();
      expect((await ctx.cookies(sys.url + '/api/v1')).find((c) => c.name === 'gd_session')).toBeUndefined();
      const open: { n: number }[] = await sys.ds.query(`SELECT count(*)::int AS n FROM user_sessions WHERE user_id = $1 AND ended_at IS NULL`, [
        sys.seed.users['editor'],
      ]);
      expect(open[0].n).toBe(0);
      expect(errors).toEqual([]);
      await ctx.close();
    });

    it('the API documentation still loads under the policy', async () => {
      const { ctx, page, errors } = await newPage(browser);
      await page.goto(`${sys.url}/api/docs`, { waitUntil: 'load' });
      await page.getByText('政务公开 一次采编 多渠道发布 API').first().waitFor();
      expect(errors).toEqual([]);
      await ctx.close();
    });
  });
});
