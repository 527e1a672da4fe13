import type { AxiosInstance } from 'axios';
import type { Browser, Locator, Page } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';

/**
 * Issue 15.7: the admin manages the 保密审查 word lists in the console (系统管理 → 词库): list them,
 * add, change and delete entries with Chinese checks before anything is sent, import pasted lines,
 * make a list of the county's own, switch it off and delete it. Every step is checked against the
 * server: the stored lexicon (GET compliance/lexicons/:id) and what the checker flags (POST
 * compliance/check), and the audit log row each change leaves.
 */
const run = chromiumAvailable() ? describe : describe.skip;

interface Finding {
  rule: string;
  excerpt: string;
}

run('the lexicon page', () => {
  let sys: TestSystem;
  let browser: Browser;
  let admin: AxiosInstance;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('console-lexicons', { worker: false });
    ({ browser } = await launch());
    admin = await sys.login('admin');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  const lexicon = async (id: string) =>
    (await admin.get(`/compliance/lexicons/${id}`)).data as { doc: Record<string, unknown>; disabled: boolean; source: string; entryCount: number };
  const flags = async (text: string) =>
    ((await admin.post('/compliance/check', { fields: [{ field: 'bodyHtml', text }] })).data.findings as Finding[]).map((f) => `${f.rule}:${f.excerpt}`);
  const lastAudit = async () =>
    (await sys.ds.query(`SELECT action, entity_id, details FROM audit_logs WHERE entity_type = 'lexicon' ORDER BY id DESC LIMIT 1`))[0] as
      { action: string; entity_id: string; details: Record<string, unknown> } | undefined;

  async function openTab(page: Page) {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '系统管理', exact: true }).click();
    await page.getByRole('tab', { name: '词库' }).click();
    await page.getByTestId('lexicon-table').locator('tbody tr').first().waitFor();
  }
  const row = (page: Page, name: string) => page.getByTestId('lexicon-table').getByRole('row', { name: new RegExp(`^${name}`) });
  const entryRow = (page: Page, key: string) => page.getByTestId('entry-table').locator(`tr[data-entry="${key}"]`);
  const fieldError = (form: Locator, id: string) => form.locator(`#${id}-err`);

  it('lists the lists in words with the server’s counts; entries are added, changed and deleted with Chinese checks first', async () => {
    const { ctx, page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'admin', TEST_PASSWORD);
    await openTab(page);
    // Every list the server has, named by its category or kind (never its id), with its entry count.
    const listed = (await admin.get('/compliance/lexicons')).data as { id: string; entryCount: number; category: string | null }[];
    expect(await page.getByTestId('lexicon-table').locator('tbody tr').count()).toBe(listed.length);
    for (const l of listed) {
      const tr = page.locator(`[data-testid=lexicon-table] tr[data-lexicon="${l.id}"]`);
      expect(await tr.getByTestId('entry-count').innerText()).toBe(String(l.entryCount));
      const text = await tr.innerText();
      expect(text).not.toContain(l.id);
      expect(text).not.toMatch(/[A-Za-z]/);
    }
    const typos = listed.find((l) => l.id === 'common-typos')!;
    await row(page, '常见错别字')
      .getByRole('button', { name: /编辑词条/ })
      .click();
    const editor = page.getByTestId('lexicon-editor');
    await editor.getByRole('heading', { name: '词条：常见错别字' }).waitFor();
    await waitFor(
      async () => (await page.getByTestId('entry-table').locator('tbody tr').count()) === typos.entryCount,
      10_000,
      'every entry of the list shown',
    );
    await shot(page, 'admin-lexicons');

    // A pair without its correction is refused here, in Chinese, under the field; nothing is sent.
    await editor.getByRole('button', { name: '添加词条' }).click();
    const form = page.getByTestId('entry-form');
    await form.getByLabel('错误写法').fill('部暑');
    await form.getByRole('button', { name: '保存词条' }).click();
    expect(await fieldError(form, 'ee-second').innerText()).toBe('请填写正确写法');
    await form.getByLabel('正确写法').fill('部暑');
    await form.getByRole('button', { name: '保存词条' }).click();
    expect(await fieldError(form, 'ee-second').innerText()).toBe('正确写法与错误写法相同');
    // An allowed context must contain the word; an existing wrong word is edited, not added twice.
    await form.getByLabel('正确写法').fill('部署');
    await form.getByLabel('允许的搭配（不提示）').fill('部暑工作、全面部署');
    await form.getByRole('button', { name: '保存词条' }).click();
    expect(await fieldError(form, 'ee-contexts').innerText()).toBe('允许的搭配须包含“部暑”：“全面部署”不包含');
    await form.getByLabel('允许的搭配（不提示）').fill('');
    await form.getByLabel('错误写法').fill('布署');
    await form.getByRole('button', { name: '保存词条' }).click();
    expect(await fieldError(form, 'ee-key').innerText()).toBe('词库中已有“布署”，请修改原有词条');
    expect((await lexicon('common-typos')).source).toBe('file');
    await shot(page, 'admin-lexicon-entry-errors');

    await form.getByLabel('错误写法').fill('部暑');
    await form.getByRole('button', { name: '保存词条' }).click();
    await page.getByTestId('entries-notice').getByText('已添加“部暑”').waitFor();
    await entryRow(page, '部暑').waitFor();
    let stored = await lexicon('common-typos');
    expect(stored.source).toBe('file+admin');
    expect(stored.doc.pairs).toContainEqual({ wrong: '部暑', right: '部署' });
    expect(await flags('认真部暑各项工作')).toEqual(['typo:部暑']);
    expect(await lastAudit()).toMatchObject({ action: 'lexicon.entries', entity_id: 'common-typos', details: expect.objectContaining({ upsert: 1 }) });

    // Changed: a note and an allowed context that contains the word.
    // After a save the page loads the list twice: its own reload, and again when the list's summary
    // (updatedAt) comes back changed. The second answer is the one the page keeps, so the notice waits
    // for it: held here until the first has come back, and a second longer (CI once read the old row).
    let gets = 0;
    let secondAsked!: () => void;
    const second = new Promise<void>((r) => (secondAsked = r));
    const detailUrl = (u: URL) => u.pathname.endsWith('/compliance/lexicons/common-typos');
    await page.route(detailUrl, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const n = ++gets;
      // (bounded: were there no second load, the count below says so rather than a timeout)
      if (n === 1) await Promise.race([second, new Promise((r) => setTimeout(r, 10_000))]);
      if (n === 2) {
        secondAsked();
        await new Promise((r) => setTimeout(r, 1000));
      }
      await route.continue();
    });
    await entryRow(page, '部暑').getByRole('button', { name: '修改：部暑' }).click();
    await form.getByLabel('说明').fill('常见于工作总结');
    await form.getByLabel('允许的搭配（不提示）').fill('部暑名');
    await form.getByRole('button', { name: '保存词条' }).click();
    await page.getByTestId('entries-notice').getByText('已修改“部暑”').waitFor();
    expect(await entryRow(page, '部暑').innerText()).toContain('常见于工作总结');
    expect(gets).toBe(2);
    await page.unroute(detailUrl);
    stored = await lexicon('common-typos');
    expect(stored.doc.pairs).toContainEqual({ wrong: '部暑', right: '部署', allowedContexts: ['部暑名'], note: '常见于工作总结' });
    expect(await flags('部暑名单已公布')).toEqual([]);

    // Deleted, after a second click.
    await entryRow(page, '部暑').getByRole('button', { name: '删除：部暑' }).click();
    await entryRow(page, '部暑').getByRole('button', { name: '确认删除' }).click();
    await page.getByTestId('entries-notice').getByText('已删除“部暑”').waitFor();
    await waitFor(async () => (await entryRow(page, '部暑').count()) === 0, 10_000, 'the entry gone from the page');
    stored = await lexicon('common-typos');
    expect((stored.doc.pairs as { wrong: string }[]).some((p) => p.wrong === '部暑')).toBe(false);
    expect(stored.entryCount).toBe(typos.entryCount);
    expect(await flags('认真部暑各项工作')).toEqual([]);
    expect(await lastAudit()).toMatchObject({ action: 'lexicon.entries', details: expect.objectContaining({ remove: ['部暑'] }) });

    // Back to the shipped version.
    await row(page, '常见错别字')
      .getByRole('button', { name: /恢复内置版本/ })
      .click();
    await row(page, '常见错别字').getByRole('button', { name: '确认恢复' }).click();
    await page.getByTestId('lexicon-notice').getByText('词库“常见错别字”已恢复为系统内置版本').waitFor();
    expect((await lexicon('common-typos')).source).toBe('file');
    expect(await lastAudit()).toMatchObject({ action: 'lexicon.revert', entity_id: 'common-typos' });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a list of the county’s own: made, filled by import (every bad line named first), switched off and deleted', async () => {
    const { ctx, page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'admin', TEST_PASSWORD);
    await openTab(page);
    const before = ((await admin.get('/compliance/lexicons')).data as unknown[]).length;

    const newForm = page.getByRole('form', { name: '新建词库' });
    await newForm.getByRole('button', { name: '新建词库' }).click();
    expect(await page.locator('#nl-name-err').innerText()).toBe('请填写词库名称');
    expect(((await admin.get('/compliance/lexicons')).data as unknown[]).length).toBe(before);
    await page.locator('#nl-name').fill('本县敏感事项');
    await page.locator('#nl-severity').selectOption('review');
    await newForm.getByRole('button', { name: '新建词库' }).click();
    await page.getByTestId('lexicon-notice').getByText('已新建词库“本县敏感事项”，请添加词条').waitFor();
    const mine = ((await admin.get('/compliance/lexicons')).data as { id: string; category: string; kind: string; severity: string; source: string }[]).find(
      (l) => l.category === '本县敏感事项',
    );
    expect(mine).toMatchObject({ kind: 'sensitive', severity: 'review', source: 'admin' });
    await page.getByTestId('lexicon-editor').getByRole('heading', { name: '词条：本县敏感事项' }).waitFor();

    // Import: problems are listed by line and nothing is stored until every line is right.
    const imp = page.getByTestId('lexicon-import');
    await imp.locator('summary').click();
    const long = '很'.repeat(51);
    await imp.getByRole('textbox').fill(['# 本县敏感事项（2026年）', '某某水库移民补偿', '某某工程,某项目', '', long, '某某工程', '甲,乙,丙'].join('\n'));
    await imp.getByRole('button', { name: '导入' }).click();
    const problems = page.getByTestId('import-problems');
    await problems.waitFor();
    expect(await problems.locator('li').allInnerTexts()).toEqual([
      '第 5 行：词语不能超过50个字',
      '第 6 行：与第 3 行重复',
      '第 7 行：分隔符多于一个，请每行只写一个词条',
    ]);
    await shot(page, 'admin-lexicon-import-errors');
    expect((await lexicon(mine!.id)).entryCount).toBe(0);

    await imp.getByRole('textbox').fill(['# 本县敏感事项（2026年）', '某某水库移民补偿', '某某工程,某项目', '某某事件'].join('\n'));
    await imp.getByRole('button', { name: '导入' }).click();
    await page.getByTestId('entries-notice').getByText('已导入 3 条').waitFor();
    expect(await page.getByTestId('entry-table').locator('tbody tr').count()).toBe(3);
    const doc = (await lexicon(mine!.id)).doc;
    expect(doc.terms).toEqual(['某某水库移民补偿', { term: '某某工程', suggestion: '某项目' }, '某某事件']);
    expect(await flags('某某工程已开工')).toEqual(['sensitive-word:某某工程']);
    expect(await page.locator(`[data-testid=lexicon-table] tr[data-lexicon="${mine!.id}"] [data-testid=entry-count]`).innerText()).toBe('3');

    // Switched off: the checker stops flagging its words; on again: it flags them again.
    await row(page, '本县敏感事项').getByRole('button', { name: '停用：本县敏感事项' }).click();
    await page.getByTestId('lexicon-notice').getByText('已停用词库“本县敏感事项”').waitFor();
    expect((await lexicon(mine!.id)).disabled).toBe(true);
    expect(await flags('某某工程已开工')).toEqual([]);
    await row(page, '本县敏感事项').getByRole('button', { name: '启用：本县敏感事项' }).click();
    await page.getByTestId('lexicon-notice').getByText('已启用词库“本县敏感事项”').waitFor();
    expect(await flags('某某工程已开工')).toEqual(['sensitive-word:某某工程']);

    // Deleted (an admin's own list has no shipped version to go back to).
    await row(page, '本县敏感事项').getByRole('button', { name: '删除词库：本县敏感事项' }).click();
    await row(page, '本县敏感事项').getByRole('button', { name: '确认删除词库' }).click();
    await page.getByTestId('lexicon-notice').getByText('已删除词库“本县敏感事项”').waitFor();
    expect((await admin.get(`/compliance/lexicons/${mine!.id}`)).status).toBe(404);
    expect(await flags('某某工程已开工')).toEqual([]);
    const trail = (await sys.ds.query(`SELECT action FROM audit_logs WHERE entity_id = $1 ORDER BY id`, [mine!.id])).map((r: { action: string }) => r.action);
    expect(trail).toEqual(['lexicon.update', 'lexicon.entries', 'lexicon.update', 'lexicon.update', 'lexicon.revert']);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('a reviewer reads the lists through the API but is offered no lexicon page', async () => {
    const { ctx, page } = await newPage(browser);
    await signIn(page, sys.url, 'reviewer', TEST_PASSWORD);
    await page.goto(`${sys.url}/admin?tab=lexicons`);
    await page.getByTestId('forbidden').waitFor();
    await ctx.close();
    const reviewer = await sys.login('reviewer');
    expect((await reviewer.get('/compliance/lexicons')).status).toBe(200);
    expect((await reviewer.patch('/compliance/lexicons/common-typos/entries', { upsert: [{ wrong: '部暑', right: '部署' }] })).status).toBe(403);
  });
});
