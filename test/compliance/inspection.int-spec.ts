import type { AxiosInstance } from 'axios';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import type { TargetResult } from '@app/compliance/inspection/inspection.types';
import { LedgerFixture } from './inspection-fixtures';

/**
 * Issue 16 points 7 and 8: the national inspection indicators (国办秘函〔2019〕19号) and the forecast breach
 * dates, from ledger rows on fixed days around the 2026 中秋/国庆 holidays (config/calendar/2026.json:
 * 中秋 9/25–9/27, 国庆 10/1–10/7, 调休 working days Sunday 9/20 and Saturday 10/10). Monitoring point: Wednesday
 * 2026-09-30, the last working day before 国庆. Every expectation below is counted by hand:
 *
 * 示范县教育局网站 (portal, sfx-jyj), configured columns 教育动态 工作动态 图片新闻 通知公告 政策文件 专题专栏 (+ 政策解读 from the ledger):
 *   教育动态  news    last 9/18            → compliant to 10/2, breach 10/3 (calendar days: the holiday does not stop the clock);
 *                      3 days left, 1 working day (9/30); steps day 10/12/14 = 9/28, 9/30, 10/2 → 10/2 is 国庆, moved back to 9/30:
 *                      today the escalation to the lead is due (step 3).
 *   工作动态  news    last 9/18, scheduled 10/2 10:00 and 10/20 → 10/2 ≤ 10/2 keeps it alive (anchor 10/2), 10/20 > 10/16 does not:
 *                      breach 10/17 (10/3 without the schedule); steps 10/12, 10/14, 10/16; none due.
 *   图片新闻  news    last 9/29            → breach 10/14; steps 10/9, 10/11 (Sunday → Saturday 10/10, a 调休 working day), 10/13.
 *   首页      home    last = newest of all, 9/29, and every scheduled publication of the site: 10/2 keeps it alive → breach 10/17;
 *                      9 working days left (9/30, 10/8, 10/9, 10/10 调休, 10/12–10/16).
 *   通知公告  notice  last 3/31 → + 6 months = 9/30 still compliant, breach 10/1; steps 9/26 (中秋 → 9/24), 9/28, 9/30 → step 3 due.
 *   政策文件  notice  last 3/29 → compliant to 9/29, breach 9/30: stale today.
 *   专题专栏  other   configured, nothing ever published: 空白栏目.
 *   政策解读  other   no rule of its own (not configured): ok, no forecast.
 * 示范县教育局（政务微信）, last 9/22 → breach 10/7; steps 10/2, 10/4, 10/6 all in 国庆 → all moved back to 9/30.
 * Vetoes: none from the site (1 stale ruled column < 5, 2 stale-or-blank < 10, 1 blank < 5), none from the account.
 * 政策解读: policies 政策甲 (3/29, interpreted on the same portal: linked both ways), 政策乙 (3/31 on the portal, its
 * interpretation only on WeChat: not linked both ways), 政策丙 (9/22 WeChat, no interpretation) → 2 of 3 covered.
 */
