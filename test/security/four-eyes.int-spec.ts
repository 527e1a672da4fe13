import type { AxiosInstance } from 'axios';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, point 4 (edit-then-approve): a user holding both the editor and the reviewer role rewrote
 * another editor's item, submitted it and approved it: one person published alone. Nobody who created,
 * changed (any content change since the last approval) or submitted the version under review may
 * approve it, at any level, and each level needs a different person. A refusal writes nothing; the
 * review record names who changed what.
 */
describe('four eyes: no approval by anyone who wrote, changed or submitted the version', () => {
  let sys: TestSystem;
  let admin: AxiosInstance;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let dual: AxiosInstance; // editor + reviewer at the county
  let reviewer2: AxiosInstance;
  let dualId = '';
  let county = '';
  let portal = '';

  beforeAll(async () => {
    sys = await startTestSystem('four-eyes', { worker: false });
    county = sys.seed.orgs['sfx'];
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    admin = await sys.login('admin');
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    const mkUser = async (username: string, roles: string[]) => {
      const r = await admin.post('/users', {
        username,
        displayName: `测试${username}`,
        password: TEST_PASSWORD,
        homeOrganisationId: county,
        roles: roles.map((role) => ({ organisationId: county, role })),
      });
      expect(r.status).toBe(201);
      return r.data.id as string;
    };
    dualId = await mkUser('dual-role', ['editor', 'reviewer']);
    await mkUser('reviewer-two', ['reviewer']);
    dual = await sys.login('dual-role');
    reviewer2 = await sys.login('reviewer-two');
  }, 240_000);
  afterAll(async () => {
    await sys?.close();
  });

  const create = async (org = county, title = '关于做好冬季安全生产工作的通知') => {
    const r = await editor.post('/items', {
      organisationId: org,
      title,
      bodyHtml: '<p>各乡镇、各部门：请做好冬季安全生产工作。</p>',
      kind: 'notice',
      targetAccountIds: [portal],
    });
    expect(r.status).toBe(201);
    return r.data.id as string;
  };
  const state = async (id: string) => {
    const [row] = await sys.ds.query(
      `SELECT i.status, i.review_level, i.current_version_no,
              (SELECT count(*)::int FROM review_decisions WHERE item_id = i.id) AS decisions,
              (SELECT count(*)::int FROM item_versions WHERE item_id = i.id) AS versions,
              (SELECT count(*)::int FROM deliveries WHERE item_id = i.id) AS deliveries,
              (SELECT count(*)::int FROM audit_logs WHERE item_id = i.id) AS audits
         FROM items i WHERE i.id = $1`,
      [id],
    );
    return row;
  };

  it('refuses the approval of an item its approver rewrote and submitted, writing nothing; another reviewer approves it', async () => {
    const id = await create();
    const patched = await dual.patch(`/items/${id}`, { title: '关于做好冬季安全生产工作的紧急通知', bodyHtml: '<p>改写后的正文。</p>' });
    expect(patched.status).toBe(200);
    expect((await dual.post(`/items/${id}/submit`)).status).toBe(200);
    const before = await state(id);
    // The review queue leaves it out for the one who changed it, not for the others.
    const queue = async (who: AxiosInstance) =>
      (await who.get('/items', { params: { view: 'review', pageSize: 200 } })).data.items.map((i: { id: string }) => i.id);
    expect(await queue(dual)).not.toContain(id);
    expect(await queue(reviewer)).toContain(id);

    const r = await dual.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' });
    expect(r.status).toBe(403);
    expect(r.data.code).toBe('FOUR_EYES');
    expect(r.data.message).toMatch(/修改|提交/);
    expect(r.data.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['title', 'bodyHtml']));
    expect(await state(id)).toEqual(before);
    expect(before).toMatchObject({ status: 'submitted', decisions: 0, versions: 0, deliveries: 0 });

    // The seed reviewer changed nothing: approves, and the review record names who changed what.
    const ok = await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' });
    expect(ok.status).toBe(200);
    expect(ok.data.status).toBe('approved');
    const detail = (await editor.get(`/items/${id}`)).data;
    const decision = detail.reviews.find((d: { decision: string }) => d.decision === 'approve');
    expect(decision.reviewerId).toBe(sys.seed.users['reviewer']);
    expect(decision.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: dualId, username: 'dual-role', action: 'change', fields: expect.arrayContaining(['title', 'bodyHtml']) }),
        expect.objectContaining({ userId: dualId, action: 'submit' }),
        expect.objectContaining({ userId: sys.seed.users['editor'], action: 'create' }),
      ]),
    );
    expect(detail.contributions).toEqual(expect.arrayContaining([expect.objectContaining({ userId: dualId, action: 'change', username: 'dual-role' })]));
    const audit = (await editor.get(`/items/${id}/audit`)).data.find((a: { action: string }) => a.action === 'item.approve');
    expect(audit.details.changes).toEqual(expect.arrayContaining([expect.objectContaining({ userId: dualId, fields: expect.arrayContaining(['title']) })]));
  });

  it('refuses the approval by whoever submitted the version, even without a change', async () => {
    const id = await create(county, '关于开展消防安全检查的通知');
    expect((await dual.post(`/items/${id}/submit`)).status).toBe(200);
    const before = await state(id);
    const r = await dual.post(`/items/${id}/approve`, {});
    expect(r.status).toBe(403);
    expect(r.data.code).toBe('FOUR_EYES');
    expect(r.data.message).toContain('提交');
    expect(await state(id)).toEqual(before);
    expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
  });

  it('with two review levels: no changer at any level, and each level a different person', async () => {
    const dept = sys.seed.orgs['sfx-jyj'];
    expect((await admin.patch(`/organisations/${dept}`, { reviewLevels: 2 })).status).toBe(200);
    const id = await create(dept, '关于做好学校冬季取暖安全的通知');
    expect((await dual.patch(`/items/${id}`, { summary: '改写摘要' })).status).toBe(200);
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    // Level 1 by the changer: refused.
    const first = await dual.post(`/items/${id}/approve`, {});
    expect(first.status).toBe(403);
    expect(first.data.code).toBe('FOUR_EYES');
    const l1 = await reviewer.post(`/items/${id}/approve`, {});
    expect(l1.status).toBe(200);
    expect(l1.data).toMatchObject({ status: 'submitted', reviewLevel: 1 });
    const before = await state(id);
    // Level 2: the changer is still refused; the level-1 reviewer cannot pass level 2 too.
    const second = await dual.post(`/items/${id}/approve`, {});
    expect(second.status).toBe(403);
    expect(second.data.code).toBe('FOUR_EYES');
    const again = await reviewer.post(`/items/${id}/approve`, {});
    expect(again.status).toBe(403);
    expect(again.data.code).toBe('ALREADY_REVIEWED');
    expect(again.data.details).toEqual([{ field: 'reviewerId', reason: '已审核本轮第 1 级（初审）' }]);
    expect(await state(id)).toEqual(before);
    const l2 = await reviewer2.post(`/items/${id}/approve`, {});
    expect(l2.status).toBe(200);
    expect(l2.data.status).toBe('approved');
    const decisions = (await editor.get(`/items/${id}`)).data.reviews.filter((d: { decision: string }) => d.decision === 'approve');
    expect(decisions.map((d: { level: number; reviewerId: string }) => [d.level, d.reviewerId])).toEqual([
      [1, sys.seed.users['reviewer']],
      [2, (await sys.ds.query(`SELECT id FROM users WHERE username = 'reviewer-two'`))[0].id],
    ]);
  });

  it('changes approved in an earlier version do not bar a later approval; new ones do', async () => {
    const id = await create(county, '关于公布县级行政许可事项清单的公告');
    expect((await dual.patch(`/items/${id}`, { summary: '第一版摘要' })).status).toBe(200);
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
    // Published meanwhile (no worker in this suite); the author revises it.
    await sys.ds.query(`UPDATE items SET status = 'published' WHERE id = $1`, [id]);
    expect((await editor.patch(`/items/${id}`, { summary: '第二版摘要' })).status).toBe(200);
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    // dual's change was in version 1, approved by someone else: dual may review version 2.
    const v2 = await dual.post(`/items/${id}/approve`, {});
    expect(v2.status).toBe(200);
    expect(v2.data.currentVersionNo).toBe(2);
  });
});
