import type { AxiosInstance } from 'axios';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, point 13 (part): references into other organisations. Previews accepted another
 * organisation's channel account ids and answered with their names; `policyItemId` could point at an
 * item of another organisation. Both are refused with the field named, never revealing the other
 * organisation's names, and the refusal writes nothing.
 */
describe('no references into other organisations', () => {
  let sys: TestSystem;
  let admin: AxiosInstance;
  let editor: AxiosInstance; // county editor: sees every department
  let jyjEditor: AxiosInstance; // editor of 示范县教育局 only
  let jyj = '';
  let fgj = '';
  let fgjAccount = '';
  const FGJ_ACCOUNT_NAME = '发改局内部测试渠道甲';
  const FGJ_POLICY_TITLE = '发改局尚未公开的价格调整方案';

  beforeAll(async () => {
    sys = await startTestSystem('cross-org', { worker: false });
    jyj = sys.seed.orgs['sfx-jyj'];
    fgj = sys.seed.orgs['sfx-fgj'];
    admin = await sys.login('admin');
    editor = await sys.login('editor');
    const u = await admin.post('/users', {
      username: 'jyj-editor',
      displayName: '教育局信息员',
      password: TEST_PASSWORD,
      homeOrganisationId: jyj,
      roles: [{ organisationId: jyj, role: 'editor' }],
    });
    expect(u.status).toBe(201);
    jyjEditor = await sys.login('jyj-editor');
    const acc = await admin.post('/channel-accounts', {
      organisationId: fgj,
      channelType: 'weibo',
      name: FGJ_ACCOUNT_NAME,
      baseUrl: 'http://127.0.0.1:9/weibo',
      credentials: { accessToken: '2.00FgjInternalTestToken' },
    });
    expect(acc.status).toBe(201);
    fgjAccount = acc.data.id;
  }, 240_000);
  afterAll(async () => {
    await sys?.close();
  });

  it("refuses a preview through another organisation's account, without its name", async () => {
    const item = await jyjEditor.post('/items', {
      organisationId: jyj,
      title: '关于做好寒假学生安全教育的通知',
      bodyHtml: '<p>请各校做好寒假安全教育。</p>',
      kind: 'notice',
    });
    expect(item.status).toBe(201);
    const before = (await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs`))[0].n;
    const r = await jyjEditor.get(`/items/${item.data.id}/previews`, { params: { accounts: fgjAccount } });
    expect(r.status).toBe(400);
    expect(r.data.code).toBe('VALIDATION_FAILED');
    expect(r.data.details).toEqual([expect.objectContaining({ field: 'accounts' })]);
    expect(JSON.stringify(r.data)).not.toContain(FGJ_ACCOUNT_NAME);
    expect(JSON.stringify(r.data)).not.toContain('发改局');
    // Refused the same way as an id that does not exist (no way to tell the two apart).
    const unknown = await jyjEditor.get(`/items/${item.data.id}/previews`, { params: { accounts: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.status).toBe(400);
    expect(unknown.data.details[0].reason.replace(/[0-9a-f-]{36}/g, 'ID')).toBe(r.data.details[0].reason.replace(/[0-9a-f-]{36}/g, 'ID'));
    // A malformed id is a 400 too, not a 500.
    expect((await jyjEditor.get(`/items/${item.data.id}/previews`, { params: { accounts: 'not-an-id' } })).status).toBe(400);
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM audit_logs`))[0].n).toBe(before);
    // The county's own portal (an ancestor's account) still previews.
    const ok = await jyjEditor.get(`/items/${item.data.id}/previews`, { params: { accounts: sys.seed.accounts['portal:示范县人民政府门户网站'] } });
    expect(ok.status).toBe(200);
    expect(ok.data[0].accountName).toBe('示范县人民政府门户网站');
  });

  it('refuses policyItemId pointing at another organisation, on create and on update, writing nothing', async () => {
    const policy = await editor.post('/items', { organisationId: fgj, title: FGJ_POLICY_TITLE, bodyHtml: '<p>内部方案。</p>', kind: 'normative' });
    expect(policy.status).toBe(201);
    const count = async () => (await sys.ds.query(`SELECT count(*)::int AS n FROM items`))[0].n;
    const before = await count();
    const r = await jyjEditor.post('/items', { organisationId: jyj, title: '《价格调整方案》政策解读', kind: 'interpretation', policyItemId: policy.data.id });
    expect(r.status).toBe(400);
    expect(r.data.code).toBe('VALIDATION_FAILED');
    expect(r.data.details).toEqual([expect.objectContaining({ field: 'policyItemId' })]);
    expect(JSON.stringify(r.data)).not.toContain(FGJ_POLICY_TITLE);
    expect(await count()).toBe(before);
    // Same answer as for an item that does not exist.
    const ghost = await jyjEditor.post('/items', {
      organisationId: jyj,
      title: '解读',
      kind: 'interpretation',
      policyItemId: '00000000-0000-4000-8000-000000000000',
    });
    expect(ghost.status).toBe(400);
    expect(ghost.data.details[0].reason).toBe(r.data.details[0].reason);

    const own = await jyjEditor.post('/items', { organisationId: jyj, title: '教育局政策解读', kind: 'interpretation' });
    expect(own.status).toBe(201);
    const p = await jyjEditor.patch(`/items/${own.data.id}`, { policyItemId: policy.data.id });
    expect(p.status).toBe(400);
    expect(p.data.details).toEqual([expect.objectContaining({ field: 'policyItemId' })]);
    expect((await sys.ds.query(`SELECT policy_item_id FROM items WHERE id = $1`, [own.data.id]))[0].policy_item_id).toBeNull();

    // A county policy (the department's parent) may be interpreted by the department.
    const countyPolicy = await editor.post('/items', { organisationId: sys.seed.orgs['sfx'], title: '示范县促进就业若干措施', kind: 'normative' });
    expect(countyPolicy.status).toBe(201);
    const fine = await jyjEditor.patch(`/items/${own.data.id}`, { policyItemId: countyPolicy.data.id });
    expect(fine.status).toBe(200);
    expect(fine.data.policyItemId).toBe(countyPolicy.data.id);
  });
});
