import * as fs from 'fs';
import type { Browser, Page } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from '../console/browser';
import { latinWords } from '../console/latin-words';
import { peopleWorkbook } from './people-import-helpers';

/**
 * Issue 18.2 in the console: 系统管理 → 批量导入 (template, check with every problem in a table, import,
 * the set-password links and their list), then the 设置密码 page reached by a link and a first sign-in.
 * Every page read in Chinese (the console walk's rule).
 */
const run = chromiumAvailable() ? describe : describe.skip;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

run('people import in the console', () => {
  let sys: TestSystem;
  let browser: Browser;
  let downloadsDir = '';
  const identifiers = ['admin', 'sfx', 'sfx-fgj', 'web-d1', 'web-u1', 'web-u2', 'web-x', 'nowhere'];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('people-console', { worker: false });
    ({ browser, downloadsDir } = await launch());
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
    if (downloadsDir) fs.rmSync(downloadsDir, { recursive: true, force: true });
  });

  const chinese = async (page: Page) => expect(latinWords(await page.evaluate(() => document.body.innerText), identifiers)).toEqual([]);

  it('checks a file, lists every problem, imports, hands out links; a link sets the password once and the user signs in', async () => {
    const s = await newPage(browser);
    const page = s.page;
    await signIn(page, sys.url, 'admin', TEST_PASSWORD);
    await page.goto(`${sys.url}/admin?tab=import`);
    await page.getByTestId('people-import').waitFor();
    await chinese(page);
    const template = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载导入模板' }).click();
    expect((await template).suggestedFilename()).toBe('机构和用户导入模板.xlsx');

    // a file with three problems: each in the table with its sheet, row and column; nothing written
    const [{ n: usersBefore }] = await sys.ds.query(`SELECT count(*)::int AS n FROM users`);
    const bad = await peopleWorkbook({
      orgs: [['web-d1', '网页导入局', 'nowhere', '部门']],
      users: [
        ['web-u1', '网页用户一', 'web-d1', '编辑'],
        ['web-u2', '', 'sfx-fgj', '信息员'],
      ],
    });
    await page.locator('#people-file').setInputFiles({ name: '错误.xlsx', mimeType: XLSX, buffer: bad });
    await page.getByTestId('people-check').click();
    const rows = page.getByTestId('people-problems').locator('tbody tr');
    await rows.first().waitFor();
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(cells.map((c) => c.slice(0, 3))).toEqual([
      ['机构', '2', '第 3 列'],
      ['用户', '2', '第 4 列'],
      ['用户', '3', '第 2 列'],
    ]);
    expect(cells[1][3]).toContain('未知的角色：编辑');
    await expect(page.getByTestId('people-run').isDisabled()).resolves.toBe(true);
    await chinese(page);
    await shot(page, 'people-import-problems');
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM users`))[0].n).toBe(usersBefore);

    // a good file: checked, then imported, then the links
    const good = await peopleWorkbook({
      orgs: [['web-d1', '网页导入局', 'sfx', '部门']],
      users: [
        ['web-u1', '网页用户一', 'web-d1', '信息员、审核人'],
        ['web-u2', '网页用户二', 'sfx-fgj', '统计员'],
      ],
    });
    await page.locator('#people-file').setInputFiles({ name: '机构和用户.xlsx', mimeType: XLSX, buffer: good });
    await page.getByTestId('people-check').click();
    await page.getByTestId('people-checked').waitFor();
    expect(await page.getByTestId('people-checked').innerText()).toContain('将新建 1 个机构、2 个用户');
    await page.getByTestId('people-run').click();
    await page.getByTestId('people-links').waitFor();
    await chinese(page);
    await shot(page, 'people-import-links');
    const link = await page.getByTestId('people-links').locator('tbody tr').first().locator('input').inputValue();
    expect(link).toMatch(new RegExp(`^${sys.url}/set-password#token=[A-Za-z0-9_-]{43}$`));
    const list = page.waitForEvent('download');
    await page.getByRole('button', { name: '下载链接清单' }).click();
    const listFile = await (await list).path();
    const csv = fs.readFileSync(listFile!, 'utf8');
    expect(csv).toContain('设置密码链接');
    expect(csv).toContain(link);
    // a new link for a user whose link was lost: the old one stops working
    const second = await page.getByTestId('people-links').locator('tbody tr').nth(1).locator('input').inputValue();
    await page.locator('#reissue-username').fill('web-u2');
    await page.getByRole('button', { name: '生成新链接' }).click();
    const reissued = await page.getByTestId('people-reissue').locator('input[readonly]').inputValue();
    expect(reissued).toMatch(new RegExp(`^${sys.url}/set-password#token=`));
    expect(reissued).not.toBe(second);
    expect((await sys.http.post('/auth/set-password', { token: second.split('#token=')[1], password: 'Other-Pass-2024!' })).status).toBe(400);
    await chinese(page);
    await s.ctx.close();

    // the user opens the link: a weak password is refused in Chinese, a good one is set, then sign-in works
    const u = await newPage(browser);
    await u.page.goto(link);
    await u.page.getByRole('heading', { name: '设置密码' }).waitFor();
    expect(new URL(u.page.url()).hash).toBe('');
    await chinese(u.page);
    await u.page.locator('#new-password').fill('password123');
    await u.page.locator('#again-password').fill('password123');
    await u.page.getByRole('button', { name: '设置密码' }).click();
    await u.page.getByTestId('error-banner').waitFor();
    expect(await u.page.getByTestId('error-banner').innerText()).toContain('密码不符合要求');
    await chinese(u.page);
    await u.page.locator('#new-password').fill('Wang-Ye-2024!');
    await u.page.locator('#again-password').fill('Wang-Ye-2024!');
    await u.page.getByRole('button', { name: '设置密码' }).click();
    await u.page.getByTestId('set-password-done').waitFor();
    await chinese(u.page);
    await shot(u.page, 'people-set-password-done');
    await u.page.getByRole('link', { name: '前往登录' }).click();
    await u.page.locator('#username').fill('web-u1');
    await u.page.locator('#password').fill('Wang-Ye-2024!');
    await u.page.getByRole('button', { name: '登录' }).click();
    await u.page.getByTestId('current-user').waitFor();
    expect(u.errors).toEqual([]);
    await u.ctx.close();
    // the same link again: refused
    const again = await sys.http.post('/auth/set-password', { token: link.split('#token=')[1], password: 'Other-Pass-2024!' });
    expect(again.status).toBe(400);
  }, 180_000);
});
