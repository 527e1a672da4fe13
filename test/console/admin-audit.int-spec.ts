import type { AxiosInstance } from 'axios';
import type { Browser, Page } from 'playwright-core';
import { AUDIT_ACTION_LABELS } from '@app/domain/enums/audit-actions';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';
import { latinWords } from './latin-words';

/**
 * Issue 15.7 (admin): the audit-log viewer (系统管理 → 审计日志) with its filters (who, what, item,
 * organisation, dates) and keyset pages, actions and details in words; each page is compared with
 * GET audit-logs and the audit_logs table. Also the account form's checks on save (each field named
 * in Chinese under its input, nothing stored) and the test channel offered nowhere (issue 15.9).
 */
const run = chromiumAvailable() ? describe : describe.skip;

interface Row {
  id: string;
  action: string;
  actor: { id: string } | null;
  actorHidden: boolean;
  organisation: { id: string } | null;
}

run('the audit-log viewer and the account form', () => {
  let sys: TestSystem;
  let browser: Browser;
  let admin: AxiosInstance;
  let itemId = '';
  const title = `审计核对：关于开展春季植树活动的通知${Date.now() % 10000}`;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('console-audit', { worker: false });
    ({ browser } = await launch());
    admin = await sys.login('admin');
    const editor = await sys.login('editor');
    const reviewer = await sys.login('reviewer');
    const portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title,
      bodyHtml: '<p>现将有关事项通知如下。</p>',
      kind: 'notice',
      targetAccountIds: [portal],
    });
    expect(created.status).toBe(201);
    itemId = created.data.id;
    expect((await editor.post(`/items/${itemId}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${itemId}/reject`, { reason: '请补充活动时间和地点' })).status).toBe(200);
    // More sign-ins of one user than a page holds (50), for the 下一页 walk.
    for (let i = 0; i < 55; i++) expect((await sys.http.post('/auth/login', { username: 'operator', password: TEST_PASSWORD })).status).toBe(200);
    const jyj = sys.seed.orgs['sfx-jyj'];
    expect(
      (
        await admin.post('/users', {
          username: 'jyj-admin',
          displayName: '教育局管理员',
          password: TEST_PASSWORD,
          homeOrganisationId: jyj,
          roles: [{ organisationId: jyj, role: 'admin' }],
        })
      ).status,
    ).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  /** The ids of the viewer's rows, top to bottom. */
  const shownIds = (page: Page) => page.locator('[data-testid=audit-table] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id') ?? ''));
  async function shows(page: Page, ids: string[], what: string) {
    const want = JSON.stringify(ids);
    await waitFor(async () => JSON.stringify(await shownIds(page)) === want, 15_000, `the viewer shows ${what}`).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(await shownIds(page))} ≠ ${want}`);
    });
  }
  const api = async (q: Record<string, string>) => {
    const r = await admin.get(`/audit-logs?${new URLSearchParams(q)}`);
    expect(r.status).toBe(200);
    return r.data as { entries: Row[]; nextCursor: string | null };
  };
  const query = async (page: Page) => {
    await page.getByRole('button', { name: '查询' }).click();
  };

  it('shows the newest entries in words, filters by who and what, and pages with 下一页 / 上一页 as the API does', async () => {
    const { ctx, page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'admin', TEST_PASSWORD);
    await page.goto(`${sys.url}/admin?tab=audit`);
    await page.getByTestId('audit-table').waitFor();
    const first = await api({});
    await shows(
      page,
      first.entries.map((e) => e.id),
      'the first page of everything',
    );
    // Actions in words (the label of each row's action), details without JSON, no codes.
    const actions = await page
      .locator('[data-testid=audit-table] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-action') ?? '', tr.querySelector('[data-testid=audit-action]')?.textContent ?? '']));
    for (const [action, text] of actions) expect(text).toBe(AUDIT_ACTION_LABELS[action]);
    const tableText = await page.getByTestId('audit-table').innerText();
    expect(tableText).not.toMatch(/[{}"]|\b[a-z_]+\.[a-z_]+\b/);
    const usernames = new Set(((await admin.get('/users')).data as { username: string }[]).map((u) => u.username));
    expect(latinWords(tableText, usernames)).toEqual([]);
    await shot(page, 'admin-audit');

    // Who and what: the operator's sign-ins, 50 a page; 下一页 asks for the ones before the last shown.
    const operatorId = sys.seed.users['operator'];
    await page.locator('#au-actor').selectOption(operatorId);
    await page.locator('#au-action').selectOption('auth.login');
    await query(page);
    const all = await api({ actor: operatorId, action: 'auth.login', limit: '200' });
    expect(all.entries.length).toBeGreaterThanOrEqual(55);
    await shows(
      page,
      all.entries.slice(0, 50).map((e) => e.id),
      'the operator’s newest 50 sign-ins',
    );
    expect(await page.getByTestId('audit-page').innerText()).toBe('第 1 页');
    expect(new Set(await page.locator('[data-testid=audit-action]').allInnerTexts())).toEqual(new Set(['登录']));
    await page.getByRole('button', { name: '下一页' }).click();
    await shows(
      page,
      all.entries.slice(50, 100).map((e) => e.id),
      'the sign-ins before them',
    );
    expect(await page.getByTestId('audit-page').innerText()).toBe('第 2 页');
    await page.getByRole('button', { name: '上一页' }).click();
    await shows(
      page,
      all.entries.slice(0, 50).map((e) => e.id),
      'the first page again',
    );
    const rowsDb: { id: string }[] = await sys.ds.query(
      `SELECT id::text AS id FROM audit_logs WHERE actor_id = $1 AND action = 'auth.login' ORDER BY audit_logs.id DESC`,
      [operatorId],
    );
    expect(all.entries.map((e) => e.id)).toEqual(rowsDb.map((r) => r.id));
    expect(errors).toEqual([]);
    await ctx.close();
  }, 240_000);

  it('filters by item, organisation and dates; a wrong range is refused in Chinese', async () => {
    const { ctx, page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'admin', TEST_PASSWORD);
    await page.goto(`${sys.url}/admin?tab=audit`);
    await page.getByTestId('audit-table').waitFor();

    // The item, by a fragment of its title: what happened to it, with the rejection's reason in words.
    await page.locator('#au-item').fill('审计核对：关于开展春季植树');
    await query(page);
    const ofItem: { id: string }[] = await sys.ds.query(`SELECT id::text AS id FROM audit_logs WHERE item_id = $1 ORDER BY audit_logs.id DESC`, [itemId]);
    await shows(
      page,
      ofItem.map((r) => r.id),
      'the item’s entries',
    );
    expect(await page.locator('[data-testid=audit-action]').allInnerTexts()).toEqual(['退回修改', '提交审核', '创建信息']);
    const rejected = page.locator('[data-testid=audit-table] tr[data-action="item.reject"]');
    expect(await rejected.innerText()).toContain('原因：请补充活动时间和地点');
    expect(await rejected.getByRole('link', { name: title }).getAttribute('href')).toBe(`/items/${itemId}`);
    await shot(page, 'admin-audit-item');

    // The organisation (with its subtree): the department's own entries, its new admin's among them.
    await page.locator('#au-item').fill('');
    const jyj = sys.seed.orgs['sfx-jyj'];
    await page.locator('#au-org').selectOption(jyj);
    await query(page);
    const ofOrg = await api({ organisation: jyj });
    expect(ofOrg.entries.length).toBeGreaterThan(0);
    await shows(
      page,
      ofOrg.entries.map((e) => e.id),
      'the department’s entries',
    );
    expect(await page.locator('[data-testid=audit-table] tr[data-action="user.create"]').innerText()).toContain('教育局管理员（jyj-admin）');

    // Dates (Beijing): everything of today is there; up to yesterday nothing.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86400_000).toISOString().slice(0, 10);
    await page.locator('#au-org').selectOption('');
    await page.locator('#au-from').fill(today);
    await query(page);
    await shows(
      page,
      (await api({ from: today })).entries.map((e) => e.id),
      'today’s entries',
    );
    await page.locator('#au-from').fill('');
    await page.locator('#au-to').fill(yesterday);
    await query(page);
    await page.getByTestId('audit-empty').waitFor();
    expect((await api({ to: yesterday })).entries).toEqual([]);
    await page.locator('#au-from').fill(today);
    await query(page);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toContain('截止日期不能早于起始日期');
    expect(await banner.innerText()).not.toMatch(/[A-Z_]{4,}/);
    expect((await admin.get(`/audit-logs?from=${today}&to=${yesterday}`)).status).toBe(400);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a department’s admin sees the department’s entries only, and the county’s actors without their names', async () => {
    const dept = await sys.login('jyj-admin');
    const r = await dept.get('/audit-logs?limit=200');
    expect(r.status).toBe(200);
    const rows = r.data.entries as Row[];
    const jyj = sys.seed.orgs['sfx-jyj'];
    expect(rows.length).toBeGreaterThan(0);
    for (const e of rows) expect(e.organisation?.id).toBe(jyj);
    const created = rows.find((e) => e.action === 'user.create')!;
    expect(created).toMatchObject({ actor: null, actorHidden: true });
    expect(JSON.stringify(rows)).not.toContain(sys.seed.users['admin']);
    expect(JSON.stringify(rows)).not.toContain(itemId);
    expect((await dept.get(`/audit-logs?organisation=${sys.seed.orgs['sfx']}`)).status).toBe(403);
    expect((await (await sys.login('operator')).get('/audit-logs')).status).toBe(403);
  });

  it('account form: a save without the required WeChat keys names each field in Chinese under it and stores nothing; the test channel is offered nowhere', async () => {
    const { ctx, page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'admin', TEST_PASSWORD);
    await page.goto(`${sys.url}/admin?tab=accounts`);
    await page.getByTestId('account-table').waitFor();
    const types = await page.locator('#na-type option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    const caps = (await admin.get('/channels')).data as { type: string; forTests?: boolean }[];
    expect(caps.find((c) => c.type === 'testchan')).toMatchObject({ forTests: true });
    expect(types.sort()).toEqual(
      caps
        .filter((c) => !c.forTests)
        .map((c) => c.type)
        .sort(),
    );
    expect(await page.locator('#na-type').innerText()).not.toContain('测试渠道');

    const before = Number((await sys.ds.query(`SELECT count(*) FROM channel_accounts`))[0].count);
    await page.locator('#na-type').selectOption('wechat');
    await page.locator('#na-name').fill('示范县发布（核对用）');
    await page.locator('#na-url').fill('http://127.0.0.1:9/wechat');
    await page.locator('#na-c-encodingAesKey').fill('too-short');
    await page.getByRole('button', { name: '新建账号' }).click();
    const appidErr = page.locator('#na-c-appid-err');
    await appidErr.waitFor();
    expect(await appidErr.innerText()).toBe('请填写“AppID（开发者ID）”');
    expect(await page.locator('#na-c-secret-err').innerText()).toBe('请填写“AppSecret（开发者密码）”');
    expect(await page.locator('#na-c-encodingAesKey-err').innerText()).toContain('应为 43 位字母和数字');
    const banner = await page.getByTestId('error-banner').innerText();
    expect(banner).not.toMatch(/VALIDATION|credentials\.|settings\./);
    await shot(page, 'admin-account-form-errors');
    expect(Number((await sys.ds.query(`SELECT count(*) FROM channel_accounts`))[0].count)).toBe(before);

    // The monitor's channel filter leaves the test channel out too.
    await page.goto(`${sys.url}/monitor`);
    const filter = page.locator('#m-channel');
    await filter.waitFor();
    await waitFor(async () => (await filter.locator('option').count()) > 1, 10_000, 'the channel filter filled');
    expect(await filter.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).not.toContain('testchan');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
