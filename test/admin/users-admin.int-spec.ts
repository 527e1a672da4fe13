import type { AxiosInstance } from 'axios';
import axios from 'axios';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { USER_ACTIVE_LOCK } from '../../apps/api/src/admin/admin.controller';

/**
 * Switching a staff member's account off and on again, and an admin setting a new password, through
 * the API against a real database: who may do it (organisation scope), what is refused (oneself, the
 * last active admin, no reason, a weak password) and that a refusal changes nothing, that a switched-off
 * account's token stops working at once, and the audit rows.
 */
describe('users: deactivate, reactivate, reset password', () => {
  let sys: TestSystem;
  let admin: AxiosInstance; // the seed's county admin
  let jyjAdmin: AxiosInstance; // admin of 示范县教育局 only
  let county = '';
  let jyj = '';
  let adminId = '';
  let jyjAdminId = '';
  let n = 0;

  beforeAll(async () => {
    sys = await startTestSystem('users-admin', { worker: false });
    county = sys.seed.orgs['sfx'];
    jyj = sys.seed.orgs['sfx-jyj'];
    adminId = sys.seed.users['admin'];
    admin = await sys.login('admin');
    jyjAdminId = await createUser('jyj-admin', [{ organisationId: jyj, role: 'admin' }]);
    jyjAdmin = await sys.login('jyj-admin');
  }, 240_000);

  afterAll(async () => {
    await sys?.close();
  });

  /** A new user (password TEST_PASSWORD, home: the organisation of the first role) created by the county admin; returns its id. */
  async function createUser(username: string, roles: { organisationId: string; role: string }[]): Promise<string> {
    const r = await admin.post('/users', {
      username,
      displayName: `测试用户${username}`,
      password: TEST_PASSWORD,
      homeOrganisationId: roles[0]?.organisationId ?? county,
      roles,
    });
    expect(r.status).toBe(201);
    return r.data.id;
  }
  const fresh = (role = 'editor', org = () => jyj) => createUser(`staff-${++n}-${Math.random().toString(36).slice(2, 6)}`, [{ organisationId: org(), role }]);
  const usernameOf = async (id: string): Promise<string> => (await sys.ds.query(`SELECT username FROM users WHERE id = $1`, [id]))[0].username;
  const activeOf = async (id: string): Promise<boolean> => (await sys.ds.query(`SELECT active FROM users WHERE id = $1`, [id]))[0].active;
  const hashOf = async (id: string): Promise<string> => (await sys.ds.query(`SELECT password_hash FROM users WHERE id = $1`, [id]))[0].password_hash;
  const auditOf = async (id: string): Promise<{ action: string; actor_id: string; details: Record<string, unknown> }[]> =>
    // sign-ins (auth.*) are audited too; this suite is about what admins do to a user
    sys.ds.query(`SELECT action, actor_id, details FROM audit_logs WHERE entity_type = 'user' AND entity_id = $1 AND action NOT LIKE 'auth.%' ORDER BY id`, [
      id,
    ]);
  const login = (username: string, password = TEST_PASSWORD) => sys.http.post('/auth/login', { username, password });
  const withToken = (token: string) =>
    axios.create({ baseURL: `${sys.url}/api/v1`, validateStatus: () => true, timeout: 30_000, headers: { Authorization: `Bearer ${token}` } });

  it('deactivating refuses the sign-in and the token already issued at once; reactivating lets the user sign in again', async () => {
    const id = await fresh();
    const username = await usernameOf(id);
    const first = await login(username);
    expect(first.status).toBe(200);
    const staff = withToken(first.data.accessToken);
    expect((await staff.get('/auth/me')).status).toBe(200);
    expect((await staff.post('/items', { organisationId: jyj, title: '停用前撰写的通知', kind: 'notice' })).status).toBe(201);

    const off = await admin.put(`/users/${id}/active`, { active: false, reason: '调离本单位' });
    expect(off.status).toBe(200);
    expect(off.data).toMatchObject({ id, username, active: false });
    expect(await activeOf(id)).toBe(false);

    // The same token, the very next request: refused (roles and the active flag are read per request).
    const me = await staff.get('/auth/me');
    expect(me.status).toBe(401);
    expect(me.data).toMatchObject({ code: 'UNAUTHENTICATED', message: '登录已失效，请重新登录' });
    expect((await staff.post('/items', { organisationId: jyj, title: '停用后撰写的通知', kind: 'notice' })).status).toBe(401);
    // Signing in again is refused with the message a wrong password gets (no account enumeration).
    const again = await login(username);
    expect(again.status).toBe(401);
    expect(again.data).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: '用户名或密码错误',
      details: [{ field: 'password', reason: 'invalid credentials' }],
    });
    // The list shows the account as switched off.
    const listed = ((await admin.get('/users')).data as { id: string; active: boolean }[]).find((u) => u.id === id);
    expect(listed).toMatchObject({ active: false });

    // Deactivating again changes nothing and records nothing more.
    expect((await admin.put(`/users/${id}/active`, { active: false, reason: '重复操作' })).status).toBe(200);

    const on = await admin.put(`/users/${id}/active`, { active: true });
    expect(on.status).toBe(200);
    expect(on.data).toMatchObject({ id, active: true });
    expect(await activeOf(id)).toBe(true);
    const back = await login(username);
    expect(back.status).toBe(200);
    expect((await withToken(back.data.accessToken).get('/auth/me')).data).toMatchObject({ id, username });
    // The token from before the switch-off stays dead: re-enabling starts new sessions, it does not revive old ones.
    expect((await staff.get('/auth/me')).status).toBe(401);

    const audit = await auditOf(id);
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.deactivate', 'user.activate']);
    expect(audit[1]).toMatchObject({ actor_id: adminId, details: { username, reason: '调离本单位' } });
    expect(audit[2]).toMatchObject({ actor_id: adminId, details: { username } });
  });

  it('a reason is required to deactivate; without one nothing changes', async () => {
    const id = await fresh();
    for (const body of [{ active: false }, { active: false, reason: '' }, { active: false, reason: '   ' }]) {
      const r = await admin.put(`/users/${id}/active`, body);
      expect(r.status).toBe(400);
      expect(r.data).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'reason', reason: 'required when deactivating' }] });
      expect(r.data.message).toMatch(/^输入有误/);
    }
    const typed = await admin.put(`/users/${id}/active`, { active: 'no', reason: '调离' });
    expect(typed.status).toBe(400);
    expect(typed.data.details).toEqual([{ field: 'active', reason: 'must be a boolean value' }]);
    expect((await admin.put(`/users/${id}/active`, { active: false, reason: 'x'.repeat(501) })).data.details).toEqual([
      { field: 'reason', reason: 'must be shorter than or equal to 500 characters' },
    ]);
    expect(await activeOf(id)).toBe(true);
    expect((await auditOf(id)).map((a) => a.action)).toEqual(['user.create']);
    expect((await login(await usernameOf(id))).status).toBe(200);
  });

  it('an admin cannot deactivate themself: refused with the field named, nothing changed', async () => {
    const r = await admin.put(`/users/${adminId}/active`, { active: false, reason: '误操作' });
    expect(r.status).toBe(409);
    expect(r.data).toEqual({
      statusCode: 409,
      code: 'SELF_DEACTIVATION',
      message: '不能停用自己的账号',
      details: [{ field: 'id', reason: 'cannot deactivate your own account' }],
    });
    expect(await activeOf(adminId)).toBe(true);
    expect((await admin.get('/auth/me')).status).toBe(200);
    expect((await auditOf(adminId)).map((a) => a.action)).not.toContain('user.deactivate');
  });

  it('the last active admin of the deployment is never deactivated, even by two admins switching each other off at the same moment', async () => {
    // Two county admins are made the deployment's only active admins (the others are switched off here
    // directly in the database and switched back on at the end).
    const a = await createUser(`admin-a-${++n}`, [{ organisationId: county, role: 'admin' }]);
    const b = await createUser(`admin-b-${++n}`, [{ organisationId: county, role: 'admin' }]);
    const [aApi, bApi] = [await sys.login(await usernameOf(a)), await sys.login(await usernameOf(b))];
    const others: string[] = (
      await sys.ds.query(
        `SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin' WHERE u.active AND NOT (u.id = ANY($1::uuid[]))`,
        [[a, b]],
      )
    ).map((r: { id: string }) => r.id);
    expect(others).toEqual(expect.arrayContaining([adminId, jyjAdminId]));
    await sys.ds.query(`UPDATE users SET active = false WHERE id = ANY($1::uuid[])`, [others]);
    const qr = sys.ds.createQueryRunner();
    try {
      // Hold the lock the endpoint serialises on until both requests have passed authentication and
      // the scope checks and wait for it: each admin is still active when their request is checked.
      await qr.connect();
      await qr.startTransaction();
      await qr.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
      const pa = aApi.put(`/users/${b}/active`, { active: false, reason: '互相停用' });
      const pb = bApi.put(`/users/${a}/active`, { active: false, reason: '互相停用' });
      await waitFor(
        async () =>
          (
            await sys.ds.query(
              `SELECT count(*)::int AS n FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2`,
              USER_ACTIVE_LOCK,
            )
          )[0].n === 2,
        20_000,
        'both deactivations waiting for the lock',
      );
      await qr.commitTransaction();
      const [ra, rb] = await Promise.all([pa, pb]);
      const results = [ra, rb].sort((x, y) => x.status - y.status);
      expect(results.map((r) => r.status)).toEqual([200, 409]);
      expect(results[1].data).toEqual({
        statusCode: 409,
        code: 'LAST_ACTIVE_ADMIN',
        message: '不能停用最后一个启用的管理员账号，请先为其他用户授予管理员角色',
        details: [{ field: 'active', reason: 'the last active admin of the deployment must stay active' }],
      });
      // Exactly one of the two was switched off, and only that one change was recorded.
      const [stillActive, switchedOff] = ra.status === 200 ? [a, b] : [b, a];
      expect(await activeOf(stillActive)).toBe(true);
      expect(await activeOf(switchedOff)).toBe(false);
      expect((await auditOf(stillActive)).map((x) => x.action)).toEqual(['user.create']);
      expect((await auditOf(switchedOff)).map((x) => x.action)).toEqual(['user.create', 'user.deactivate']);
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.release();
      await sys.ds.query(`UPDATE users SET active = true WHERE id = ANY($1::uuid[])`, [others]);
    }
  });

  it('the last active admin cannot take away their own admin role either: refused with the field named, roles unchanged', async () => {
    const x = await createUser(`admin-x-${++n}`, [{ organisationId: county, role: 'admin' }]);
    const xApi = await sys.login(await usernameOf(x));
    const others: string[] = (
      await sys.ds.query(`SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin' WHERE u.active AND u.id <> $1`, [x])
    ).map((r: { id: string }) => r.id);
    await sys.ds.query(`UPDATE users SET active = false WHERE id = ANY($1::uuid[])`, [others]);
    try {
      const r = await xApi.put(`/users/${x}/roles`, { roles: [{ organisationId: county, role: 'editor' }] });
      expect(r.status).toBe(409);
      expect(r.data).toMatchObject({
        code: 'LAST_ACTIVE_ADMIN',
        details: [{ field: 'roles', reason: 'the last active admin of the deployment must keep the admin role' }],
      });
      expect(await sys.ds.query(`SELECT organisation_id, role FROM user_roles WHERE user_id = $1`, [x])).toEqual([{ organisation_id: county, role: 'admin' }]);
      expect((await auditOf(x)).map((a) => a.action)).toEqual(['user.create']);
    } finally {
      await sys.ds.query(`UPDATE users SET active = true WHERE id = ANY($1::uuid[])`, [others]);
    }
    // With another admin active again, the same change goes through.
    const ok = await xApi.put(`/users/${x}/roles`, { roles: [{ organisationId: county, role: 'editor' }] });
    expect(ok.status).toBe(200);
    expect(await sys.ds.query(`SELECT organisation_id, role FROM user_roles WHERE user_id = $1`, [x])).toEqual([{ organisation_id: county, role: 'editor' }]);
  });

  it('an admin acts only on users within their organisations: 403 outside, 404 for no such user, 403 for a non-admin', async () => {
    const inScope = await fresh('editor', () => jyj);
    const countyClerk = await fresh('editor', () => county);
    // Roles in the 教育局 and in the county: switching the account off would act outside the 教育局.
    const both = await fresh('editor', () => jyj);
    expect(
      (
        await admin.put(`/users/${both}/roles`, {
          roles: [
            { organisationId: jyj, role: 'editor' },
            { organisationId: county, role: 'reviewer' },
          ],
        })
      ).status,
    ).toBe(200);

    for (const id of [countyClerk, both, adminId]) {
      const off = await jyjAdmin.put(`/users/${id}/active`, { active: false, reason: '越权停用' });
      expect(off.status).toBe(403);
      expect(off.data).toMatchObject({ code: 'FORBIDDEN_ROLE', message: '该用户的所属单位或角色不在您管理的机构范围内' });
      const pw = await jyjAdmin.post(`/users/${id}/password`, { password: 'taken-over-2026' });
      expect(pw.status).toBe(403);
      expect(pw.data.code).toBe('FORBIDDEN_ROLE');
      expect(await activeOf(id)).toBe(true);
      expect((await auditOf(id)).map((a) => a.action)).not.toEqual(expect.arrayContaining(['user.deactivate']));
      expect((await auditOf(id)).map((a) => a.action)).not.toEqual(expect.arrayContaining(['user.password_reset']));
    }
    expect((await login('admin')).status).toBe(200);

    for (const missing of ['00000000-0000-4000-8000-000000000000']) {
      const r = await admin.put(`/users/${missing}/active`, { active: false, reason: '不存在' });
      expect(r.status).toBe(404);
      expect(r.data).toMatchObject({ code: 'NOT_FOUND', details: [{ field: 'id', reason: 'not found' }] });
      expect((await admin.post(`/users/${missing}/password`, { password: 'whatever-2026' })).status).toBe(404);
    }
    // A malformed id is bad input (issue 12 point 16): 400 naming the parameter.
    const malformed = await admin.put('/users/not-a-uuid/active', { active: false, reason: '不存在' });
    expect(malformed.status).toBe(400);
    expect(malformed.data).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'id', reason: 'must be a UUID' }] });
    expect((await admin.post('/users/not-a-uuid/password', { password: 'whatever-2026' })).status).toBe(400);

    const editor = await sys.login('editor');
    const notAdmin = await editor.put(`/users/${inScope}/active`, { active: false, reason: '越权停用' });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.data).toMatchObject({ code: 'FORBIDDEN_ROLE', message: '需要管理员角色' });
    expect((await editor.post(`/users/${inScope}/password`, { password: 'taken-over-2026' })).status).toBe(403);
    expect(await activeOf(inScope)).toBe(true);

    // Within the 教育局 the department admin may.
    expect((await jyjAdmin.put(`/users/${inScope}/active`, { active: false, reason: '借调至县政府办' })).status).toBe(200);
    expect(await activeOf(inScope)).toBe(false);
    expect((await auditOf(inScope)).slice(-1)[0]).toMatchObject({ action: 'user.deactivate', actor_id: jyjAdminId, details: { reason: '借调至县政府办' } });
    expect((await jyjAdmin.post(`/users/${inScope}/password`, { password: 'jyj-reset-2026' })).status).toBe(204);
    expect((await jyjAdmin.put(`/users/${inScope}/active`, { active: true })).status).toBe(200);
    expect((await login(await usernameOf(inScope), 'jyj-reset-2026')).status).toBe(200);
  });

  it('an admin sets a new password: sessions signed in before end, the old password is refused, the new one accepted; the password is never recorded', async () => {
    const id = await fresh();
    const username = await usernameOf(id);
    const password = 'spring-reset-2026';
    // A session signed in with the old password (say, on a lost phone) ...
    const before = withToken((await login(username)).data.accessToken);
    expect((await before.get('/auth/me')).status).toBe(200);
    const r = await admin.post(`/users/${id}/password`, { password });
    expect(r.status).toBe(204);
    expect(r.data).toBe('');
    // ... ends with the reset, at its very next request.
    const stale = await before.get('/auth/me');
    expect(stale.status).toBe(401);
    expect(stale.data).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await login(username)).status).toBe(401);
    const renewed = await login(username, password);
    expect(renewed.status).toBe(200);
    expect((await withToken(renewed.data.accessToken).get('/auth/me')).data).toMatchObject({ id, username });

    const audit = await auditOf(id);
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'user.password_reset']);
    expect(audit[1]).toEqual({ action: 'user.password_reset', actor_id: adminId, details: { username } });
    const everything = JSON.stringify(await sys.ds.query(`SELECT * FROM audit_logs`));
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(TEST_PASSWORD);
  });

  it('a password that breaks the rules is refused with the field named, as for a new user, and nothing changes', async () => {
    const id = await fresh();
    const username = await usernameOf(id);
    const before = await hashOf(id);
    for (const [body, reason] of [
      [{ password: 'short' }, 'must be longer than or equal to 8 characters'],
      [{ password: 'x'.repeat(201) }, 'must be shorter than or equal to 200 characters'],
      [{ password: 12345678 }, 'must be a string'],
      [{}, 'must be longer than or equal to 8 characters'],
    ] as const) {
      const r = await admin.post(`/users/${id}/password`, body);
      expect(r.status).toBe(400);
      expect(r.data.code).toBe('VALIDATION_FAILED');
      expect(r.data.details).toContainEqual({ field: 'password', reason });
    }
    const extra = await admin.post(`/users/${id}/password`, { password: 'long-enough-2026', passwordHash: 'x' });
    expect(extra.status).toBe(400);
    expect(extra.data.details).toEqual([{ field: 'passwordHash', reason: 'unknown field' }]);
    // The same rules, word for word, as creating a user.
    const create = await admin.post('/users', { username: `short-${++n}`, displayName: '短密码', password: 'short', homeOrganisationId: county });
    const reset = await admin.post(`/users/${id}/password`, { password: 'short' });
    expect(reset.data.details).toEqual(create.data.details);
    expect(await hashOf(id)).toBe(before);
    expect((await login(username)).status).toBe(200);
    expect((await auditOf(id)).map((a) => a.action)).toEqual(['user.create']);
  });

  it('the OpenAPI document describes both endpoints and their bodies', async () => {
    const doc = (await axios.get(`${sys.url}/api/docs-json`)).data;
    expect(doc.paths['/api/v1/users/{id}/active'].put.summary).toMatch(/停用或重新启用用户/);
    expect(doc.paths['/api/v1/users/{id}/password'].post.summary).toMatch(/设置新密码/);
    expect(doc.paths['/api/v1/users/{id}/password'].post.responses).toHaveProperty('204');
    expect(doc.components.schemas.SetActiveDto).toMatchObject({
      required: ['active'],
      properties: { active: { type: 'boolean' }, reason: { type: 'string' } },
    });
    expect(doc.components.schemas.SetPasswordDto).toMatchObject({ required: ['password'], properties: { password: { type: 'string' } } });
  });
});
