import type { AxiosInstance } from 'axios';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';

/**
 * Issue 14, point 4: 三审 as data. The county configures 初审 (审核人), 复审 (审核负责人) and 终审
 * (分管领导, who records the 保密审查 conclusion); its departments inherit it. An item passes the
 * three levels by three people and publishes; one person never takes two levels of a round (even
 * holding all three roles); a user without a level's role is refused; rejection at 复审 returns the item
 * to its editor and the next round starts at 初审. Every refusal writes nothing.
 */
describe('三审: a review policy with a different role per level', () => {
  let sys: TestSystem;
  let admin: AxiosInstance;
  let editor: AxiosInstance;
  let operator: AxiosInstance;
  let chu: AxiosInstance; // 初审: reviewer
  let fu: AxiosInstance; // 复审: reviewer_lead
  let zhong: AxiosInstance; // 终审: leader
  let multi: AxiosInstance; // all three review roles
  const ids: Record<string, string> = {};
  let county = '';
  let dept = '';
  let portal = '';
  const THREE = [
    { label: '初审', role: 'reviewer', recordsSecrecy: false },
    { label: '复审', role: 'reviewer_lead', recordsSecrecy: false },
    { label: '终审', role: 'leader', recordsSecrecy: true },
  ];

  beforeAll(async () => {
    sys = await startTestSystem('three-level-review');
    county = sys.seed.orgs['sfx'];
    dept = sys.seed.orgs['sfx-fgj'];
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    admin = await sys.login('admin');
    editor = await sys.login('editor');
    operator = await sys.login('operator');
    const mkUser = async (username: string, roles: string[]) => {
      const r = await admin.post('/users', {
        username,
        displayName: `测试${username}`,
        password: TEST_PASSWORD,
        homeOrganisationId: county,
        roles: roles.map((role) => ({ organisationId: county, role })),
      });
      expect([username, r.status]).toEqual([username, 201]);
      ids[username] = r.data.id;
      return sys.login(username);
    };
    chu = await mkUser('chu-shen', ['reviewer']);
    fu = await mkUser('fu-shen', ['reviewer_lead']);
    zhong = await mkUser('zhong-shen', ['leader']);
    multi = await mkUser('san-shen', ['reviewer', 'reviewer_lead', 'leader']);
    const put = await admin.put(`/organisations/${county}/review-policy`, { levels: THREE });
    expect(put.status).toBe(200);
    expect(put.data).toEqual({ organisationId: county, levels: THREE, own: true, source: { organisationId: county, name: expect.any(String) } });
  }, 240_000);
  afterAll(async () => {
    await sys?.close();
  });

  const submitted = async (title: string) => {
    const r = await editor.post('/items', {
      organisationId: dept,
      title,
      bodyHtml: '<p>各乡镇、各部门：请按要求做好相关工作。</p>',
      kind: 'notice',
      targetAccountIds: [portal],
    });
    expect(r.status).toBe(201);
    expect((await editor.post(`/items/${r.data.id}/submit`)).status).toBe(200);
    return r.data.id as string;
  };
  /** What a refused decision must leave as it was. */
  const state = async (id: string) =>
    (
      await sys.ds.query(
        `SELECT i.status, i.review_level, i.row_version, i.current_version_no,
                (SELECT count(*)::int FROM review_decisions WHERE item_id = i.id) AS decisions,
                (SELECT count(*)::int FROM item_versions WHERE item_id = i.id) AS versions,
                (SELECT count(*)::int FROM audit_logs WHERE item_id = i.id) AS audits
           FROM items i WHERE i.id = $1`,
        [id],
      )
    )[0];
  const queue = async (who: AxiosInstance) => ((await who.get('/items?view=review&pageSize=200')).data.items as { id: string }[]).map((i) => i.id);

  it('the department inherits the county policy', async () => {
    const r = await admin.get(`/organisations/${dept}/review-policy`);
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ organisationId: dept, levels: THREE, own: false, source: { organisationId: county, name: expect.any(String) } });
    const row = (await admin.get('/organisations')).data.find((o: { id: string }) => o.id === dept);
    expect(row).toMatchObject({ reviewPolicy: null, reviewLevels: 3, reviewPolicyInForce: THREE });
  });

  it('passes 初审, 复审 and 终审 by three people of three roles, and publishes', async () => {
    const id = await submitted('关于开展三审流程试点的通知');
    expect(await queue(chu)).toContain(id);
    expect(await queue(fu)).not.toContain(id);
    expect(await queue(zhong)).not.toContain(id);

    // 初审 is not the 审核负责人's nor the 分管领导's level
    const before = await state(id);
    for (const who of [fu, zhong]) {
      const r = await who.post(`/items/${id}/approve`, {});
      expect(r.status).toBe(403);
      expect(r.data).toMatchObject({ code: 'LEVEL_ROLE', details: [{ field: 'role', reason: '第 1 级（初审）由「审核人」（reviewer）决定' }] });
    }
    // an operator takes no part in review at all
    expect((await operator.post(`/items/${id}/approve`, {})).data.code).toBe('FORBIDDEN_ROLE');
    // 初审 does not record the 保密审查 conclusion here
    const secrecy = await chu.post(`/items/${id}/approve`, { secrecyConclusion: '不涉密' });
    expect(secrecy.status).toBe(400);
    expect(secrecy.data).toMatchObject({ code: 'SECRECY_NOT_AT_THIS_LEVEL', details: [{ field: 'secrecyConclusion' }] });
    expect(await state(id)).toEqual(before);

    const l1 = await chu.post(`/items/${id}/approve`, { comment: '初审同意' });
    expect(l1.status).toBe(200);
    expect(l1.data).toMatchObject({ status: 'submitted', reviewLevel: 1, version: null });
    expect(await queue(chu)).not.toContain(id);
    expect(await queue(fu)).toContain(id);
    expect((await zhong.post(`/items/${id}/approve`, {})).data.code).toBe('LEVEL_ROLE');

    const l2 = await fu.post(`/items/${id}/approve`, {});
    expect(l2.status).toBe(200);
    expect(l2.data).toMatchObject({ status: 'submitted', reviewLevel: 2 });
    expect(await queue(zhong)).toContain(id);

    const l3 = await zhong.post(`/items/${id}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密，同意公开' });
    expect(l3.status).toBe(200);
    expect(l3.data).toMatchObject({ status: 'approved', reviewLevel: 3, version: { versionNo: 1 } });

    const detail = (await editor.get(`/items/${id}`)).data;
    expect(detail.reviewPolicy).toEqual(THREE);
    expect(detail.reviews.map((d: Record<string, unknown>) => [d.level, d.levelLabel, d.reviewerId, d.reviewerName, d.decision, d.secrecyConclusion])).toEqual([
      [1, '初审', ids['chu-shen'], '测试chu-shen', 'approve', null],
      [2, '复审', ids['fu-shen'], '测试fu-shen', 'approve', null],
      [3, '终审', ids['zhong-shen'], '测试zhong-shen', 'approve', '经保密审查，不涉及国家秘密，同意公开'],
    ]);
    const trail = (await editor.get(`/items/${id}/audit`)).data.filter((a: { action: string }) => a.action.startsWith('item.approve'));
    expect(trail.map((a: { action: string; details: { level: number; of: number } }) => [a.action, a.details.level, a.details.of])).toEqual([
      ['item.approve_level', 1, 3],
      ['item.approve_level', 2, 3],
      ['item.approve', 3, 3],
    ]);
    // the worker publishes it to the county portal (the ledger, then the item)
    const published = await waitFor(
      async () => {
        const d = (await editor.get(`/items/${id}`)).data;
        return d.status === 'published' ? d : null;
      },
      60_000,
      'the item published',
    ).catch(async (e) => {
      throw new Error(
        `${(e as Error).message}; deliveries: ${JSON.stringify(await sys.ds.query(`SELECT state, last_error_code, last_error_message, attempts FROM deliveries WHERE item_id = $1`, [id]))}`,
      );
    });
    expect(published.deliveries.map((d: { state: string }) => d.state)).toEqual(['published']);
  });

  it('never lets one person take two levels of a round, even holding every role', async () => {
    const id = await submitted('关于同一人不得审核两级的说明');
    expect((await multi.post(`/items/${id}/approve`, {})).status).toBe(200);
    expect(await queue(multi)).not.toContain(id);
    const before = await state(id);
    const again = await multi.post(`/items/${id}/approve`, {});
    expect(again.status).toBe(403);
    expect(again.data).toMatchObject({ code: 'ALREADY_REVIEWED', details: [{ field: 'reviewerId', reason: '已审核本轮第 1 级（初审）' }] });
    const reject = await multi.post(`/items/${id}/reject`, { reason: '再审一级' });
    expect(reject.status).toBe(403);
    expect(reject.data.code).toBe('ALREADY_REVIEWED');
    expect(await state(id)).toEqual(before);
    // someone else takes 复审; the same person cannot come back for 终审 either
    expect((await fu.post(`/items/${id}/approve`, {})).status).toBe(200);
    expect((await multi.post(`/items/${id}/approve`, {})).data.code).toBe('ALREADY_REVIEWED');
    expect((await zhong.post(`/items/${id}/approve`, {})).data.status).toBe('approved');
  });

  it('rejection at 复审 returns the item to its editor; the next round starts at 初审', async () => {
    const id = await submitted('关于退回后重新审核的通知');
    expect((await chu.post(`/items/${id}/approve`, {})).status).toBe(200);
    const rejected = await fu.post(`/items/${id}/reject`, { reason: '请补充依据' });
    expect(rejected.status).toBe(200);
    expect(rejected.data).toMatchObject({ status: 'rejected', reviewLevel: 0, rejectionReason: '请补充依据' });
    const [decision] = await sys.ds.query(`SELECT level, level_label, reviewer_id FROM review_decisions WHERE item_id = $1 AND decision = 'reject'`, [id]);
    expect(decision).toEqual({ level: 2, level_label: '复审', reviewer_id: ids['fu-shen'] });
    expect(await queue(fu)).not.toContain(id);
    // the editor revises and submits again: 初审 first, and the 初审 reviewer of the last round may take it
    expect((await editor.patch(`/items/${id}`, { summary: '补充了依据' })).status).toBe(200);
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    expect((await fu.post(`/items/${id}/approve`, {})).data.code).toBe('LEVEL_ROLE');
    expect((await chu.post(`/items/${id}/approve`, {})).data).toMatchObject({ status: 'submitted', reviewLevel: 1 });
  });

  it('validates and audits the policy; an organisation may override or inherit again', async () => {
    const before = (await sys.ds.query(`SELECT review_policy FROM organisations WHERE id = $1`, [dept]))[0];
    const bad = await admin.put(`/organisations/${dept}/review-policy`, {
      levels: [
        { label: '', role: 'reviewer', recordsSecrecy: false },
        { label: '终审', role: 'editor', recordsSecrecy: false },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.data.details.map((d: { field: string }) => d.field)).toEqual(['levels.0.label', 'levels.1.role', 'levels.1.recordsSecrecy']);
    expect((await admin.put(`/organisations/${dept}/review-policy`, { levels: [] })).status).toBe(400);
    expect((await sys.ds.query(`SELECT review_policy FROM organisations WHERE id = $1`, [dept]))[0]).toEqual(before);
    // a reviewer does not set policies
    expect((await chu.put(`/organisations/${dept}/review-policy`, { levels: null })).status).toBe(403);

    const one = [{ label: '审核', role: 'reviewer', recordsSecrecy: true }];
    expect((await admin.put(`/organisations/${dept}/review-policy`, { levels: one })).data).toMatchObject({ levels: one, own: true });
    const id = await submitted('关于部门一级审核的通知');
    expect((await chu.post(`/items/${id}/approve`, {})).data).toMatchObject({ status: 'approved', reviewLevel: 1 });
    expect((await admin.put(`/organisations/${dept}/review-policy`, { levels: null })).data).toMatchObject({ levels: THREE, own: false });
    const audit = await sys.ds.query(`SELECT details FROM audit_logs WHERE action = 'organisation.review_policy' AND entity_id = $1 ORDER BY id`, [dept]);
    expect(audit.map((a: { details: { before: unknown; after: unknown } }) => [a.details.before, a.details.after])).toEqual([
      [null, one],
      [one, null],
    ]);
  });
});