describe('inspection indicators and forecasts', () => {
  let sys: TestSystem;
  let fx: LedgerFixture;
  let editor: AxiosInstance;
  let statistician: AxiosInstance;
  let jyj: string;
  let site: string;
  let wechat: string;
  const T = '2026-09-30';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    sys = await startTestSystem('inspection', { worker: false });
    editor = await sys.login('editor');
    statistician = await sys.login('statistician');
    jyj = sys.seed.orgs['sfx-jyj'];
    fx = new LedgerFixture(sys.ds, sys.seed.users['editor']);
    await sys.ds.query(`UPDATE organisations SET settings = settings || $2::jsonb WHERE id = $1`, [
      jyj,
      JSON.stringify({ portalColumns: ['教育动态', '工作动态', '图片新闻', '通知公告', '政策文件', '专题专栏'] }),
    ]);
    site = await fx.account(jyj, 'portal', '示范县教育局网站', '2026-01-05T09:00:00+08:00');
    wechat = await fx.account(jyj, 'wechat', '示范县教育局（政务微信）', '2026-01-05T09:00:00+08:00');
    const put = async (key: string, title: string, category: string, at: string, account = site, o: { kind?: string; policyItemId?: string } = {}) => {
      ids[key] = await fx.item(jyj, title, { category, ...o });
      await fx.publish(ids[key], account, at);
    };
    await put('news1', '全县中小学开学工作会议召开', '教育动态', '2026-09-18T10:00:00+08:00');
    await put('work1', '教育局召开第三季度工作推进会', '工作动态', '2026-09-18T16:00:00+08:00');
    await put('pic1', '秋季运动会剪影', '图片新闻', '2026-09-29T09:00:00+08:00');
    await put('policyB', '示范县学前教育资助办法', '通知公告', '2026-03-31T10:00:00+08:00', site, { kind: 'normative' });
    await put('policyA', '示范县中小学课后服务管理办法', '政策文件', '2026-03-29T10:00:00+08:00', site, { kind: 'normative' });
    await put('interpA', '《示范县中小学课后服务管理办法》政策解读', '政策解读', '2026-03-30T10:00:00+08:00', site, {
      kind: 'interpretation',
      policyItemId: ids.policyA,
    });
    await put('interpB', '一图读懂学前教育资助办法', '政策解读', '2026-04-01T10:00:00+08:00', wechat, { kind: 'interpretation', policyItemId: ids.policyB });
    await put('policyC', '示范县校外培训监管若干规定', '政策文件', '2026-09-22T10:00:00+08:00', wechat, { kind: 'normative' });
    ids.work2 = await fx.item(jyj, '国庆假期校园安全提示', { category: '工作动态', status: 'approved' });
    await fx.schedule(ids.work2, site, '2026-10-02T10:00:00+08:00');
    ids.work3 = await fx.item(jyj, '第四季度工作安排', { category: '工作动态', status: 'approved' });
    await fx.schedule(ids.work3, site, '2026-10-20T10:00:00+08:00');
  });
  afterAll(async () => sys?.close());

  const inspection = async (who: AxiosInstance, q: string) => {
    const r = await who.get(`/compliance/inspection?${q}`);
    expect(r.status).toBe(200);
    return r.data;
  };
  const byName = (list: TargetResult[], name: string) => list.find((c) => c.name === name)!;

  it('judges every column and account on the monitoring day, with hand-computed breach dates across 国庆', async () => {
    const r = await inspection(editor, `org=${jyj}&today=${T}`);
    expect(r.asOf).toBe(T);
    expect(r.organisation).toMatchObject({ id: jyj, code: 'sfx-jyj' });
    const cols: TargetResult[] = r.columns.filter((c: TargetResult) => c.accountId === site);
    expect(cols.map((c) => c.name).sort()).toEqual(['专题专栏', '图片新闻', '工作动态', '政策文件', '政策解读', '教育动态', '通知公告', '首页'].sort());
    const step = (n: number, day: number, to: string, sendOn: string) => ({ step: n, day, to, sendOn });
    expect(byName(cols, '教育动态')).toMatchObject({
      rule: 'news',
      status: 'ok',
      lastPublishedDate: '2026-09-18',
      breachDate: '2026-10-03',
      daysLeft: 3,
      workingDaysLeft: 1,
      forecast: '教育动态栏目将于 10月3日 超期',
      steps: [step(1, 10, 'staff', '2026-09-28'), step(2, 12, 'staff', '2026-09-30'), step(3, 14, 'lead', '2026-09-30')],
      reminder: step(3, 14, 'lead', '2026-09-30'),
    });
    expect(byName(cols, '工作动态')).toMatchObject({
      status: 'ok',
      anchorDate: '2026-10-02',
      breachDateUnscheduled: '2026-10-03',
      breachDate: '2026-10-17',
      scheduledCount: 1,
      daysLeft: 17,
      forecast: '工作动态栏目将于 10月17日 超期',
      steps: [step(1, 10, 'staff', '2026-10-12'), step(2, 12, 'staff', '2026-10-14'), step(3, 14, 'lead', '2026-10-16')],
      reminder: null,
    });
    expect(byName(cols, '图片新闻')).toMatchObject({
      breachDate: '2026-10-14',
      steps: [step(1, 10, 'staff', '2026-10-09'), step(2, 12, 'staff', '2026-10-10'), step(3, 14, 'lead', '2026-10-13')],
      reminder: null,
    });
    expect(byName(cols, '首页')).toMatchObject({
      rule: 'home',
      status: 'ok',
      lastPublishedDate: '2026-09-29',
      anchorDate: '2026-10-02',
      breachDate: '2026-10-17',
      workingDaysLeft: 9,
    });
    expect(byName(cols, '通知公告')).toMatchObject({
      rule: 'notice',
      status: 'ok',
      breachDate: '2026-10-01',
      daysLeft: 1,
      steps: [step(1, 10, 'staff', '2026-09-24'), step(2, 12, 'staff', '2026-09-28'), step(3, 14, 'lead', '2026-09-30')],
    });
    expect(byName(cols, '政策文件')).toMatchObject({
      rule: 'notice',
      status: 'stale',
      breachDate: '2026-09-30',
      daysLeft: 0,
      forecast: '政策文件栏目已于 9月30日 超期',
    });
    expect(byName(cols, '政策文件').message).toBe('网站“示范县教育局网站”政策文件栏目自2026-03-29以来未更新，已于2026-09-30超期（须6个月内更新）。');
    expect(byName(cols, '专题专栏')).toMatchObject({ status: 'blank', breachDate: null, forecast: null });
    expect(byName(cols, '政策解读')).toMatchObject({ rule: 'other', status: 'ok', period: null, forecast: null });

    const acct = r.accounts.find((a: TargetResult) => a.accountId === wechat);
    expect(acct).toMatchObject({
      rule: 'new-media',
      status: 'ok',
      lastPublishedDate: '2026-09-22',
      breachDate: '2026-10-07',
      daysLeft: 7,
      workingDaysLeft: 1,
      forecast: '政务新媒体账号“示范县教育局（政务微信）”将于 10月7日 超期',
      steps: [step(1, 10, 'staff', '2026-09-30'), step(2, 12, 'staff', '2026-09-30'), step(3, 14, 'lead', '2026-09-30')],
    });

    expect(r.vetoes).toEqual([]);
    expect(r.verdict).toBe('pass');
    expect(r.counts).toMatchObject({ columns: 8, staleColumns: 1, blankColumns: 1, accounts: 1, staleAccounts: 0, backdated: 0, vetoes: 0 });
    expect(r.interpretation).toMatchObject({
      policies: 3,
      covered: 2,
      missing: [{ itemId: ids.policyC, title: '示范县校外培训监管若干规定' }],
      unlinked: [{ policyItemId: ids.policyB, interpretationItemId: ids.interpB }],
    });
    expect(r.interpretation.ratio).toBeCloseTo(2 / 3, 10);
  });

  it('the day after: the news column, the notices and the account move on; a past day is judged as it was', async () => {
    // 10/3: 教育动态 in breach; the scheduled 10/2 publication of 工作动态 was never confirmed, so it is in breach too
    const r = await inspection(statistician, `org=${jyj}&today=2026-10-03`);
    const cols: TargetResult[] = r.columns;
    expect(byName(cols, '教育动态')).toMatchObject({ status: 'stale', daysLeft: 0 });
    expect(byName(cols, '通知公告')).toMatchObject({ status: 'stale', breachDate: '2026-10-01', daysLeft: -2 });
    expect(byName(cols, '工作动态')).toMatchObject({ status: 'stale', breachDate: '2026-10-03', scheduledCount: 0 });
    // a day before the 9/29 publication: the home page's last update was 9/18, kept alive by the 10/2 schedule
    const before = await inspection(statistician, `org=${jyj}&today=2026-09-28`);
    expect(byName(before.columns, '首页')).toMatchObject({ lastPublishedDate: '2026-09-18', breachDateUnscheduled: '2026-10-03', breachDate: '2026-10-17' });
    expect(byName(before.columns, '图片新闻')).toMatchObject({ status: 'blank' });
  });

  it('the forecast lists columns and accounts by breach date for the editor and the office', async () => {
    const r = await editor.get(`/compliance/inspection/forecast?org=${jyj}&today=${T}`);
    expect(r.status).toBe(200);
    const mine = r.data.targets.filter((t: TargetResult) => t.accountId === site || t.accountId === wechat);
    expect(mine.map((t: TargetResult) => [t.name, t.breachDate])).toEqual([
      ['政策文件', '2026-09-30'],
      ['通知公告', '2026-10-01'],
      ['教育动态', '2026-10-03'],
      ['示范县教育局（政务微信）', '2026-10-07'],
      ['图片新闻', '2026-10-14'],
      ['工作动态', '2026-10-17'],
      ['首页', '2026-10-17'],
    ]);
  });

  it('refuses a backdated 发布日期 (422, naming the field), allows a later one (audited), and reports a backdated row as a veto', async () => {
    const pd = await editor.patch(`/items/${ids.news1}`, { publishDate: '2026-09-17' });
    expect(pd.status).toBe(422);
    expect(pd.data.code).toBe('PUBLISH_DATE_BACKDATED');
    expect(pd.data.message).toContain('发布日期');
    expect(pd.data.message).toContain('2026-09-18');
    expect(pd.data.details).toEqual([{ field: 'publishDate', reason: '不得早于首次确认发布日期 2026-09-18' }]);
    expect((await sys.ds.query(`SELECT publish_date::text AS d, status FROM items WHERE id = $1`, [ids.news1]))[0]).toEqual({
      d: '2026-09-18',
      status: 'published',
    });

    const draft = await editor.post('/items', { organisationId: jyj, title: '尚未发布的通知', kind: 'notice', bodyHtml: '<p>正文</p>' });
    expect(draft.status).toBe(201);
    const early = await editor.patch(`/items/${draft.data.id}`, { publishDate: '2026-09-01' });
    expect(early.status).toBe(422);
    expect(early.data).toMatchObject({ code: 'PUBLISH_DATE_NOT_PUBLISHED', details: [{ field: 'publishDate' }] });

    const later = await editor.patch(`/items/${ids.pic1}`, { publishDate: '2026-09-30' });
    expect(later.status).toBe(200);
    const [audit] = await sys.ds.query(`SELECT details FROM audit_logs WHERE entity_id = $1 AND action = 'item.revise' ORDER BY id DESC LIMIT 1`, [ids.pic1]);
    expect(audit.details).toMatchObject({ changed: ['publishDate'], publishDate: { before: '2026-09-29', after: '2026-09-30' } });

    // a row backdated outside the API (an import, a database edit) is the outright veto
    await sys.ds.query(`UPDATE items SET publish_date = '2026-09-15' WHERE id = $1`, [ids.work1]);
    const r = await inspection(editor, `org=${jyj}&today=${T}`);
    expect(r.verdict).toBe('fail');
    expect(r.vetoes).toEqual([
      {
        code: 'backdated',
        organisationId: jyj,
        keys: [ids.work1],
        message: '《教育局召开第三季度工作推进会》的发布日期2026-09-15早于首次确认发布日期2026-09-18，属伪造发稿日期（单项否决）。',
      },
    ]);
    await sys.ds.query(`UPDATE items SET publish_date = '2026-09-18' WHERE id = $1`, [ids.work1]);
  });

  it('scopes by organisation: the county with its subtree sees the department, own-only does not', async () => {
    const county = sys.seed.orgs['sfx'];
    const sub = await inspection(editor, `org=${county}&today=${T}`);
    expect(sub.columns.some((c: TargetResult) => c.accountId === site)).toBe(true);
    const own = await inspection(editor, `org=${county}&subtree=false&today=${T}`);
    expect(own.columns.some((c: TargetResult) => c.accountId === site)).toBe(false);
    const bad = await editor.get(`/compliance/inspection?org=${jyj}&today=2026-02-30`);
    expect(bad.status).toBe(400);
  });
});
