import axios, { AxiosInstance } from 'axios';
import { JwtService } from '@nestjs/jwt';
import { ConfigError, loadConfig } from '@app/common/config/app-config';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, points 10 (sessions) and 11 (the console's token): every sign-in is a server-side session
 * the token carries; signing out ends it and a session idle longer than SESSION_IDLE_MINUTES is
 * refused; the console gets its token as an HttpOnly, SameSite=Strict cookie scoped to /api (never in
 * the reply, so no page script can read it), and a request authenticated by that cookie alone may not
 * change anything without the console's header (cross-site request forgery). Bearer tokens keep
 * working for API clients.
 */
describe('security: sessions, sign-out, idle timeout, console cookie', () => {
  let sys: TestSystem;
  let jyj = '';

  beforeAll(async () => {
    sys = await startTestSystem('sessions', { worker: false });
    jyj = sys.seed.orgs['sfx-jyj'];
  }, 240_000);

  afterAll(async () => {
    await sys?.close();
  });

  const CONSOLE = { 'X-Requested-With': 'gd-console' };
  const signIn = async (username = 'editor', headers: Record<string, string> = {}, body: Record<string, unknown> = {}) => {
    const r = await sys.http.post('/auth/login', { username, password: TEST_PASSWORD, ...body }, { headers });
    expect(r.status).toBe(200);
    return r;
  };
  const bearer = (token: string): AxiosInstance =>
    axios.create({ baseURL: `${sys.url}/api/v1`, validateStatus: () => true, timeout: 30_000, headers: { Authorization: `Bearer ${token}` } });
  const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  const sessionOf = async (id: string): Promise<{ user_id: string; ended_at: Date | null; end_reason: string | null; last_seen_at: Date } | undefined> =>
    (await sys.ds.query(`SELECT user_id, ended_at, end_reason, last_seen_at FROM user_sessions WHERE id = $1`, [id]))[0];
  const lastAuditId = async (): Promise<number> => Number((await sys.ds.query(`SELECT COALESCE(max(id), 0) AS id FROM audit_logs`))[0].id);
  const auditSince = async (id: number): Promise<{ action: string; actor_id: string; details: Record<string, unknown> }[]> =>
    sys.ds.query(`SELECT action, actor_id, details FROM audit_logs WHERE id > $1 ORDER BY id`, [id]);
  const itemCount = async (): Promise<number> => Number((await sys.ds.query(`SELECT count(*)::int AS n FROM items`))[0].n);
  const ENDED = { code: 'UNAUTHENTICATED', message: '登录已失效，请重新登录' };

  describe('server-side sessions', () => {
    it('a sign-in starts a session the token carries; signing out ends it at once (audited), other sessions of the user go on', async () => {
      const a = (await signIn()).data.accessToken as string;
      const b = (await signIn()).data.accessToken as string;
      const sid = claims(a).sid;
      expect(sid).toEqual(expect.any(String));
      expect(claims(b).sid).not.toBe(sid);
      expect(await sessionOf(sid)).toMatchObject({ user_id: sys.seed.users['editor'], ended_at: null });
      expect((await bearer(a).get('/auth/me')).status).toBe(200);

      const before = await lastAuditId();
      const out = await bearer(a).post('/auth/logout');
      expect(out.status).toBe(204);
      const me = await bearer(a).get('/auth/me');
      expect(me.status).toBe(401);
      expect(me.data).toMatchObject(ENDED);
      expect((await bearer(a).post('/items', { organisationId: jyj, title: '退出后撰写的通知', kind: 'notice' })).status).toBe(401);
      expect((await bearer(b).get('/auth/me')).status).toBe(200);
      expect(await sessionOf(sid)).toMatchObject({ ended_at: expect.any(Date), end_reason: 'logout' });
      expect(await auditSince(before)).toEqual([
        { action: 'auth.logout', actor_id: sys.seed.users['editor'], details: expect.objectContaining({ sessionId: sid, address: expect.any(String) }) },
      ]);

      // signing out again (or with no token) ends nothing and records nothing
      const again = await lastAuditId();
      expect((await bearer(a).post('/auth/logout')).status).toBe(204);
      expect((await sys.http.post('/auth/logout')).status).toBe(204);
      expect(await auditSince(again)).toEqual([]);
    });

    it('a session idle longer than SESSION_IDLE_MINUTES (30 by default) is refused; one used within it goes on', async () => {
      const token = (await signIn()).data.accessToken as string;
      const sid = claims(token).sid;
      await sys.ds.query(`UPDATE user_sessions SET last_seen_at = now() - interval '29 minutes' WHERE id = $1`, [sid]);
      expect((await bearer(token).get('/auth/me')).status).toBe(200);
      // that request moved last_seen_at: the session has another 30 minutes
      const seen = (await sessionOf(sid))!.last_seen_at;
      const [{ fresh }] = await sys.ds.query(`SELECT $1::timestamptz > now() - interval '1 minute' AS fresh`, [seen]);
      expect(fresh).toBe(true);

      await sys.ds.query(`UPDATE user_sessions SET last_seen_at = now() - interval '30 minutes 5 seconds' WHERE id = $1`, [sid]);
      const idle = await bearer(token).get('/auth/me');
      expect(idle.status).toBe(401);
      expect(idle.data).toMatchObject(ENDED);
      // and stays refused: the refusal does not revive it
      expect((await bearer(token).get('/auth/me')).status).toBe(401);
    });

    it('a busy session writes last_seen_at at most once a minute', async () => {
      const token = (await signIn()).data.accessToken as string;
      const sid = claims(token).sid;
      await sys.ds.query(`UPDATE user_sessions SET last_seen_at = now() - interval '20 seconds' WHERE id = $1`, [sid]);
      const set = (await sessionOf(sid))!.last_seen_at.getTime();
      for (let i = 0; i < 5; i++) expect((await bearer(token).get('/auth/me')).status).toBe(200);
      expect((await sessionOf(sid))!.last_seen_at.getTime()).toBe(set);
      await sys.ds.query(`UPDATE user_sessions SET last_seen_at = now() - interval '61 seconds' WHERE id = $1`, [sid]);
      const old = (await sessionOf(sid))!.last_seen_at.getTime();
      expect((await bearer(token).get('/auth/me')).status).toBe(200);
      expect((await sessionOf(sid))!.last_seen_at.getTime()).toBeGreaterThan(old);
    });

    it('a token that carries no session (signed before sessions existed) is refused', async () => {
      const jwt = sys.api.get(JwtService);
      const old = await jwt.signAsync({ sub: sys.seed.users['editor'], se: 0 }, { expiresIn: 3600 });
      const r = await bearer(old).get('/auth/me');
      expect(r.status).toBe(401);
      expect(r.data).toMatchObject(ENDED);
      const forged = await jwt.signAsync({ sub: sys.seed.users['editor'], se: 0, sid: '00000000-0000-4000-8000-000000000000' }, { expiresIn: 3600 });
      expect((await bearer(forged).get('/auth/me')).status).toBe(401);
    });

    it('SESSION_IDLE_MINUTES is validated at boot', () => {
      const base = { ENCRYPTION_KEY: 'a'.repeat(64), JWT_SECRET: 'x'.repeat(20) };
      expect(loadConfig({ ...base }).SESSION_IDLE_MINUTES).toBe(30);
      expect(loadConfig({ ...base, SESSION_IDLE_MINUTES: '15' }).SESSION_IDLE_MINUTES).toBe(15);
      for (const bad of ['0', 'abc', '-5', '2.5', '100000']) {
        let err: unknown;
        try {
          loadConfig({ ...base, SESSION_IDLE_MINUTES: bad });
        } catch (e) {
          err = e;
        }
        expect([bad, err instanceof ConfigError && (err as ConfigError).problems.map((p) => p.variable)]).toEqual([bad, ['SESSION_IDLE_MINUTES']]);
      }
    });
  });

  describe("the console's cookie", () => {
    const cookieOf = (setCookie: string[] | undefined) => (setCookie ?? []).find((c) => c.startsWith('gd_session='));
    const withCookie = (cookie: string, headers: Record<string, string> = {}) =>
      axios.create({ baseURL: `${sys.url}/api/v1`, validateStatus: () => true, timeout: 30_000, headers: { Cookie: cookie.split(';')[0], ...headers } });

    it('the console sign-in sets an HttpOnly, SameSite=Strict cookie on /api and sends no token in the reply', async () => {
      const r = await signIn('editor', CONSOLE);
      expect(r.data.accessToken).toBeUndefined();
      expect(JSON.stringify(r.data)).not.toMatch(/eyJ/); // no JWT anywhere in the body
      expect(r.data.user).toMatchObject({ username: 'editor' });
      const cookie = cookieOf(r.headers['set-cookie']);
      expect(cookie).toBeDefined();
      const attrs = cookie!.split(';').map((s) => s.trim());
      expect(attrs).toEqual(expect.arrayContaining(['Path=/api', 'HttpOnly', 'SameSite=Strict']));
      expect(attrs.some((a) => a.startsWith('Max-Age'))).toBe(false); // gone when the browser closes
      expect((await withCookie(cookie!).get('/auth/me')).data).toMatchObject({ username: 'editor' });
      // "keep me signed in": the cookie lives as long as the token
      const kept = cookieOf((await signIn('editor', CONSOLE, { remember: true })).headers['set-cookie']);
      expect(kept).toContain(`Max-Age=${sys.config.JWT_TTL_SECONDS}`);
      // API clients (no console header) get the bearer token and no cookie
      const api = await signIn('editor');
      expect(api.data.accessToken).toEqual(expect.any(String));
      expect(cookieOf(api.headers['set-cookie'])).toBeUndefined();
    });

    it('a change authenticated by the cookie alone is refused (CSRF) and writes nothing; with the console header it goes through', async () => {
      const cookie = cookieOf((await signIn('editor', CONSOLE)).headers['set-cookie'])!;
      const items = await itemCount();
      const body = { organisationId: jyj, title: '跨站伪造的通知', kind: 'notice' };
      const forged = await withCookie(cookie).post('/items', body);
      expect(forged.status).toBe(403);
      expect(forged.data).toMatchObject({ code: 'CSRF_REFUSED', message: '请求来源无法确认，请刷新页面后重试' });
      expect(await withCookie(cookie, { 'X-Requested-With': 'XMLHttpRequest' }).post('/items', body)).toMatchObject({ status: 403 });
      expect(await itemCount()).toBe(items);
      expect((await withCookie(cookie, CONSOLE).post('/items', { ...body, title: '控制台撰写的通知' })).status).toBe(201);
      // reading needs no header; a bearer token needs none either
      expect((await withCookie(cookie).get('/items')).status).toBe(200);
      expect((await bearer((await signIn()).data.accessToken).post('/items', { ...body, title: '接口撰写的通知' })).status).toBe(201);
      expect(await itemCount()).toBe(items + 2);
    });

    it('signing out from the console ends the session and clears the cookie; without the header it is refused', async () => {
      const cookie = cookieOf((await signIn('editor', CONSOLE)).headers['set-cookie'])!;
      expect((await withCookie(cookie).post('/auth/logout')).status).toBe(403);
      expect((await withCookie(cookie).get('/auth/me')).status).toBe(200);
      const out = await withCookie(cookie, CONSOLE).post('/auth/logout');
      expect(out.status).toBe(204);
      const cleared = cookieOf(out.headers['set-cookie']);
      expect(cleared).toMatch(/^gd_session=;/);
      expect(cleared).toContain('Max-Age=0');
      expect(cleared).toContain('Path=/api');
      expect((await withCookie(cookie).get('/auth/me')).status).toBe(401);
    });
  });
});
