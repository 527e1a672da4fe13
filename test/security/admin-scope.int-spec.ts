import type { AxiosInstance } from 'axios';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, points 5, 6, 8 (admin side) and 13 (403 messages): an admin manages only users whose home
 * organisation and every role lie within the admin's organisations; only admins may set roles; only an
 * admin of a top-level organisation creates top-level organisations; portal site settings are validated
 * and a site belongs to one organisation; and a refusal names no organisation outside the caller's scope.
 * Every refusal writes nothing.
 */
describe('security: admin scope', () => {
  let sys: TestSystem;
  let admin: AxiosInstance; // county admin (the root organisation)
  let jyjAdmin: AxiosInstance; // admin of 示范县教育局 only
  let county = '';
  let jyj = '';
  let wjw = '';
  let adminId = '';
  let n = 0;

  beforeAll(async () => {
    sys = await startTestSystem('admin-scope', { worker: false });
    county = sys.seed.orgs['sfx'];
    jyj = sys.seed.orgs['sfx-jyj'];
    wjw = sys.seed.orgs['sfx-wjw'];
    adminId = sys.seed.users['admin'];
    admin = await sys.login('admin');
    await create(admin, 'jyj-admin', jyj, [{ organisationId: jyj, role: 'admin' }]);
    jyjAdmin = await sys.login('jyj-admin');
  }, 240_000);

  afterAll(async () => {
    await sys?.close();
  });

  type Grant = { organisationId: string; role: string };
  async function create(by: AxiosInstance, username: string, homeOrganisationId: string, roles: Grant[] = []): Promise<string> {
    const r = await by.post('/users', { username, displayName: `测试${username}`, password: TEST_PASSWORD, homeOrganisationId, roles });
    if (r.status !== 201) throw new Error(`create ${username}: ${r.status} ${JSON.stringify(r.data)}`);
    return r.data.id;
  }
  const uname = (p: string) => `${p}-${++n}-${Math.random().toString(36).slice(2, 6)}`;
  const hashOf = async (id: string): Promise<string> => (await sys.ds.query(`SELECT password_hash FROM users WHERE id = $1`, [id]))[0].password_hash;
  const rolesOf = async (id: string): Promise<Grant[]> =>
    (await sys.ds.query(`SELECT organisation_id AS "organisationId", role FROM user_roles WHERE user_id = $1 ORDER BY organisation_id, role`, [id])) as Grant[];
  // sign-ins are audited too (auth.*): what a refusal must not write is everything else
  const auditCount = async (): Promise<number> => (await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action NOT LIKE 'auth.%'`))[0].n;
  const auditOf = async (id: string): Promise<string[]> =>
    (await sys.ds.query(`SELECT action FROM audit_logs WHERE entity_type = 'user' AND entity_id = $1 AND action NOT LIKE 'auth.%' ORDER BY id`, [id])).map(
      (r: { action: string }) => r.action,
    );
  const login = (username: string, password = TEST_PASSWORD) => sys.http.post('/auth/login', { username, password });
  const OUTSIDE_JYJ = ['示范县人民政府', '示范县卫生健康委员会', '示范县发展和改革局', '示范县城关镇人民政府'];
  const namesNoOutsideOrg = (message: string) => OUTSIDE_JYJ.filter((name) => message.includes(name));

  describe('point 5: account takeover across branches', () => {
    it('a branch admin cannot reset, switch off or grant roles to a county user who has no roles yet; after the county grants roles, the branch admin cannot sign in as them', async () => {
      const username = uname('newbie');
      const id = await create(admin, username, county);
      const before = await hashOf(id);
      const audits = await auditCount();

      const pw = await jyjAdmin.post(`/users/${id}/password`, { password: 'taken-over-2026' });
      expect(pw.status).toBe(403);
      expect(pw.data.code).toBe('FORBIDDEN_ROLE');
      expect(namesNoOutsideOrg(pw.data.message)).toEqual([]);
      const off = await jyjAdmin.put(`/users/${id}/active`, { active: false, reason: '越权停用' });
      expect(off.status).toBe(403);
      const grant = await jyjAdmin.put(`/users/${id}/roles`, { roles: [{ organisationId: jyj, role: 'editor' }] });
      expect(grant.status).toBe(403);
      expect(await hashOf(id)).toBe(before);
      expect(await rolesOf(id)).toEqual([]);
      expect(await auditCount()).toBe(audits);
      // The branch admin's list does not show a user of the county.
      expect(((await jyjAdmin.get('/users')).data as { id: string }[]).map((u) => u.id)).not.toContain(id);

      // The county admin grants the county admin role: the branch admin's guess of a password is worthless.
      expect((await admin.put(`/users/${id}/roles`, { roles: [{ organisationId: county, role: 'admin' }] })).status).toBe(200);
      expect((await login(username, 'taken-over-2026')).status).toBe(401);
      expect((await login(username)).status).toBe(200);
    });

    it('every user has a home organisation: required, checked, within the creating admin scope; refusals create nothing', async () => {
      const audits = await auditCount();
      const body = (over: Record<string, unknown>) => ({ username: uname('home'), displayName: '所属单位测试', password: TEST_PASSWORD, ...over });
      const missing = await admin.post('/users', body({}));
      expect(missing.status).toBe(400);
      expect(missing.data.code).toBe('VALIDATION_FAILED');
      expect(missing.data.details).toContainEqual({ field: 'homeOrganisationId', reason: expect.any(String) });
      const bad = await admin.post('/users', body({ homeOrganisationId: 'not-a-uuid' }));
      expect(bad.status).toBe(400);
      expect(bad.data.details.map((d: { field: string }) => d.field)).toEqual(['homeOrganisationId']);
      const unknown = await admin.post('/users', body({ homeOrganisationId: '00000000-0000-4000-8000-000000000000' }));
      expect(unknown.status).toBe(400);
      expect(unknown.data.details).toEqual([{ field: 'homeOrganisationId', reason: 'no such organisation' }]);
      // A branch admin cannot make a user of the county, nor give its own user a role outside its scope.
      const outside = await jyjAdmin.post('/users', body({ homeOrganisationId: county }));
      expect(outside.status).toBe(403);
      expect(namesNoOutsideOrg(outside.data.message)).toEqual([]);
      const outsideRole = await jyjAdmin.post('/users', body({ homeOrganisationId: jyj, roles: [{ organisationId: wjw, role: 'editor' }] }));
      expect(outsideRole.status).toBe(403);
      expect(namesNoOutsideOrg(outsideRole.data.message)).toEqual([]);
      expect(await auditCount()).toBe(audits);
      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM users WHERE display_name = '所属单位测试'`))[0].n).toBe(0);

      // Within its scope it may, and manages the user it made.
      const own = await create(jyjAdmin, uname('jyj-clerk'), jyj);
      const listed = ((await jyjAdmin.get('/users')).data as { id: string; homeOrganisationId: string }[]).find((u) => u.id === own);
      expect(listed).toMatchObject({ homeOrganisationId: jyj });
      expect((await jyjAdmin.post(`/users/${own}/password`, { password: 'jyj-reset-2026' })).status).toBe(204);
      expect((await sys.ds.query(`SELECT home_organisation_id FROM users WHERE id = $1`, [own]))[0].home_organisation_id).toBe(jyj);

      // Once the county gives that user a role in another department, the branch admin no longer manages them.
      expect((await admin.put(`/users/${own}/roles`, { roles: [{ organisationId: wjw, role: 'editor' }] })).status).toBe(200);
      const after = await hashOf(own);
      const refused = await jyjAdmin.post(`/users/${own}/password`, { password: 'jyj-again-2026' });
      expect(refused.status).toBe(403);
      expect(namesNoOutsideOrg(refused.data.message)).toEqual([]);
      expect(await hashOf(own)).toBe(after);
    });

    it("a user of the branch with a home in the county is not the branch admin's, even with only branch roles", async () => {
      const id = await create(admin, uname('county-home'), county, [{ organisationId: jyj, role: 'editor' }]);
      const before = await hashOf(id);
      const r = await jyjAdmin.post(`/users/${id}/password`, { password: 'taken-over-2026' });
      expect(r.status).toBe(403);
      expect(namesNoOutsideOrg(r.data.message)).toEqual([]);
      expect(await hashOf(id)).toBe(before);
      expect(await auditOf(id)).toEqual(['user.create']);
    });
  });

  describe('point 6: PUT /users/:id/roles', () => {
    it('editors, reviewers, operators and statisticians are refused with 403 and nothing is written', async () => {
      const target = await create(admin, uname('target'), county, [{ organisationId: county, role: 'editor' }]);
      for (const who of ['editor', 'reviewer', 'operator', 'statistician']) {
        const api = await sys.login(who);
        for (const body of [{ roles: [] }, { roles: [{ organisationId: county, role: 'admin' }] }]) {
          const r = await api.put(`/users/${target}/roles`, body);
          expect(r.status).toBe(403);
          expect(r.data).toMatchObject({ statusCode: 403, code: 'FORBIDDEN_ROLE' });
        }
        // Not on themselves either.
        expect((await api.put(`/users/${sys.seed.users[who]}/roles`, { roles: [{ organisationId: county, role: 'admin' }] })).status).toBe(403);
      }
      expect(await rolesOf(target)).toEqual([{ organisationId: county, role: 'editor' }]);
      expect(await auditOf(target)).toEqual(['user.create']);
      const nonAdmins = ['editor', 'reviewer', 'operator', 'statistician'].map((u) => sys.seed.users[u]);
      expect(
        (await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs WHERE actor_id = ANY($1::uuid[]) AND action NOT LIKE 'auth.%'`, [nonAdmins]))[0].n,
      ).toBe(0);
    });

    it('a branch admin cannot add its branch roles to the county admin (or anyone outside its scope)', async () => {
      const before = await rolesOf(adminId);
      const audits = await auditCount();
      const r = await jyjAdmin.put(`/users/${adminId}/roles`, { roles: [{ organisationId: jyj, role: 'editor' }] });
      expect(r.status).toBe(403);
      expect(r.data.code).toBe('FORBIDDEN_ROLE');
      expect(namesNoOutsideOrg(r.data.message)).toEqual([]);
      expect(await rolesOf(adminId)).toEqual(before);
      expect(await auditCount()).toBe(audits);
    });

    it('only an admin of the root organisation creates top-level organisations', async () => {
      const audits = await auditCount();
      const top = await jyjAdmin.post('/organisations', { code: uname('top'), name: '越权新建的顶级机构' });
      expect(top.status).toBe(403);
      expect(top.data.code).toBe('FORBIDDEN_ROLE');
      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM organisations WHERE name = '越权新建的顶级机构'`))[0].n).toBe(0);
      expect(await auditCount()).toBe(audits);
      // Below its own organisation the branch admin may.
      const child = await jyjAdmin.post('/organisations', { parentId: jyj, code: uname('jyj-sub'), name: '示范县教育局下属单位' });
      expect(child.status).toBe(201);
      // Under an organisation outside its scope it may not, and is not told that organisation's name.
      const under = await jyjAdmin.post('/organisations', { parentId: wjw, code: uname('wjw-sub'), name: '越权下属单位' });
      expect(under.status).toBe(403);
      expect(namesNoOutsideOrg(under.data.message)).toEqual([]);
      // The root's admin may create a top-level organisation.
      const root = await admin.post('/organisations', { code: uname('city'), name: '示范市人民政府', level: 'city' });
      expect(root.status).toBe(201);
      expect(root.data.parentId).toBeNull();
    });
  });

  describe('point 8 (admin side): portal site settings', () => {
    const portal = (over: Record<string, unknown>) => ({
      organisationId: jyj,
      channelType: 'portal',
      name: `教育局网站${++n}`,
      baseUrl: 'http://127.0.0.1:9/jyj',
      ...over,
    });
    const countyPortal = async (): Promise<{ id: string; settings: Record<string, unknown> }> =>
      (await sys.ds.query(`SELECT id, settings FROM channel_accounts WHERE channel_type = 'portal' AND organisation_id = $1`, [county]))[0];

    it('a directory that is not a plain relative name is refused with the field named, nothing created', async () => {
      const audits = await auditCount();
      for (const directory of ['/etc', '../sfx', '/tmp/evil', 'a/../b', '.', 'a\\b', 'C:/site', 'articles', 7]) {
        const r = await jyjAdmin.post('/channel-accounts', portal({ settings: { directory, siteName: '示范县教育局' } }));
        expect(r.status).toBe(400);
        expect(r.data.code).toBe('VALIDATION_FAILED');
        expect(r.data.details.map((d: { field: string }) => d.field)).toContain('settings.directory');
      }
      const typed = await jyjAdmin.post('/channel-accounts', portal({ settings: { directory: 'jyj', siteIdCode: 9999000001 } }));
      expect(typed.status).toBe(400);
      expect(typed.data.details.map((d: { field: string }) => d.field)).toEqual(['settings.siteIdCode']);
      expect(await auditCount()).toBe(audits);
      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM channel_accounts WHERE organisation_id = $1`, [jyj]))[0].n).toBe(0);
    });

    it('a branch admin cannot change the county site (its name and 网站标识码) through an account of its own on the same site', async () => {
      const audits = await auditCount();
      const rootSite = sys.config.PORTAL_BASE_URL!;
      // The county's site is the root of the portal directory: named by an empty directory, or by the
      // portal's own base URL when no directory is given.
      for (const body of [
        portal({ settings: { directory: '', siteName: '假冒的县政府网站', siteIdCode: '0000000000' } }),
        portal({ baseUrl: rootSite, settings: { siteName: '假冒的县政府网站', siteIdCode: '0000000000' } }),
      ]) {
        const same = await jyjAdmin.post('/channel-accounts', body);
        expect(same.status).toBe(403);
        expect(same.data).toMatchObject({ code: 'FORBIDDEN_SITE', details: [{ field: 'settings.directory', reason: expect.any(String) }] });
        expect(namesNoOutsideOrg(same.data.message)).toEqual([]);
      }
      expect(await auditCount()).toBe(audits);
      expect((await sys.ds.query(`SELECT count(*)::int AS n FROM channel_accounts WHERE organisation_id = $1`, [jyj]))[0].n).toBe(0);
      // Its own site, in a directory of its own, is fine; moving it onto the county's site is not.
      const own = await jyjAdmin.post('/channel-accounts', portal({ settings: { directory: 'sfx-jyj', siteName: '示范县教育局', siteIdCode: '9999000002' } }));
      expect(own.status).toBe(201);
      expect((await jyjAdmin.patch(`/channel-accounts/${own.data.id}`, { settings: { directory: '', siteName: '假冒的县政府网站' } })).status).toBe(403);
      expect((await jyjAdmin.patch(`/channel-accounts/${own.data.id}`, { baseUrl: rootSite, settings: { siteName: '假冒的县政府网站' } })).status).toBe(403);
      expect((await sys.ds.query(`SELECT settings FROM channel_accounts WHERE id = $1`, [own.data.id]))[0].settings).toMatchObject({
        directory: 'sfx-jyj',
        siteName: '示范县教育局',
      });
      // The county's own account: not the branch admin's to change.
      const c = await countyPortal();
      const edit = await jyjAdmin.patch(`/channel-accounts/${c.id}`, { settings: { ...c.settings, siteName: '假冒的县政府网站', siteIdCode: '0000000000' } });
      expect(edit.status).toBe(403);
      expect(namesNoOutsideOrg(edit.data.message)).toEqual([]);
      expect((await countyPortal()).settings).toEqual(c.settings);
      // Even the county admin does not put a department's account on the county's site: one site, one organisation.
      const shared = await admin.post('/channel-accounts', portal({ settings: { directory: '' } }));
      expect(shared.status).toBe(409);
      expect(shared.data).toMatchObject({ code: 'SITE_IN_USE', details: [{ field: 'settings.directory', reason: expect.any(String) }] });
      // The county admin edits its own site's settings (validated).
      const rename = await admin.patch(`/channel-accounts/${c.id}`, { settings: { ...c.settings, siteName: '示范县人民政府门户网站' } });
      expect(rename.status).toBe(200);
      expect((await admin.patch(`/channel-accounts/${c.id}`, { settings: { ...c.settings, directory: '../../etc' } })).status).toBe(400);
      expect((await countyPortal()).settings).toMatchObject({ siteName: '示范县人民政府门户网站' });
    });

    it('a gazette of a department cannot be written into the county gazette folder, nor anywhere outside the portal directory', async () => {
      const gazette = (settings: Record<string, unknown>) => ({
        organisationId: jyj,
        channelType: 'gazette',
        name: `教育局公报${++n}`,
        settings: { title: '示范县教育局公报', ...settings },
      });
      const onCounty = await jyjAdmin.post('/channel-accounts', gazette({}));
      expect(onCounty.status).toBe(403);
      expect(onCounty.data.details).toEqual([{ field: 'settings.path', reason: expect.any(String) }]);
      const elsewhere = await jyjAdmin.post('/channel-accounts', gazette({ directory: '/srv/www', path: 'jyj-gazette' }));
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.data.details.map((d: { field: string }) => d.field)).toEqual(['settings.directory']);
      expect((await jyjAdmin.post('/channel-accounts', gazette({ path: '../etc' }))).status).toBe(400);
      expect((await jyjAdmin.post('/channel-accounts', gazette({ path: 'jyj-gazette' }))).status).toBe(201);
    });
  });

  describe('point 13 (part): refusals do not name organisations outside the caller scope', () => {
    it('403s name the organisation only when it lies within the caller scope', async () => {
      const countyUpdate = await jyjAdmin.patch(`/organisations/${county}`, { name: '改名' });
      expect(countyUpdate.status).toBe(403);
      expect(namesNoOutsideOrg(countyUpdate.data.message)).toEqual([]);
      const wjwAccount = await jyjAdmin.post('/channel-accounts', { organisationId: wjw, channelType: 'testchan', name: '越权账号' });
      expect(wjwAccount.status).toBe(403);
      expect(namesNoOutsideOrg(wjwAccount.data.message)).toEqual([]);
      const countyAdminReset = await jyjAdmin.post(`/users/${adminId}/password`, { password: 'taken-over-2026' });
      expect(countyAdminReset.status).toBe(403);
      expect(namesNoOutsideOrg(countyAdminReset.data.message)).toEqual([]);
      // Within the caller's scope the organisation is named (the editor of the county lacks the admin role there).
      const editor = await sys.login('editor');
      const own = await editor.patch(`/organisations/${jyj}`, { name: '改名' });
      expect(own.status).toBe(403);
      expect(own.data.message).toContain('示范县教育局');
    });
  });
});
