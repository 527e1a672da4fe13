import type { AxiosInstance } from 'axios';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, point 12 (part): Bull Board lists the jobs of every organisation (queues are per channel
 * type, not per organisation), so only an admin of the root organisation may open it. Roles are read
 * on every request: losing the role closes the board at once, cookie or not.
 */
describe('security: Bull Board scope', () => {
  let sys: TestSystem;
  let admin: AxiosInstance;
  let county = '';
  let jyj = '';

  beforeAll(async () => {
    sys = await startTestSystem('bull-board-scope', { worker: false });
    county = sys.seed.orgs['sfx'];
    jyj = sys.seed.orgs['sfx-jyj'];
    admin = await sys.login('admin');
    for (const [username, org, role] of [
      ['jyj-operator', jyj, 'operator'],
      ['jyj-admin', jyj, 'admin'],
      ['root-admin-2', county, 'admin'],
    ] as const) {
      const r = await admin.post('/users', {
        username,
        displayName: username,
        password: TEST_PASSWORD,
        homeOrganisationId: org,
        roles: [{ organisationId: org, role }],
      });
      if (r.status !== 201) throw new Error(`create ${username}: ${r.status} ${JSON.stringify(r.data)}`);
    }
  }, 240_000);

  afterAll(async () => {
    await sys?.close();
  });

  const tokenOf = (c: AxiosInstance) => String((c.defaults.headers as Record<string, unknown>).Authorization).slice(7);
  const board = (path: string, headers: Record<string, string> = {}) => fetch(`${sys.url}/admin/queues${path}`, { headers });

  it('operators (of a department or of the county), department admins and editors are refused; the message names no organisation', async () => {
    for (const who of ['jyj-operator', 'operator', 'jyj-admin', 'editor']) {
      const token = tokenOf(await sys.login(who));
      for (const res of [
        await board('', { authorization: `Bearer ${token}` }),
        await board(`?access_token=${token}`),
        await board('/api/queues', { authorization: `Bearer ${token}` }),
      ]) {
        expect(res.status).toBe(403);
        expect(res.headers.get('set-cookie')).toBeNull();
        const body = await res.json();
        expect(body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN_ROLE' });
        expect(body.message).not.toMatch(/示范县/);
      }
    }
  });

  it('an admin of the root organisation sees the board; it closes at once when the role is taken away', async () => {
    const page = await board(`?access_token=${tokenOf(admin)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<!DOCTYPE html>');
    const api = await board('/api/queues', { authorization: `Bearer ${tokenOf(admin)}` });
    expect(api.status).toBe(200);
    expect((await api.json()).queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['deliver-portal']));

    const second = await sys.login('root-admin-2');
    const opened = await board(`?access_token=${tokenOf(second)}`);
    expect(opened.status).toBe(200);
    const cookie = opened.headers.get('set-cookie')!.split(';')[0];
    expect((await board('/api/queues', { cookie })).status).toBe(200);
    const id = (await sys.ds.query(`SELECT id FROM users WHERE username = 'root-admin-2'`))[0].id;
    expect((await admin.put(`/users/${id}/roles`, { roles: [{ organisationId: county, role: 'operator' }] })).status).toBe(200);
    expect((await board('/api/queues', { cookie })).status).toBe(403);
  });
});
