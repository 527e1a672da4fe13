import { computeInspection } from './compute-inspection';
import { addMonths, breachDay, classifyColumn } from './inspection-rules';
import type { ColumnInput } from './inspection.types';

const col = (column: string, lastPublished: string | null, extra: Partial<ColumnInput> = {}): ColumnInput => ({
  key: `site|${column}`,
  organisationId: 'org',
  accountId: 'site',
  accountName: '示范网站',
  column,
  lastPublished,
  scheduled: [],
  since: '2026-01-01',
  ...extra,
});

describe('inspection rules (国办秘函〔2019〕19号)', () => {
  it('classifies columns by name, settings first', () => {
    expect(classifyColumn('首页')).toBe('home');
    expect(classifyColumn('政务动态')).toBe('news');
    expect(classifyColumn('本地要闻')).toBe('news');
    expect(classifyColumn('通知公告')).toBe('notice');
    expect(classifyColumn('政策文件')).toBe('notice');
    expect(classifyColumn('政策解读')).toBe('other');
    expect(classifyColumn('专题专栏')).toBe('other');
    expect(classifyColumn('专题专栏', { 专题专栏: 'news' })).toBe('news');
  });

  it('counts six months in calendar months, clamped to the month end', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-03-31', 6)).toBe('2026-09-30');
    expect(breachDay('2026-03-29', { months: 6 })).toBe('2026-09-30');
    expect(breachDay('2026-09-18', { days: 14 })).toBe('2026-10-03');
  });

  it('a two-week column updated on D is fine on D+14 and in breach on D+15', () => {
    const on14 = computeInspection({ today: '2026-11-16', columns: [col('政务动态', '2026-11-02')], accounts: [], policies: [], backdated: [] });
    expect(on14.columns[0]).toMatchObject({ status: 'ok', breachDate: '2026-11-17', daysLeft: 1, forecast: '政务动态栏目将于 11月17日 超期' });
    const on15 = computeInspection({ today: '2026-11-17', columns: [col('政务动态', '2026-11-02')], accounts: [], policies: [], backdated: [] });
    expect(on15.columns[0]).toMatchObject({ status: 'stale', forecast: '政务动态栏目已于 11月17日 超期' });
  });

  it('vetoes: 5 stale ruled columns, 5 blank columns, a stale home page; 4 of each pass', () => {
    const stale = (n: number) => Array.from({ length: n }, (_, i) => col(`动态${i}`, '2026-01-01'));
    const blank = (n: number) => Array.from({ length: n }, (_, i) => col(`专栏${i}`, null, { configured: true }));
    const home = col('首页', '2026-11-10', { rule: 'home' });
    const run = (columns: ColumnInput[]) => computeInspection({ today: '2026-11-20', columns, accounts: [], policies: [], backdated: [] });
    expect(run([home, ...stale(4), ...blank(4)]).vetoes).toEqual([]);
    expect(run([home, ...stale(4), ...blank(4)]).verdict).toBe('pass');
    expect(run([home, ...stale(5)]).vetoes.map((v) => v.code)).toEqual(['ruled-columns-stale']);
    expect(run([home, ...blank(5)]).vetoes.map((v) => v.code)).toEqual(['blank-columns']);
    // 5 stale + 5 blank = 10 "应更新但长期未更新" columns as well
    expect(run([home, ...stale(5), ...blank(5)]).vetoes.map((v) => v.code)).toEqual(['ruled-columns-stale', 'columns-stale', 'blank-columns']);
    expect(run([col('首页', '2026-11-05', { rule: 'home' })]).vetoes.map((v) => v.code)).toEqual(['home-stale']);
    expect(
      run([home, ...blank(2)])
        .columns.filter((c) => c.status === 'blank')
        .map((c) => c.message),
    ).toEqual(['网站“示范网站”专栏0栏目开设以来未发布任何信息（空白栏目）。', '网站“示范网站”专栏1栏目开设以来未发布任何信息（空白栏目）。']);
  });

  it('a backdated 发布日期 is a veto', () => {
    const r = computeInspection({
      today: '2026-11-20',
      columns: [],
      accounts: [],
      policies: [],
      backdated: [{ itemId: 'i', organisationId: 'org', title: '通知', publishDate: '2026-11-01', firstPublishedAt: '2026-11-02T02:00:00Z' }],
    });
    expect(r.verdict).toBe('fail');
    expect(r.vetoes[0]).toMatchObject({ code: 'backdated', keys: ['i'] });
    expect(r.backdated[0].message).toBe('《通知》的发布日期2026-11-01早于首次确认发布日期2026-11-02，属伪造发稿日期（单项否决）。');
  });

  it('a setting may shorten a new-media account’s two weeks, never lengthen them', () => {
    const acc = (maxIdleDays: number) => ({
      key: `wx${maxIdleDays}`,
      organisationId: 'org',
      accountId: `wx${maxIdleDays}`,
      accountName: '示范县发布',
      channelType: 'wechat',
      lastPublished: '2026-11-02',
      scheduled: [],
      since: '2026-01-01',
      maxIdleDays,
    });
    const r = computeInspection({ today: '2026-11-17', columns: [], accounts: [acc(30), acc(7)], policies: [], backdated: [] });
    // 30 days asked for: the national 14 still applies (updated 11-02, stale from 11-17)
    expect(r.accounts.find((a) => a.key === 'wx30')).toMatchObject({ status: 'stale', breachDate: '2026-11-17' });
    // 7 days: stricter, honoured
    expect(r.accounts.find((a) => a.key === 'wx7')).toMatchObject({ status: 'stale', breachDate: '2026-11-10' });
  });
});
