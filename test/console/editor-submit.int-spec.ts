import type { AxiosInstance } from 'axios';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';

/**
 * Issue 15, point 3, in a real browser against the whole system: 撤回提交 before review (refused, with
 * nothing written, once a level decided), item search (body text, kind, 主题分类, channel type and
 * account, created and published dates, pages), every submit problem in one answer linked to its
 * field, and 选择全部渠道 taking only the accounts whose channel takes the item's kind. Every step
 * checks the page and the server (API or database).
 */
const run = chromiumAvailable() ? describe : describe.skip;

interface Session {
  ctx: BrowserContext;
  page: Page;
  errors: string[];
}

run('editor workflow: recall, search, submit problems, channel choice', () => {
  let sys: TestSystem;
  let browser: Browser;
  let editorApi: AxiosInstance;
  let reviewerApi: AxiosInstance;
  let adminApi: AxiosInstance;
  let county = '';
  let fgj = '';
  const acc: Record<string, string> = {};
  const open: Session[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('editor-submit', { worker: false });
    ({ browser } = await launch());
    [editorApi, reviewerApi, adminApi] = await Promise.all(['editor', 'reviewer', 'admin'].map((u) => sys.login(u)));
    county = sys.seed.orgs['sfx'];
    fgj = sys.seed.orgs['sfx-fgj'];
    const rows: { id: string; channel_type: string }[] = await sys.ds.query(
      `SELECT id, channel_type FROM channel_accounts WHERE organisation_id = $1 ORDER BY name`,
      [county],
    );
    for (const r of rows) acc[r.channel_type] ??= r.id;
    expect(Object.keys(acc)).toEqual(expect.arrayContaining(['portal', 'gazette']));
  }, 180_000);

  afterEach(async () => {
    for (const s of open.splice(0)) await s.ctx.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  async function session(username = 'editor'): Promise<Session> {
    const s = await newPage(browser);
    open.push(s);
    s.page.on('dialog', (d) => {
      s.errors.push(`unexpected dialog: ${d.message()}`);
      void d.dismiss();
    });
    await signIn(s.page, sys.url, username, TEST_PASSWORD);
    return s;
  }

  async function createItem(body: Record<string, unknown>): Promise<string> {
    const r = await editorApi.post('/items', {
      organisationId: county,
      bodyHtml: '<p>现将有关事项通知如下。</p>',
      kind: 'notice',
      targetAccountIds: [acc.portal],
      ...body,
    });
    expect(r.status).toBe(201);
    return r.data.id;
  }
  const ok = async (p: Promise<{ status: number; data: unknown }>) => {
    const r = await p;
    expect([r.status, r.data]).toEqual([200, expect.anything()]);
    return r;
  };
  const itemRow = async (id: string) => (await sys.ds.query(`SELECT status, review_level, row_version FROM items WHERE id = $1`, [id]))[0];
  const actions = async (id: string): Promise<string[]> =>
    (await sys.ds.query(`SELECT action FROM audit_logs WHERE item_id = $1 ORDER BY id`, [id])).map((r: { action: string }) => r.action);

  it('撤回提交: the editor recalls a submitted item to draft (audited); once a level decided it is refused in Chinese and nothing is written', async () => {
    const id = await createItem({ organisationId: fgj, title: '关于征集年度重点项目的通知' });
    await ok(editorApi.post(`/items/${id}/submit`));
    const { page, errors } = await session();
    await page.goto(`${sys.url}/items/${id}`);
    await page.getByTestId('recall-submit').click();
    await page.getByTestId('recall-confirm').click();
    await page.getByTestId('item-notice').filter({ hasText: '已撤回提交' }).waitFor();
    expect(await itemRow(id)).toMatchObject({ status: 'draft', review_level: 0 });
    expect((await actions(id)).slice(-2)).toEqual(['item.submit', 'item.recall']);
    const [audit] = await sys.ds.query(`SELECT actor_id FROM audit_logs WHERE item_id = $1 AND action = 'item.recall'`, [id]);
    expect(audit.actor_id).toBe(sys.seed.users['editor']);
    await page.getByTestId('edit-item').waitFor(); // a draft again: editable
    await page
      .getByTestId('audit')
      .locator('li')
      .filter({ hasText: /示范县信息员|editor/ })
      .filter({ hasText: '撤回提交' })
      .waitFor(); // the history names it in Chinese

    // Two levels for the department: 初审 decides, then the recall is refused.
    const policy = await adminApi.put(`/organisations/${fgj}/review-policy`, {
      levels: [
        { label: '初审', role: 'reviewer', recordsSecrecy: false },
        { label: '终审', role: 'leader', recordsSecrecy: true },
      ],
    });
    expect(policy.status).toBe(200);
    await ok(editorApi.post(`/items/${id}/submit`));
    await ok(reviewerApi.post(`/items/${id}/approve`, {}));
    const before = {
      row: await itemRow(id),
      audit: await actions(id),
      decisions: (await sys.ds.query(`SELECT count(*)::int AS n FROM review_decisions WHERE item_id = $1`, [id]))[0].n,
    };
    expect(before.row).toMatchObject({ status: 'submitted', review_level: 1 });
    await page.reload();
    await page.getByTestId('recall-submit').click();
    await page.getByTestId('recall-confirm').click();
    const banner = page.getByTestId('recall').getByTestId('error-banner');
    await banner.getByText('第 1 级（初审）已审核通过，不能再撤回提交；如需修改，请联系审核人退回').waitFor();
    expect(await itemRow(id)).toEqual(before.row);
    expect(await actions(id)).toEqual(before.audit);
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM review_decisions WHERE item_id = $1`, [id]))[0].n).toBe(before.decisions);
    const refused = await editorApi.post(`/items/${id}/recall`, {});
    expect(refused.status).toBe(409);
    expect(refused.data).toMatchObject({ code: 'REVIEW_STARTED', details: [{ field: 'status' }] });
    // the editor page of a submitted item says so in Chinese and offers the recall too
    await page.goto(`${sys.url}/items/${id}/edit`);
    await page.getByText('当前状态为「待审核」，不能修改。').waitFor();
    await page.getByTestId('recall-submit').waitFor();
    await shot(page, 'editor-recall-refused');
    // a reviewer may not recall
    expect((await reviewerApi.post(`/items/${id}/recall`, {})).status).toBe(403);
    expect(errors).toEqual([]);
  });

  it('search: body text, kind, 主题分类, channel type and account, created and published dates, pages; the list shows what the server finds', async () => {
    const x = await createItem({
      title: '关于开展春季义务植树活动的通知',
      bodyHtml: '<p>今年义务植树基地位于<strong>青龙山</strong>南麓，请各单位按时参加。</p>',
      category: '农业、林业、水利',
    });
    const y = await createItem({
      title: '示范县规范性文件管理办法',
      bodyHtml: '<p>规范性文件须经合法性审核。</p>',
      kind: 'normative',
      category: '综合政务',
      targetAccountIds: [acc.gazette],
    });
    const z = await createItem({ title: '关于去年冬季供暖的说明', bodyHtml: '<p>供暖期间请保持电话畅通。</p>', category: '城乡建设、环境保护' });
    await ok(editorApi.post(`/items/${x}/submit`));
    await ok(reviewerApi.post(`/items/${x}/approve`, { secrecyConclusion: '经保密审查，不涉及国家秘密，同意公开' }));
    // no worker runs here: the first publication's date and an old creation time are set directly
    await sys.ds.query(`UPDATE items SET publish_date = '2026-03-12' WHERE id = $1`, [x]);
    await sys.ds.query(`UPDATE items SET created_at = '2025-01-15T02:00:00Z' WHERE id = $1`, [z]);

    const { page, errors } = await session();
    await page.goto(`${sys.url}/items`);
    const listed = () =>
      page
        .getByRole('table', { name: /信息列表/ })
        .locator('tbody a')
        .evaluateAll((as) => as.map((a) => (a.getAttribute('href') ?? '').split('/').pop() ?? '').sort());
    const server = async (params: Record<string, string>) =>
      ((await editorApi.get('/items', { params: { ...params, pageSize: 200 } })).data.items as { id: string }[]).map((i) => i.id).sort();
    /** Waits until the list shows the server's answer for these filters, and checks that answer against the database. */
    const shows = async (params: Record<string, string>, dbWhere: string, dbParams: unknown[], must: string[]) => {
      const want = await server(params);
      const db = ((await sys.ds.query(`SELECT i.id FROM items i WHERE ${dbWhere}`, dbParams)) as { id: string }[]).map((r) => r.id).sort();
      expect(want).toEqual(db);
      expect(want).toEqual(expect.arrayContaining(must));
      await waitFor(async () => JSON.stringify(await listed()) === JSON.stringify(want), 10_000, `list for ${JSON.stringify(params)}`);
      for (const [k, v] of Object.entries(params)) expect(new URL(page.url()).searchParams.get(k)).toBe(v);
    };
    const clear = () => page.getByRole('button', { name: '清空条件' }).click();
    const query = () => page.getByRole('button', { name: '查询' }).click();

    // body text: a phrase split by <strong> in the stored HTML
    await page.getByLabel('正文包含').fill('位于青龙山南麓');
    await query();
    await shows({ text: '位于青龙山南麓' }, `item_plain_text(i.body_html) LIKE '%位于青龙山南麓%'`, [], [x]);
    expect(await listed()).toEqual([x]);
    await clear();
    await page.getByLabel('信息类别').selectOption({ label: '行政规范性文件' });
    await shows({ kind: 'normative' }, `i.kind = 'normative'`, [], [y]);
    await clear();
    await page.getByLabel('主题分类').fill('农业、林业、水利');
    await query();
    await shows({ category: '农业、林业、水利' }, `i.category = $1`, ['农业、林业、水利'], [x]);
    await clear();
    // channel type: the gazette (y aims at it); account: the portal (x has a delivery there; the others aim at it)
    await page.getByLabel('发布渠道').selectOption({ label: '政府公报' });
    await shows(
      { channelType: 'gazette' },
      `EXISTS (SELECT 1 FROM channel_accounts a WHERE a.channel_type = 'gazette' AND (a.id = ANY(i.target_account_ids) OR EXISTS (SELECT 1 FROM deliveries d WHERE d.item_id = i.id AND d.channel_account_id = a.id)))`,
      [],
      [y],
    );
    expect(await listed()).not.toContain(x);
    await page.getByLabel('发布渠道').selectOption({ label: '政府网站' });
    await page.getByLabel('渠道账号').selectOption(acc.portal);
    await shows(
      { channelType: 'portal', accountId: acc.portal },
      `($1 = ANY(i.target_account_ids) OR EXISTS (SELECT 1 FROM deliveries d WHERE d.item_id = i.id AND d.channel_account_id = $1))`,
      [acc.portal],
      [x, z],
    );
    expect(await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE item_id = $1 AND channel_account_id = $2`, [x, acc.portal])).toEqual([{ n: 1 }]);
    await clear();
    await page.getByLabel('发布日期从').fill('2026-03-01');
    await page.getByLabel('发布日期至').fill('2026-03-31');
    await query();
    await shows({ publishedFrom: '2026-03-01', publishedTo: '2026-03-31' }, `i.publish_date BETWEEN '2026-03-01' AND '2026-03-31'`, [], [x]);
    expect(await listed()).toEqual([x]);
    await clear();
    await page.getByLabel('创建日期从').fill('2025-01-01');
    await page.getByLabel('创建日期至').fill('2025-01-15');
    await query();
    await shows(
      { createdFrom: '2025-01-01', createdTo: '2025-01-15' },
      `(i.created_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '2025-01-01' AND '2025-01-15'`,
      [],
      [z],
    );
    expect(await listed()).toEqual([z]);
    await shot(page, 'editor-items-search');
    // pages: one item a page, the second page is the second newest
    const p2 = (await editorApi.get('/items', { params: { kind: 'notice', pageSize: 1, page: 2 } })).data;
    const all = await server({ kind: 'notice' });
    expect(p2).toMatchObject({ total: all.length, page: 2, pageSize: 1 });
    expect(p2.items).toHaveLength(1);
    expect(all).toContain(p2.items[0].id);
    expect((await editorApi.get('/items', { params: { createdFrom: '2025-13-01' } })).status).toBe(400);
    expect(errors).toEqual([]);
  });

  it('submit names every problem at once (item, channel, secrecy), each linked to its field', async () => {
    const { page, errors } = await session();
    await page.goto(`${sys.url}/items/new`);
    const title = '关于示范县城市更新政策的解读';
    await page.locator('#f-title').fill(title);
    await page.getByTestId('body-editor').click();
    await page.keyboard.type('根据上级通知精神。');
    await page.keyboard.press('Enter');
    await page.keyboard.type('机密 ★ 本材料仅供内部');
    await page.locator('#f-kind').selectOption({ label: '政策解读' });
    await page.getByRole('button', { name: '全部取消' }).click();
    await page.locator(`#acc-${acc.portal}`).check();
    await page.locator(`#acc-${acc.gazette}`).check();
    await page.getByTestId('submit-review').click();
    const problems = page.getByTestId('submit-problems');
    await problems.waitFor();
    const fields = await problems.locator('li[data-field]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-field') ?? ''));
    expect(fields).toEqual(expect.arrayContaining(['policyItemId', 'channels.gazette.kind', 'bodyHtml']));
    const text = await problems.innerText();
    expect(text).toMatch(/^提交前还有 \d+ 个问题需要处理/);
    expect(text).toContain('政策解读须关联所解读的政策文件');
    expect(text).toMatch(/公报.*只刊登/);
    expect(text).not.toMatch(/[A-Za-z]/);
    await shot(page, 'editor-submit-problems');
    // the server: saved, still a draft, the blocked attempt audited, and the same problems in one answer
    const [row] = await sys.ds.query(`SELECT id, status FROM items WHERE title = $1`, [title]);
    expect(row.status).toBe('draft');
    expect(await actions(row.id)).toEqual(['item.create', 'item.submit_blocked']);
    const again = await editorApi.post(`/items/${row.id}/submit`);
    expect(again.status).toBe(422);
    expect(again.data.code).toBe('BLOCKING_FINDINGS');
    expect((again.data.details as { field: string }[]).map((d) => d.field).sort()).toEqual([...fields].sort());
    // each problem takes the editor to its field
    await problems.locator('li[data-field="policyItemId"] a').click();
    await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'f-policyItemId', 5_000, 'the policy field focused');
    await problems.locator('li[data-field="channels.gazette.kind"] a').click();
    await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'f-kind', 5_000, 'the kind field focused');
    await problems.locator('li[data-field="bodyHtml"] a').click();
    await waitFor(async () => (await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))) === 'body-editor', 5_000, 'the body focused');
    expect(errors).toEqual([]);
  });

  it('选择全部渠道 takes only the accounts whose channel takes the kind, and says why the others were left out', async () => {
    const { page, errors } = await session();
    await page.goto(`${sys.url}/items/new`);
    const title = '关于开展政务公开日活动的通知';
    await page.locator('#f-title').fill(title);
    await page.getByTestId('body-editor').click();
    await page.keyboard.type('各乡镇人民政府、县直各部门：现将政务公开日活动安排通知如下。');
    await page.locator('#f-kind').selectOption({ label: '通知公告' });
    await page.getByTestId('select-all-channels').click();
    const box = (id: string) => page.locator(`#acc-${id}`);
    await waitFor(async () => box(acc.portal).isChecked(), 5_000, 'the portal ticked');
    expect(await box(acc.gazette).isChecked()).toBe(false);
    const skipped = page.getByTestId('select-all-skipped');
    await skipped.getByText(/示范县人民政府公报.*不刊登“通知公告”/).waitFor();
    const ticked = await page.locator('.channel-picker input[type=checkbox]:checked').evaluateAll((xs) => xs.map((x) => x.id.replace(/^acc-/, '')).sort());
    await shot(page, 'editor-select-all-channels');
    // a kind the gazette prints: every account, nothing left out
    await page.locator('#f-kind').selectOption({ label: '行政规范性文件' });
    await page.getByTestId('select-all-channels').click();
    await waitFor(async () => box(acc.gazette).isChecked(), 5_000, 'the gazette ticked');
    await skipped.waitFor({ state: 'detached' });
    // back to a notice, saved: the server holds the accounts ticked, and takes them at submit
    await page.locator('#f-kind').selectOption({ label: '通知公告' });
    await page.getByTestId('select-all-channels').click();
    await waitFor(async () => !(await box(acc.gazette).isChecked()), 5_000, 'the gazette left out again');
    await page.getByTestId('save-draft').click();
    await page.getByTestId('save-notice').waitFor();
    const [row] = await sys.ds.query(`SELECT id, target_account_ids FROM items WHERE title = $1`, [title]);
    expect([...row.target_account_ids].sort()).toEqual(ticked);
    expect(row.target_account_ids).not.toContain(acc.gazette);
    const sub = await editorApi.post(`/items/${row.id}/submit`);
    expect([sub.status, sub.data.details ?? []]).toEqual([200, []]);
    expect(errors).toEqual([]);
  });
});
