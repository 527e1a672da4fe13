import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from '../console/browser';
import { latinWords } from '../console/latin-words';

/**
 * Issue 16.3 in the console: the statistics page's 月度自查表 card downloads the XLSX of the month chosen
 * for the organisation and subtree chosen above it, in Chinese only.
 */
const run = chromiumAvailable() ? describe : describe.skip;

run('the 月度自查表 button of the statistics page', () => {
  let sys: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('self-check-console', { worker: false });
    ({ browser } = await launch());
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('downloads the self-check of the chosen month', async () => {
    const { ctx, page, errors } = await newPage(browser);
    try {
      await signIn(page, sys.url, 'statistician', TEST_PASSWORD);
      await page.goto(`${sys.url}/stats`);
      const card = page.locator('section[aria-labelledby="h-self-check"]');
      await card.getByTestId('export-self-check').waitFor();
      expect(latinWords(await card.innerText())).toEqual([]);
      await card.getByTestId('self-check-month').selectOption('2025-01');
      const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('export-self-check').click()]);
      expect(download.suggestedFilename()).toMatch(/^自查表-sfx-2025-01\.xlsx$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile((await download.path())!);
      const ws = wb.getWorksheet('自查表')!;
      expect([ws.getCell('A1').value, ws.getCell('A2').value, ws.getCell('A4').value]).toEqual([
        '政府网站与政务新媒体月度自查表',
        '（2025年1月）',
        '填报单位（盖章）：示范县人民政府（含下级单位）',
      ]);
      await card.getByRole('status').waitFor();
      expect(await card.getByRole('status').innerText()).toContain('已下载 自查表-sfx-2025-01.xlsx');
      await shot(page, 'statistician-self-check');
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 240_000);
});
