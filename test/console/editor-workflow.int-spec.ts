import type { AxiosInstance } from 'axios';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';

/**
 * Issue 15, point 2 (typed work is not lost), in a real browser against the whole system: the editor
 * autosaves unsaved work to the user's own autosave store (no item, version or audit row), shows
 * 已自动保存 HH:mm:ss, offers a newer autosave back (恢复未保存的内容 / 放弃), asks before leaving a
 * changed page (a console link, closing the tab), and when the session ends while writing keeps the
 * work, sends the user to sign in and brings them back to the same page with the work restored.
 * Every step checks the page and the database.
 */
const run = chromiumAvailable() ? describe : describe.skip;

interface Session {
  ctx: BrowserContext;
  page: Page;
  errors: string[];
}

run('editor workflow: autosave, leaving, session end', () => {
  let sys: TestSystem;
  let browser: Browser;
  let editorApi: AxiosInstance;
  let editorId = '';
  const open: Session[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('editor-workflow', { worker: false });
    ({ browser } = await launch());
    editorApi = await sys.login('editor');
    editorId = sys.seed.users['editor'];
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
    await signIn(s.page, sys.url, username, TEST_PASSWORD);
    return s;
  }

  const autosaves = (
    userId: string,
  ): Promise<{ key: string; item_id: string | null; payload: { form: { title: string; bodyHtml: string } }; bytes: number }[]> =>
    sys.ds.query(`SELECT key, item_id, payload, bytes FROM item_autosaves WHERE user_id = $1 ORDER BY key`, [userId]);
  const counts = async () =>
    (
      await sys.ds.query(
        `SELECT (SELECT count(*) FROM items)::int AS items, (SELECT count(*) FROM item_versions)::int AS versions, (SELECT count(*) FROM audit_logs)::int AS audit`,
      )
    )[0];
  const itemsTitled = (title: string): Promise<{ id: string; title: string; body_html: string; status: string; row_version: number }[]> =>
    sys.ds.query(`SELECT id, title, body_html, status, row_version FROM items WHERE title = $1`, [title]);
  const bodyText = (page: Page) => page.getByTestId('body-editor').innerText();

  it('autosaves a new item while the editor types (no item, version or audit row), shows the time, and offers it back in a new window', async () => {
    const { page, errors } = await session();
    await page.goto(`${sys.url}/items/new`);
    const before = await counts();
    const title = '关于开展冬季消防安全检查的通知（自动保存）';
    await page.locator('#f-title').fill(title);
    await page.getByTestId('body-editor').click();
    await page.keyboard.type('各乡镇人民政府：为做好冬季消防安全工作，现将有关事项通知如下。');
    // 2.5 s after the last keystroke (or when a field loses focus) the draft goes to the server
    await page
      .getByTestId('autosave-status')
      .filter({ hasText: /^已自动保存 \d{2}:\d{2}:\d{2}$/ })
      .waitFor();
    await waitFor(async () => (await autosaves(editorId))[0]?.payload.form.bodyHtml.includes('现将有关事项通知如下'), 15_000, 'the body autosaved');
    const [saved] = await autosaves(editorId);
    expect(saved).toMatchObject({ key: 'new', item_id: null });
    expect(saved.payload.form.title).toBe(title);
    // the time shown is the server's saved_at of the latest save, in Beijing time
    const [{ at }] = await sys.ds.query(
      `SELECT to_char(saved_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS at FROM item_autosaves WHERE user_id = $1 AND key = 'new'`,
      [editorId],
    );
    await page
      .getByTestId('autosave-status')
      .filter({ hasText: `已自动保存 ${at}` })
      .waitFor();
    // an autosave is no item, no version, no audit row, no submission
    expect(await counts()).toEqual(before);
    expect(await itemsTitled(title)).toEqual([]);
    await shot(page, 'editor-autosave');

    // A second window (a new sign-in): the newer autosave is offered; restored, then saved as a draft.
    const second = await session();
    await second.page.goto(`${sys.url}/items/new`);
    const offer = second.page.getByTestId('autosave-offer');
    await offer.getByText(`标题：${title}`).waitFor();
    await offer.getByRole('button', { name: '恢复未保存的内容' }).click();
    await waitFor(async () => (await second.page.locator('#f-title').inputValue()) === title, 10_000, 'the title restored');
    expect(await bodyText(second.page)).toContain('现将有关事项通知如下');
    await second.page.getByTestId('save-draft').click();
    await second.page.getByTestId('save-notice').waitFor();
    const [item] = await itemsTitled(title);
    expect(item).toMatchObject({ status: 'draft' });
    expect(item.body_html).toContain('现将有关事项通知如下');
    // the saved item holds the work now: the autosave is gone
    await waitFor(async () => !(await autosaves(editorId)).some((a) => a.key === 'new'), 10_000, 'the new-item autosave dropped after saving');
    expect(errors).toEqual([]);
    expect(second.errors).toEqual([]);
  });

  it('an existing item: a newer autosave is offered, 放弃 drops it and keeps the saved item; the autosave is the user’s own and bounded', async () => {
    const created = await editorApi.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: '关于调整办事大厅开放时间的通知',
      bodyHtml: '<p>原文。</p>',
      kind: 'notice',
    });
    expect(created.status).toBe(201);
    const id = created.data.id as string;
    const { page, errors } = await session();
    await page.goto(`${sys.url}/items/${id}/edit`);
    await waitFor(async () => (await page.locator('#f-title').inputValue()) === created.data.title, 10_000, 'the item loaded');
    await page.locator('#f-title').fill('关于调整办事大厅开放时间的通知（修改中）');
    await page.locator('#f-summary').click(); // the title loses focus: saved at once
    await page
      .getByTestId('autosave-status')
      .filter({ hasText: /^已自动保存/ })
      .waitFor();
    expect(await autosaves(editorId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: `item-${id}`,
          item_id: id,
          payload: expect.objectContaining({ form: expect.objectContaining({ title: '关于调整办事大厅开放时间的通知（修改中）' }) }),
        }),
      ]),
    );
    const [row] = await sys.ds.query(`SELECT title, row_version FROM items WHERE id = $1`, [id]);
    expect(row).toEqual({ title: '关于调整办事大厅开放时间的通知', row_version: created.data.rowVersion });

    const second = await session();
    await second.page.goto(`${sys.url}/items/${id}/edit`);
    const offer = second.page.getByTestId('autosave-offer');
    await offer.waitFor();
    await offer.getByRole('button', { name: '放弃' }).click();
    await offer.waitFor({ state: 'detached' });
    expect(await second.page.locator('#f-title').inputValue()).toBe('关于调整办事大厅开放时间的通知');
    await waitFor(async () => !(await autosaves(editorId)).some((a) => a.key === `item-${id}`), 10_000, 'the item autosave discarded');

    // The API: only the user's own; a clear 413 naming the field when too large; a key of another shape is refused.
    const admin = await sys.login('admin');
    const other = await admin.post('/users', {
      username: 'editor-b',
      displayName: '信息员乙',
      password: TEST_PASSWORD,
      homeOrganisationId: sys.seed.orgs['sfx'],
      roles: [{ organisationId: sys.seed.orgs['sfx'], role: 'editor' }],
    });
    expect(other.status).toBe(201);
    const otherApi = await sys.login('editor-b');
    expect((await otherApi.put('/autosaves/new', { payload: { form: { title: '乙的草稿' } } })).status).toBe(200);
    expect((await editorApi.put('/autosaves/new', { payload: { form: { title: '甲的草稿' } } })).status).toBe(200);
    expect((await otherApi.get('/autosaves/new')).data.payload.form.title).toBe('乙的草稿');
    expect((await editorApi.get('/autosaves/new')).data.payload.form.title).toBe('甲的草稿');
    await otherApi.delete('/autosaves/new');
    expect((await editorApi.get('/autosaves/new')).status).toBe(200); // someone else's discard is theirs only
    const big = await editorApi.put('/autosaves/new', { payload: { form: { bodyHtml: `<p>${'长'.repeat(700_000)}</p>` } } });
    expect(big.status).toBe(413);
    expect(big.data).toMatchObject({ code: 'AUTOSAVE_TOO_LARGE', details: [{ field: 'payload' }] });
    expect(big.data.message).toMatch(/自动保存的内容过大/);
    expect((await editorApi.get('/autosaves/new')).data.payload.form.title).toBe('甲的草稿'); // the refused one changed nothing
    expect((await editorApi.put('/autosaves/Item-X', { payload: {} })).status).toBe(400);
    // an item the user may not edit: a sibling department's editor is refused
    const sibling = await admin.post('/users', {
      username: 'editor-jyj',
      displayName: '教育局信息员',
      password: TEST_PASSWORD,
      homeOrganisationId: sys.seed.orgs['sfx-jyj'],
      roles: [{ organisationId: sys.seed.orgs['sfx-jyj'], role: 'editor' }],
    });
    expect(sibling.status).toBe(201);
    const siblingApi = await sys.login('editor-jyj');
    expect((await siblingApi.put(`/autosaves/item-${id}`, { payload: { form: {} } })).status).toBe(403);
    await editorApi.delete('/autosaves/new');
    expect(errors).toEqual([]);
    expect(second.errors).toEqual([]);
  });

  it('asks before leaving a changed page: a console link (stay, then leave) and closing the tab', async () => {
    const { page } = await session();
    await page.goto(`${sys.url}/items/new`);
    await page.locator('#f-title').fill('离开前提醒测试');
    const nav = page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '信息列表', exact: true });
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(`${d.type()}:${d.message()}`);
      void d.dismiss();
    });
    await nav.click();
    await waitFor(async () => asked.length === 1, 5_000, 'the confirmation');
    expect(asked[0]).toMatch(/^confirm:有未保存的修改/);
    expect(new URL(page.url()).pathname).toBe('/items/new');
    expect(await page.locator('#f-title').inputValue()).toBe('离开前提醒测试');
    // closing the tab: the browser's own question (dismissed: the page stays)
    const closing = new Promise<string>((resolve) => page.once('dialog', (d) => (resolve(d.type()), void d.dismiss())));
    await page.close({ runBeforeUnload: true });
    expect(await closing).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);
    // confirmed: the link is followed
    page.once('dialog', (d) => void d.accept());
    await nav.click();
    await page.waitForURL((u) => u.pathname === '/items');
    await page.getByRole('heading', { name: '信息列表' }).waitFor();
    await editorApi.delete('/autosaves/new');
  });

  it('the session ends while writing: 保存 sends the user to sign in, and back to the same page with the work restored', async () => {
    const before: { id: string }[] = await sys.ds.query(`SELECT id FROM user_sessions WHERE user_id = $1 AND ended_at IS NULL`, [editorId]);
    const { page, errors } = await session();
    await page.goto(`${sys.url}/items/new`);
    const title = '关于做好春节期间安全生产工作的通知（会话结束）';
    await page.locator('#f-title').fill(title);
    await page.getByTestId('body-editor').click();
    await page.keyboard.type('各单位：春节将至，请切实做好安全生产工作。');
    // The session ends on the server (this browser's session only; the test's API session stays).
    const [ended] = await sys.ds.query(
      `UPDATE user_sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL AND NOT (id = ANY($2::uuid[])) RETURNING id`,
      [editorId, before.map((r) => r.id)],
    );
    expect(ended).toHaveLength(1);
    await page.keyboard.type('值班电话全天畅通。');
    await page.getByTestId('save-draft').click();
    // 401: to the sign-in page, which says the work is kept
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByTestId('kept-work-notice').waitFor();
    expect(await itemsTitled(title)).toEqual([]);
    await shot(page, 'editor-session-ended');
    await page.locator('#username').fill('editor');
    await page.locator('#password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // back on the same editor page, the work restored
    await page.waitForURL((u) => u.pathname === '/items/new');
    await waitFor(async () => (await page.locator('#f-title').inputValue()) === title, 10_000, 'the title restored');
    expect(await bodyText(page)).toContain('各单位：春节将至，请切实做好安全生产工作。值班电话全天畅通。');
    await page.getByText('已恢复登录失效前未保存的内容').waitFor();
    await page.getByTestId('save-draft').click();
    await page.getByTestId('save-notice').waitFor();
    const [item] = await itemsTitled(title);
    expect(item).toMatchObject({ title, status: 'draft' });
    expect(item.body_html).toContain('值班电话全天畅通');
    await page.waitForURL((u) => u.pathname === `/items/${item.id}/edit`);
    // nothing left behind in the tab
    expect(
      await page.evaluate(() =>
        Object.keys(sessionStorage)
          .concat(Object.keys(localStorage))
          .filter((k) => k.startsWith('gd-kept-work:')),
      ),
    ).toEqual([]);
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });
});
