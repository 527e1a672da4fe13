import type { AxiosInstance } from 'axios';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { publishItem, waitSettled } from '@app/test/engine/engine-helpers';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from './browser';
import { pdfPageSizes, strayPrintedContent } from './stats-print-helpers';

/**
 * Issue 15 point 10, the statistics page in a real browser against the whole system: a drill-down open
 * while the template changes asks for nothing that does not exist; no heading is printed twice; the
 * template's name has one pair of brackets; the gov-2021 table has the header groups of the XLSX the
 * server exports; the chart's accessible label reads the figures; channel types carry their adapters'
 * labels; 复制上年手工填报数 fills only this year's empty cells (entries, log and audit checked in the
 * database) and is refused on a frozen year; 打印 prints only the official table and its header, on A4.
 */
const run = chromiumAvailable() ? describe : describe.skip;
const YEAR = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
const MONTH = new Date(Date.now() + 8 * 3600_000).getUTCMonth() + 1;

run('the statistics page', () => {
  let sys: TestSystem;
  let browser: Browser;
  let stat: AxiosInstance;
  let org = '';
  let portalType = '';
  const open: BrowserContext[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('stats-page');
    ({ browser } = await launch());
    stat = await sys.login('statistician');
    org = sys.seed.orgs['sfx'];
    const accountKey = Object.keys(sys.seed.accounts).find((k) => k.startsWith('portal:'))!;
    portalType = accountKey.split(':')[0];
    const itemId = await publishItem(sys, [sys.seed.accounts[accountKey]]);
    const settled = await waitSettled(sys, itemId);
    expect(settled.map((d) => d.state)).toEqual(['published']);
  }, 180_000);

  afterEach(async () => {
    for (const c of open.splice(0)) await c.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  /** The statistician on the statistics page; every API answer of 400 and above once signed in is recorded in `failed`. */
  async function statsPage(): Promise<{ page: Page; errors: string[]; failed: string[]; asked: string[] }> {
    const { ctx, page, errors } = await newPage(browser);
    open.push(ctx);
    const failed: string[] = [];
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/stats/')) asked.push(new URL(r.url()).pathname);
    });
    await signIn(page, sys.url, 'statistician', TEST_PASSWORD);
    // (the sign-in page's own 401s, before signing in, are expected)
    page.on('response', (r) => {
      if (r.url().includes('/api/') && r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${sys.url}/stats`);
    await page.locator('[data-drill="1-1"]').waitFor();
    return { page, errors, failed, asked };
  }

  /** Heading and caption texts of the page that occur more than once. */
  async function repeatedHeadings(page: Page): Promise<string[]> {
    const texts = await page.locator('main :is(h1, h2, h3, h4, caption)').allInnerTexts();
    const seen = new Map<string, number>();
    for (const t of texts.map((x) => x.trim()).filter(Boolean)) seen.set(t, (seen.get(t) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([t]) => t);
  }

  it('switching template with a drill-down open asks for no missing cell; headings once; the gov-2021 header as in the XLSX', async () => {
    const { page, errors, failed, asked } = await statsPage();
    expect(await repeatedHeadings(page)).toEqual([]);
    await page.locator('[data-drill="1-1"]').click();
    await page.getByTestId('drill-total').waitFor();
    expect(await page.getByTestId('drill-total').innerText()).toContain('共 1 条');

    await page.locator('#s-tpl').selectOption('gov-2021');
    const group = page.getByRole('columnheader', { name: '法人或其他组织', exact: true });
    await group.waitFor();
    expect(await page.getByTestId('drill-panel').count()).toBe(0);
    expect(asked.filter((p) => p.includes('/reports/gov-2021/cells/'))).toEqual([]);
    expect(failed).toEqual([]);

    // one pair of brackets around the subtitle, in the template list and in the report's heading
    const name = '政府信息公开工作年度报告统计表（国办公开办函〔2021〕30号格式）';
    expect(await page.locator('#s-tpl option[value="gov-2021"]').innerText()).toBe(name);
    expect(await page.locator('#h-report').innerText()).toContain(name);
    expect(await page.content()).not.toMatch(/（（|））/);
    // tables without a section title are named by their table heading, which is printed once
    expect(await repeatedHeadings(page)).toEqual([]);
    expect(await page.getByRole('table', { name: '三、收到和处理政府信息公开申请情况', exact: true }).count()).toBe(1);

    // the header groups span what the server's XLSX merges
    const xlsx = await stat.get(`/stats/reports/gov-2021`, { params: { org, year: YEAR, format: 'xlsx' }, responseType: 'arraybuffer' });
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.data);
    const span = (text: string) => {
      let n = 0;
      wb.worksheets[0].eachRow((row) =>
        row.eachCell((c) => {
          if (c.master.value === text && Number(c.master.row) === row.number) n++;
        }),
      );
      return n;
    };
    for (const text of ['申请人情况', '法人或其他组织', '行政复议', '行政诉讼', '未经复议直接起诉']) {
      const th = page.getByRole('columnheader', { name: text, exact: true });
      expect([text, await th.getAttribute('colspan')]).toEqual([text, String(span(text))]);
    }
    expect(span('法人或其他组织')).toBe(5);
    expect(await page.getByRole('columnheader', { name: '自然人', exact: true }).getAttribute('rowspan')).toBe('2');
    await shot(page, 'statistician-stats-gov2021');
    expect(errors).toEqual([]);
  }, 240_000);

  it("the chart's accessible label reads the figures; channel types carry their adapters' labels", async () => {
    const { page, errors, failed } = await statsPage();
    const label = sys.api.get(ChannelRegistry).get(portalType).capabilities.label;
    const counts = (await stat.get('/stats/channel-counts', { params: { org, year: YEAR } })).data;
    expect(counts.byChannelType).toEqual([{ channelType: portalType, label, items: 1 }]);
    expect(await page.locator(`[data-testid=counts-by-channel] tr[data-channel="${portalType}"] th`).innerText()).toBe(label);

    const months = await Promise.all(Array.from({ length: 12 }, (_, i) => stat.get('/stats/channel-counts', { params: { org, year: YEAR, month: i + 1 } })));
    const figures = (pick: (d: { total: number; byChannelType: { channelType: string; items: number }[] }) => number) =>
      months.map((m, i) => `${i + 1}月${pick(m.data)}条`).join('，');
    const chart = page.getByTestId('monthly-chart');
    await chart.locator('canvas').waitFor();
    const aria = await chart.getAttribute('aria-label');
    expect(aria).toContain(`合计（去重）：${figures((d) => d.total)}`);
    expect(aria).toContain(`${label}：${figures((d) => d.byChannelType.find((c) => c.channelType === portalType)?.items ?? 0)}`);
    expect(aria).toContain(`${MONTH}月1条`);
    expect(await chart.getByRole('img').count()).toBe(0); // the canvas is hidden from assistive technology
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('复制上年手工填报数 fills only empty cells, logged and audited; refused once the year is frozen', async () => {
    const put = async (year: number, entries: Record<string, number>) =>
      expect((await stat.put('/stats/reports/gov-2014/manual', { org, year, entries })).status).toBe(200);
    await put(YEAR - 1, { '2-2-1': 4, '3-1': 9, '8-4': 12.5 });
    await put(YEAR, { '3-1': 5 });
    const entries = async () =>
      Object.fromEntries(
        (
          await sys.ds.query(
            `SELECT cell_id, value::float AS v FROM stats_manual_entries WHERE organisation_id = $1 AND template_id = 'gov-2014' AND year = $2`,
            [org, YEAR],
          )
        ).map((r: { cell_id: string; v: number }) => [r.cell_id, r.v]),
      );
    const audits = () => sys.ds.query(`SELECT actor_id, organisation_id, details FROM audit_logs WHERE action = 'stats.manual_copy' ORDER BY id`);

    const { page, errors, failed } = await statsPage();
    const copy = page.getByRole('button', { name: '复制上年手工填报数' });
    await copy.click();
    await page.getByText(`已从${YEAR - 1}年复制 2 项手工填报数，1 项本年已填报，未覆盖`).waitFor();
    expect(await page.locator('[data-cell="2-2-1"]').innerText()).toBe('4');
    expect(await page.locator('[data-cell="8-4"]').innerText()).toBe('12.5');
    expect(await page.locator('[data-cell="3-1"]').innerText()).toBe('5');
    expect(await entries()).toEqual({ '2-2-1': 4, '3-1': 5, '8-4': 12.5 });
    const log = await sys.ds.query(
      `SELECT cell_id, old_value, new_value::float AS v, entered_by FROM stats_manual_entry_log WHERE organisation_id = $1 AND year = $2 AND old_value IS NULL AND cell_id <> '3-1' ORDER BY cell_id`,
      [org, YEAR],
    );
    expect(log).toEqual([
      { cell_id: '2-2-1', old_value: null, v: 4, entered_by: sys.seed.users['statistician'] },
      { cell_id: '8-4', old_value: null, v: 12.5, entered_by: sys.seed.users['statistician'] },
    ]);
    expect(await audits()).toEqual([
      {
        actor_id: sys.seed.users['statistician'],
        organisation_id: org,
        details: expect.objectContaining({ template: 'gov-2014', year: YEAR, fromYear: YEAR - 1, copied: 2, kept: 1 }),
      },
    ]);

    // again: nothing left to copy, nothing written, no second audit row
    await copy.click();
    await page.getByText(`已从${YEAR - 1}年复制 0 项手工填报数，3 项本年已填报，未覆盖`).waitFor();
    expect(await audits()).toHaveLength(1);

    // signed off: the button is gone and the API refuses, changing nothing
    const signoff = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: `${YEAR}-12-20` };
    expect((await stat.post('/stats/reports/gov-2014/freeze', { org, year: YEAR, signoff })).status).toBe(201);
    await page.reload();
    await page.getByText(/本报表已于 .* 封存/).waitFor();
    expect(await copy.count()).toBe(0);
    const refused = await stat.post('/stats/reports/gov-2014/manual/copy-previous-year', { org, year: YEAR });
    expect([refused.status, refused.data.code]).toEqual([409, 'REPORT_FROZEN']);
    expect(await entries()).toEqual({ '2-2-1': 4, '3-1': 5, '8-4': 12.5 });
    expect(await audits()).toHaveLength(1);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('打印 prints the official table and its header only, on A4 (landscape for the wide 2021 table)', async () => {
    const { page, errors } = await statsPage();
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void (window as unknown as { printed: number }).printed++;
    });
    await page.getByRole('button', { name: '打印', exact: true }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    await page.emulateMedia({ media: 'print' });
    expect(await strayPrintedContent(page)).toEqual([]);
    const head = page.getByTestId('print-head');
    expect(await head.isVisible()).toBe(true);
    const report = (await stat.get('/stats/reports/gov-2014', { params: { org, year: YEAR } })).data;
    expect(report.source).toBe('frozen');
    expect((await head.innerText()).replace(/\s+/g, '')).toBe(
      `政府信息公开情况统计表（${YEAR}年度）填报单位（盖章）：${report.organisation.name}（含下级单位）`,
    );
    expect(await page.getByTestId('report-table').isVisible()).toBe(true);
    expect(await page.locator('[data-cell="1-1"]').innerText()).toBe(String(report.values['1-1']));
    expect(await page.getByTestId('print-signoff').innerText()).toContain('单位负责人：杨庸庸');
    for (const hidden of [page.getByRole('navigation'), page.locator('#s-tpl'), page.getByTestId('stats-total'), page.getByTestId('export-xlsx')])
      expect(await hidden.isVisible()).toBe(false);
    await shot(page, 'statistician-stats-print');
    expect(await pdfPageSizes(page)).toEqual(['A4 portrait']);

    await page.emulateMedia({ media: 'screen' });
    await page.locator('#s-tpl').selectOption('gov-2021');
    await page.getByRole('columnheader', { name: '法人或其他组织', exact: true }).waitFor();
    await page.emulateMedia({ media: 'print' });
    expect(await strayPrintedContent(page)).toEqual([]);
    expect(await pdfPageSizes(page)).toEqual(['A4 landscape']);
    expect(errors).toEqual([]);
  }, 240_000);
});
