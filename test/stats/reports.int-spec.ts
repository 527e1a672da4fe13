import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { createTestDataSource } from '@app/test/utils/test-db';
import { LedgerQueryService } from '@app/stats/ledger-query.service';
import { parsePeriod } from '@app/stats/period';
import { validateManualEntries, validateSignoff } from '@app/stats/report-logic';
import { ReportService } from '@app/stats/report.service';
import { ReportExportService } from '@app/stats/report-export.service';
import { StatsCatalogue } from '@app/stats/stats-catalogue';
import { TemplateRegistry } from '@app/stats/template-registry.service';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

const SIGNOFF = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2019-02-25' };

describe('reports: layouts A, B, C, drill-down, manual entries, freeze (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: StatsFixture;
  let reports: ReportService;
  let user: AuthUser;
  const year = (y: number) => parsePeriod({ year: y });

  beforeAll(async () => {
    t = await createTestDataSource('statsreports');
    ds = t.ds;
    f = await buildFixture(ds);
    await publishAll(f, ds);
    reports = new ReportService(ds, new LedgerQueryService(ds), new TemplateRegistry());
    user = { id: f.userId, username: 'stat', displayName: '统计员', roles: [{ organisationId: f.orgs.county.id, role: 'statistician' }] };
  });
  afterAll(async () => {
    await t.close();
  });

  const computedOf = (doc: { values: Record<string, number | null> }, ids: string[]) => Object.fromEntries(ids.map((id) => [id, doc.values[id]]));
  const A_COMPUTED = ['1-1', '1-1-a', '1-1-b', '1-2-1', '1-2-2', '1-2-3', '1-2-4', '1-2-5', '2-1', '2-2-3', '2-2-4', '2-2-5'];

  it('layout A, 2018, county with its subtree: every computed cell', async () => {
    const doc = await reports.report('gov-2014', f.orgs.county, true, year(2018));
    expect(doc.source).toBe('live');
    expect(doc.countSource).toBe('rollup');
    expect(computedOf(doc, A_COMPUTED)).toEqual({
      '1-1': 10,
      '1-1-a': 3, // i2 i6 i13 published as normative in 2018
      '1-1-b': 3, // i2 i7 i13 written in 2018 (i7 never published still counts)
      '1-2-1': 0,
      '1-2-2': 9,
      '1-2-3': 1,
      '1-2-4': 2, // i1 (two WeChat accounts) and i11
      '1-2-5': 1, // i5 on LED and SMS
      '2-1': 2,
      '2-2-3': 1, // i4, withdrawn later
      '2-2-4': 1, // i11
      '2-2-5': 1, // i5
    });
    expect(doc.checks.filter((c) => c.severity === 'error').every((c) => c.ok)).toBe(true);
    expect(doc.manualMissing.length).toBe(46); // 58 cells, 12 computed
    expect(doc.period.label).toBe('2018年度');
    // Same numbers from the raw ledger.
    const raw = await reports.computeLive(reports.template('gov-2014'), f.orgs.county, true, year(2018), undefined, 'ledger');
    expect(raw.countSource).toBe('ledger');
    expect(computedOf(raw, A_COMPUTED)).toEqual(computedOf(doc, A_COMPUTED));
  });

  it('layout A, 2019 and own-only', async () => {
    const y19 = await reports.report('gov-2014', f.orgs.county, true, year(2019));
    expect(computedOf(y19, A_COMPUTED)).toEqual({
      '1-1': 2,
      '1-1-a': 1,
      '1-1-b': 0,
      '1-2-1': 1,
      '1-2-2': 1,
      '1-2-3': 1,
      '1-2-4': 0,
      '1-2-5': 0,
      '2-1': 1,
      '2-2-3': 0,
      '2-2-4': 1,
      '2-2-5': 0,
    });
    const own = await reports.report('gov-2014', f.orgs.county, false, year(2018));
    expect(computedOf(own, ['1-1', '1-1-a', '1-1-b', '1-2-2', '1-2-4', '1-2-5', '2-1'])).toEqual({
      '1-1': 6,
      '1-1-a': 0,
      '1-1-b': 1,
      '1-2-2': 5,
      '1-2-4': 2,
      '1-2-5': 1,
      '2-1': 2,
    });
  });

  it('layout B: 规章 and 行政规范性文件 issued, repealed, in force', async () => {
    const ids = ['regulation', 'normative'].flatMap((k) => ['written', 'repealed', 'inForce'].map((m) => `t2.${k}.${m}`));
    const y18 = await reports.report('gov-2021', f.orgs.county, true, year(2018));
    expect(computedOf(y18, ids)).toEqual({
      't2.regulation.written': 1, // i9
      't2.regulation.repealed': 0,
      't2.regulation.inForce': 2, // i8, i9 (repealed only in 2019)
      't2.normative.written': 3, // i2 i7 i13
      't2.normative.repealed': 1, // i6
      't2.normative.inForce': 2, // i2 i7; i13 is 失效 without a date
    });
    const y19 = await reports.report('gov-2021', f.orgs.county, true, year(2019));
    expect(computedOf(y19, ids)).toEqual({
      't2.regulation.written': 0,
      't2.regulation.repealed': 1,
      't2.regulation.inForce': 1,
      't2.normative.written': 0,
      't2.normative.repealed': 0,
      't2.normative.inForce': 2,
    });
    const deptB = await reports.report('gov-2021', f.orgs.deptB, true, year(2017));
    expect(deptB.values['t2.normative.written']).toBe(1); // i6
  });

  it('drill-down lists the items behind each computed cell', async () => {
    const d = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-1', { limit: 100, offset: 0 });
    expect(d.total).toBe(10);
    expect(d.cell).toMatchObject({ id: '1-1', value: 10, metric: 'ledger.total' });
    expect(d.items.map((i) => i.itemId).sort()).toEqual(['i1', 'i2', 'i4', 'i5', 'i6', 'i8', 'i9', 'i11', 'i12', 'i13'].map((k) => f.items[k].id).sort());
    const i1 = d.items.find((i) => i.itemId === f.items.i1.id)!;
    expect(i1).toMatchObject({ title: f.items.i1.title, indexNo: f.items.i1.indexNo, channels: ['portal', 'wechat', 'weibo'] });
    expect(i1.publications.map((p) => [p.channelType, p.accountName, p.publishedAtBeijing])).toEqual([
      ['portal', '永定区政府门户网站', '2018-03-10 10:00'],
      ['wechat', '永定发布', '2018-03-10 11:00'],
      ['wechat', '永定教育', '2018-03-11 11:00'],
      ['weibo', '永定发布微博', '2018-03-12 11:00'],
    ]);
    expect(i1.links).toContain('https://example.gov.cn/portal/i1/1');
    const i2 = d.items.find((i) => i.itemId === f.items.i2.id)!;
    expect(i2.publications.map((p) => p.publishedAtBeijing)).toEqual(['2018-12-31 23:30']);
    const i4 = d.items.find((i) => i.itemId === f.items.i4.id)!;
    expect(i4.publications[0].withdrawnAt).toBe('2018-07-01T01:00:00.000Z');
    const i12 = d.items.find((i) => i.itemId === f.items.i12.id)!;
    expect(i12.publications).toHaveLength(2);
    // Items are ordered by their first publication in the period.
    expect(d.items[0].itemId).toBe(f.items.i6.id);

    const wechat = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-2-4', { limit: 100, offset: 0 });
    expect(wechat.items.map((i) => i.itemId)).toEqual([f.items.i1.id, f.items.i11.id]);
    expect(wechat.items[0].publications.map((p) => p.accountName)).toEqual(['永定发布', '永定教育']);
    const other = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-2-5', { limit: 100, offset: 0 });
    expect(other.items.map((i) => [i.itemId, i.publications.map((p) => p.channelType)])).toEqual([[f.items.i5.id, ['led', 'sms']]]);
    const otherWays = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '2-2-5', { limit: 100, offset: 0 });
    expect(otherWays.items.map((i) => i.itemId)).toEqual([f.items.i5.id]);
    expect(otherWays.total).toBe(1);
    const issued = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-1-b', { limit: 100, offset: 0 });
    expect(issued.items.map((i) => [i.itemId, i.writtenDate, i.publications.length])).toEqual([
      [f.items.i2.id, '2018-02-01', 2],
      [f.items.i7.id, '2018-05-05', 0],
      [f.items.i13.id, '2018-07-01', 1],
    ]);
    const inForce = await reports.drill('gov-2021', f.orgs.county, true, year(2018), 't2.regulation.inForce', { limit: 100, offset: 0 });
    expect(inForce.items.map((i) => i.itemId)).toEqual([f.items.i8.id, f.items.i9.id]);
    // Paging
    const page = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-1', { limit: 3, offset: 9 });
    expect(page.total).toBe(10);
    expect(page.items).toHaveLength(1);
    const past = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-1', { limit: 3, offset: 30 });
    expect([past.total, past.items.length]).toEqual([10, 0]);
    // Drill-down CSV
    // channel labels come from the app's adapters (CHANNEL_LABELS); here a source standing in for them
    const labels: Record<string, string> = { portal: '政府网站', wechat: '政务微信', weibo: '政务微博' };
    const csv = new ReportExportService(new StatsCatalogue({ channelLabel: (t) => labels[t] })).drillCsv(wechat);
    expect(csv.split('\r\n')[0]).toBe('\uFEFF事项ID,标题,索引号,发布单位,渠道,发布时间（北京时间）,链接,撤回时间,封存后新增,封存后移出');
    expect(csv).toContain(`${f.items.i1.id},${f.items.i1.title},${f.items.i1.indexNo},永定区人民政府,政府网站；政务微信；政务微博,`);
    expect(await rejects(reports.drill('gov-2014', f.orgs.county, true, year(2018), '3-1', { limit: 10, offset: 0 }))).toMatchObject({
      status: 400,
      code: 'CELL_NOT_COMPUTED',
    });
    expect(await rejects(reports.drill('gov-2014', f.orgs.county, true, year(2018), 'nope', { limit: 10, offset: 0 }))).toMatchObject({ status: 404 });
  });

  it('manual entries are saved with who entered them, validated, and feed sums and checks', async () => {
    const tpl = reports.template('gov-2021');
    const doc = await reports.saveManual(
      'gov-2021',
      f.orgs.county,
      2018,
      validateManualEntries(tpl, { 't3.new.natural': 5, 't3.carried.natural': 1, 't3.public.natural': 4, 't3.denied-1.natural': 1, 't2.fees.amount': '0.35' }),
      user,
    );
    expect(doc.values['t3.denied.natural']).toBe(1);
    expect(doc.values['t3.resultTotal.natural']).toBe(5);
    expect(doc.values['t2.fees.amount']).toBe(0.35);
    const cell = doc.tables[1].sections[0].rows[0].cells[0];
    expect(cell).toMatchObject({ id: 't3.new.natural', value: 5, source: 'manual', enteredBy: '统计员' });
    expect(doc.checks.find((c) => c.id === 't3-balance.natural')).toMatchObject({ ok: false, detail: '5 + 1 ≠ 5 + 0' });
    // Fails the required check: cannot be frozen yet.
    const e = await rejects(reports.freeze('gov-2021', f.orgs.county, true, 2018, SIGNOFF, user));
    expect(e).toMatchObject({ status: 422, code: 'REPORT_CHECKS_FAILED' });
    expect((e.details as any[]).map((d) => d.field)).toEqual(['t3-balance.natural', 't3-balance.total']);
    const fixed = await reports.saveManual('gov-2021', f.orgs.county, 2018, validateManualEntries(tpl, { 't3.carryOver.natural': 1 }), user);
    expect(fixed.checks.filter((c) => c.severity === 'error').every((c) => c.ok)).toBe(true);
    const log = await ds.query(
      `SELECT cell_id, old_value::text, new_value::text, entered_by FROM stats_manual_entry_log WHERE template_id = 'gov-2021' ORDER BY id`,
    );
    expect(log).toHaveLength(6);
    expect(log[5]).toEqual({ cell_id: 't3.carryOver.natural', old_value: null, new_value: '1', entered_by: f.userId });
    const frozen = await reports.freeze('gov-2021', f.orgs.county, true, 2018, SIGNOFF, user);
    expect(frozen.values['t2.normative.written']).toBe(3);
  });

  it('freeze: numbers never change, edits are refused, and later ledger rows are listed', async () => {
    const tpl = reports.template('gov-2014');
    await reports.saveManual('gov-2014', f.orgs.county, 2018, validateManualEntries(tpl, { '3-1': 4, '3-1-3': 4, '7': 0, '8-4': '50.5' }), user);
    const frozen = await reports.freeze('gov-2014', f.orgs.county, true, 2018, validateSignoff(SIGNOFF), user);
    expect(frozen.source).toBe('frozen');
    expect(frozen.signoff).toEqual(SIGNOFF);
    expect(frozen.values['1-1']).toBe(10);
    expect(frozen.values['8-4']).toBe(50.5);

    // After the freeze: a publication back-dated into 2018 (a manual record), one in 2019, and a new 2018 document.
    await f.publish('i7', 'portal', '2018-12-20T02:00:00Z');
    await f.publish('i12', 'wechat', '2019-03-01T02:00:00Z');
    // a revision of i3 approved as a 2018 normative document (documents count their approved version)
    await f.approve('i3', { kind: 'normative', written: '2018-08-08' });

    const again = await reports.report('gov-2014', f.orgs.county, true, year(2018));
    expect(again.source).toBe('frozen');
    expect(again.values).toEqual(frozen.values);
    const live = await reports.report('gov-2014', f.orgs.county, false, year(2018));
    expect(live.source).toBe('live'); // another scope than the frozen one

    const view = await reports.frozenView('gov-2014', f.orgs.county, 2018);
    expect(view.report.values['1-1']).toBe(10);
    const changed = view.changesSinceFreeze.cells.filter((c) => c.changed);
    expect(changed.map((c) => [c.cellId, c.frozen, c.current])).toEqual([
      ['1-1', 10, 11],
      ['1-1-a', 3, 4],
      ['1-1-b', 3, 4],
      ['1-2-2', 9, 10],
    ]);
    expect(view.changesSinceFreeze.addedRecords.map((r) => [r.itemId, r.channelType, r.publishedAtBeijing])).toEqual([
      [f.items.i7.id, 'portal', '2018-12-20 10:00'],
    ]);
    expect(view.changesSinceFreeze.addedItems).toEqual([{ itemId: f.items.i7.id, title: f.items.i7.title, indexNo: f.items.i7.indexNo, records: 1 }]);

    // The drill-down of a frozen year lists the frozen members and, apart, what came after the freeze.
    const d = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-2-2', { limit: 100, offset: 0 });
    expect(d.frozen).toBe(true);
    expect(d.cell.value).toBe(9);
    expect(d.total).toBe(9);
    expect(d.items.filter((i) => i.afterFreeze)).toEqual([]);
    expect(d.sinceFreeze!.joined.map((i) => [i.itemId, i.afterFreeze])).toEqual([[f.items.i7.id, true]]);
    const docs = await reports.drill('gov-2014', f.orgs.county, true, year(2018), '1-1-b', { limit: 100, offset: 0 });
    expect([docs.cell.value, docs.total, docs.sinceFreeze!.joined.map((i) => i.itemId)]).toEqual([3, 3, [f.items.i3.id]]);

    const edit = await rejects(reports.saveManual('gov-2014', f.orgs.county, 2018, validateManualEntries(tpl, { '3-1': 5 }), user));
    expect(edit).toMatchObject({ status: 409, code: 'REPORT_FROZEN' });
    expect(await rejects(reports.freeze('gov-2014', f.orgs.county, true, 2018, SIGNOFF, user))).toMatchObject({ status: 409 });
    await expect(ds.query(`UPDATE stats_frozen_reports SET year = 2017`)).rejects.toThrow(/append-only/);
    expect(await rejects(reports.frozenView('gov-2014', f.orgs.county, 2017))).toMatchObject({ status: 404 });
    // Other years stay editable.
    const y19 = await reports.saveManual('gov-2014', f.orgs.county, 2019, validateManualEntries(tpl, { '3-1': 2 }), user);
    expect(y19.values['3-1']).toBe(2);
  });

  it('layout C: per organisation, per channel and per account, with days since the last publication', async () => {
    const doc = await reports.report('bulletin', f.orgs.county, true, parsePeriod({ year: 2018, quarter: 4 }));
    expect(doc.countSource).toBe('rollup');
    expect(doc.bulletin!.referenceDate).toBe('2018-12-31');
    const v = doc.values;
    const county = f.orgs.county.id;
    // County's own items in Q4 2018: i11 (WeChat + portal), i12 (two versions), i7 (back-dated 20 Dec).
    expect([v[`org.${county}.total`], v[`org.${county}.portal`], v[`org.${county}.wechat`], v[`org.${county}.days`]]).toEqual([3, 3, 1, 11]);
    expect([v[`org.${f.orgs.deptA.id}.total`], v[`org.${f.orgs.deptA.id}.days`]]).toEqual([1, 0]); // i2 at 23:30 on 31 Dec
    expect([v[`org.${f.orgs.deptB.id}.total`], v[`org.${f.orgs.deptB.id}.days`]]).toEqual([0, 213]); // i4 on 1 June
    expect(v[`org.${f.orgs.townA1.id}.days`]).toBeNull(); // its first publication is in 2019
    expect([v['subtree.total'], v['subtree.portal'], v['subtree.wechat']]).toEqual([4, 4, 1]);
    expect(doc.tables[0].sections[0].rows.map((r) => [r.label, r.indent])).toEqual([
      ['永定区人民政府', 0],
      ['区教育局', 1],
      ['教育局直属中心', 2],
      ['区财政局', 1],
      ['合计（含下级单位，同一信息计1条）', 0],
    ]);
    const acct = Object.fromEntries(doc.bulletin!.accounts.map((a) => [a.name, [a.items, a.daysSinceLast, a.stale]]));
    expect(acct).toEqual({
      永定区政府门户网站: [4, 0, false],
      永定发布: [1, 82, true],
      永定教育: [0, 295, true],
      永定发布微博: [0, 294, true],
      永定政报: [0, null, true],
      政务大厅LED屏: [0, 145, true],
      政务短信: [0, 144, true],
      '财政微信（停更）': [0, null, true],
    });
    const status = doc.tables[1].sections[0].rows.find((r) => r.label === '永定发布')!.cells.find((c) => c.id.endsWith('.status'))!;
    expect(status.text).toBe('超过14天未更新');
    // Drill-down of bulletin cells.
    const portal = await reports.drill('bulletin', f.orgs.county, true, parsePeriod({ year: 2018, quarter: 4 }), `acct.${f.accounts.portal}.items`, {
      limit: 50,
      offset: 0,
    });
    expect(portal.items.map((i) => i.itemId).sort()).toEqual([f.items.i2.id, f.items.i7.id, f.items.i11.id, f.items.i12.id].sort());
    const last = await reports.drill('bulletin', f.orgs.county, true, parsePeriod({ year: 2018, quarter: 4 }), `org.${f.orgs.deptB.id}.days`, {
      limit: 50,
      offset: 0,
    });
    expect(last.items.map((i) => [i.itemId, i.publications[0].publishedAtBeijing])).toEqual([[f.items.i4.id, '2018-06-01 09:00']]);
    const orgCell = await reports.drill('bulletin', f.orgs.county, true, parsePeriod({ year: 2018, quarter: 4 }), `org.${county}.wechat`, {
      limit: 50,
      offset: 0,
    });
    expect(orgCell.items.map((i) => i.itemId)).toEqual([f.items.i11.id]);
    expect(
      await rejects(reports.drill('bulletin', f.orgs.county, true, parsePeriod({ year: 2018 }), `org.${f.orgs.other.id}.total`, { limit: 5, offset: 0 })),
    ).toMatchObject({ status: 404 });
    // A custom period reads the ledger and gives the same per-account figures.
    const custom = await reports.report('bulletin', f.orgs.county, true, parsePeriod({ from: '2018-10-01', to: '2018-12-31' }));
    expect(custom.countSource).toBe('rollup'); // that range is exactly Q4
    const odd = await reports.report('bulletin', f.orgs.county, true, parsePeriod({ from: '2018-10-02', to: '2018-12-31' }));
    expect(odd.countSource).toBe('ledger');
    expect(odd.values['subtree.total']).toBe(4);
  });
});
