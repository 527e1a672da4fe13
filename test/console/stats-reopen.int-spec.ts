import type { AxiosInstance } from 'axios';
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';

/**
 * 重新打开（退回重填） on the statistics page, in a real browser against the whole system: a frozen report
 * offers the button; the reason is required and confirmed; a dismissed confirmation writes nothing; once
 * reopened the report is editable, the earlier freeze is listed in 封存历史 with who and why, and the
 * report can be signed off again from the page.
 */
const run = chromiumAvailable() ? describe : describe.skip;
const YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
const REASON = '市政务公开办退回：依申请公开数据有误';

run('the statistics page: reopening a frozen report', () => {
  let sys: TestSystem;
  let browser: Browser;
  let stat: AxiosInstance;
  let org = '';
  const open: BrowserContext[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('stats-reopen');
    ({ browser } = await launch());
    stat = await sys.login('statistician');
    org = sys.seed.orgs['sfx'];
  }, 180_000);

  afterAll(async () => {
    for (const c of open.splice(0)) await c.close().catch(() => undefined);
    await browser?.close();
    await sys?.close();
  });

  const frozenRows = () => sys.ds.query(`SELECT id, reopened_by, reopen_reason FROM stats_frozen_reports WHERE organisation_id = $1 ORDER BY frozen_at`, [org]);

  it('reopens with a confirmed reason, lists the freeze in the history, and freezes again', async () => {
    const signoff = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: `${YEAR}-12-20` };
    const frozen = await stat.post('/stats/reports/gov-2014/freeze', { org, year: YEAR, signoff });
    expect(frozen.status).toBe(201);

    const { ctx, page, errors } = await newPage(browser);
    open.push(ctx);
    await signIn(page, sys.url, 'statistician', TEST_PASSWORD);
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/') && r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${sys.url}/stats`);
    await page.getByText(/本报表已于 .* 封存/).waitFor();
    expect(await page.getByTestId('freeze-history').count()).toBe(0);

    await page.getByTestId('reopen-open').click();
    const confirm = page.getByTestId('reopen-confirm');
    await page.locator('#reopen-reason').fill('改');
    expect(await confirm.isDisabled()).toBe(true); // fewer than 2 characters

    // Dismissing the confirmation writes nothing.
    await page.locator('#reopen-reason').fill(REASON);
    const asked: string[] = [];
    page.once('dialog', (d) => (asked.push(d.message()), void d.dismiss()));
    await confirm.click();
    expect(asked).toEqual([expect.stringContaining('重新打开后')]);
    expect((await frozenRows()).map((r: { reopen_reason: string | null }) => r.reopen_reason)).toEqual([null]);

    page.once('dialog', (d) => void d.accept());
    await confirm.click();
    await page.getByText('已重新打开，原封存已转为历史记录；可修改手工填报数后重新封存，再生成新的报送包').waitFor();
    await page.getByRole('heading', { name: '封存年度报表' }).waitFor();
    expect(await page.getByRole('button', { name: '填报手工数据' }).count()).toBe(1);
    const history = page.getByTestId('freeze-history');
    await history.waitFor();
    expect(await history.innerText()).toContain(`原因：${REASON}`);
    expect(await page.getByText('本报表已重新打开（退回重填），尚未重新封存').count()).toBe(1);
    expect(await frozenRows()).toEqual([{ id: frozen.data.frozen.id, reopened_by: sys.seed.users['statistician'], reopen_reason: REASON }]);
    const audit = await sys.ds.query(`SELECT actor_id, details->>'reason' AS reason FROM audit_logs WHERE action = 'stats.report_reopen'`);
    expect(audit).toEqual([{ actor_id: sys.seed.users['statistician'], reason: REASON }]);
    await shot(page, 'statistician-stats-reopened');

    // Signed off again from the page: frozen, the earlier freeze still in the history.
    for (const [id, v] of [
      ['so-unitHead', '杨庸庸'],
      ['so-reviewer', '覃志刚'],
      ['so-phone', '0744-8596033'],
    ])
      await page.locator(`#${id}`).fill(v);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '封存', exact: true }).click();
    await page.getByText(/本报表已于 .* 封存/).waitFor();
    await page.getByTestId('reopen-open').waitFor();
    await page.getByText('本报表已重新打开（退回重填），尚未重新封存').waitFor({ state: 'detached' });
    expect(await history.innerText()).toContain(`原因：${REASON}`);
    const rows = await frozenRows();
    expect(rows.map((r: { reopen_reason: string | null }) => r.reopen_reason)).toEqual([REASON, null]);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);
});
