import type { Browser } from 'playwright-core';
import { fromDayNumber, shanghaiDate, toDayNumber } from '@app/compliance/deadlines/calendar-date';
import { startTestSystem, TEST_PASSWORD, TestSystem } from '@app/test/utils/test-system';
import { chromiumAvailable, ensureConsoleBuilt, launch, newPage, shot, signIn } from '../console/browser';
import { latinWords } from '../console/latin-words';
import { pageReady } from '../console/walk-helpers';
import { LedgerFixture } from './inspection-fixtures';

const run = chromiumAvailable() ? describe : describe.skip;

/**
 * The 检查指标 page (apps/console/src/pages/inspection): the editor opens it from the navigation and reads the
 * forecast of the department's columns in Chinese ("教育动态栏目将于 M月D日 超期"), the blank column and the
 * stale notices. Dates are relative to today (the page asks for today): the news column was last updated 4
 * days ago, so it breaches in 11 days.
 */
run('inspection console page', () => {
  let sys: TestSystem;
  let browser: Browser;
  let jyj: string;
  const today = shanghaiDate(new Date());
  const day = (n: number) => fromDayNumber(toDayNumber(today) + n);
  const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

  beforeAll(async () => {
    ensureConsoleBuilt();
    sys = await startTestSystem('inspection-console', { worker: false });
    ({ browser } = await launch());
    jyj = sys.seed.orgs['sfx-jyj'];
    const fx = new LedgerFixture(sys.ds, sys.seed.users['editor']);
    await sys.ds.query(`UPDATE organisations SET settings = settings || $2::jsonb WHERE id = $1`, [
      jyj,
      JSON.stringify({ portalColumns: ['教育动态', '通知公告', '专题专栏'] }),
    ]);
    const site = await fx.account(jyj, 'portal', '示范县教育局网站', `${day(-400)}T09:00:00+08:00`);
    const news = await fx.item(jyj, '全县教育系统安全工作会议召开', { category: '教育动态' });
    await fx.publish(news, site, `${day(-4)}T10:00:00+08:00`);
    const notice = await fx.item(jyj, '关于做好寒假安全工作的通知', { category: '通知公告' });
    await fx.publish(notice, site, `${day(-300)}T10:00:00+08:00`);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await sys?.close();
  });

  it('shows the editor the forecast, the blank column and the verdict, in Chinese', async () => {
    const { ctx, page, errors } = await newPage(browser);
    await signIn(page, sys.url, 'editor', TEST_PASSWORD);
    await page.getByRole('link', { name: '检查指标' }).click();
    await page.getByLabel('机构').selectOption(jyj);
    const table = page.getByTestId('inspection-forecast');
    await table.waitFor();
    await pageReady(page);
    const news = table.locator('tr', { hasText: '教育动态' });
    await expectText(news, `教育动态栏目将于 ${md(day(11))} 超期`);
    await expectText(news, '11天');
    await expectText(table.locator('tr', { hasText: '专题专栏' }), '空白栏目');
    await expectText(table.locator('tr', { hasText: '通知公告' }), '已超期');
    // 1 stale ruled column, 1 blank: under the thresholds, no veto
    await expectText(page.getByTestId('inspection-verdict'), '未发现单项否决问题');
    const text = await page.locator('main').innerText();
    expect(latinWords(text)).toEqual([]);
    await shot(page, 'editor-inspection');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

async function expectText(loc: import('playwright-core').Locator, text: string) {
  await loc.first().waitFor();
  expect(await loc.first().innerText()).toContain(text);
}
