import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { createTestDataSource } from '@app/test/utils/test-db';
import { LedgerQueryService } from '@app/stats/ledger-query.service';
import { parsePeriod } from '@app/stats/period';
import { validateManualEntries } from '@app/stats/report-logic';
import { ReportService } from '@app/stats/report.service';
import { ReportExportService } from '@app/stats/report-export.service';
import { TemplateRegistry } from '@app/stats/template-registry.service';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

/**
 * The 2019 national format (国办公开办函〔2019〕60号, config/reports/gov-2019.yaml) on a seeded ledger.
 *
 * Hand-computed expectations. Computed: 本年新制作数量 of 规章 / 规范性文件 for 2019, from documents added below
 * to the shared fixture (county ─┬─ deptA ── townA1, └─ deptB; other is a separate root):
 *   g1 county regulation written 2019-03-01, published 2019-03-05   → 2019 (county, own and subtree)
 *   g2 deptA  normative  written 2019-06-30, published 2019-07-02   → 2019 (county subtree, deptA)
 *   g3 townA1 normative  written 2019-12-31, published 2020-01-06   → 2019: 成文日期 decides, not publication
 *   g4 deptB  normative  written 2018-12-31, published 2019-01-02   → 2018, not 2019
 *   g5 other  normative  written 2019-04-04, published 2019-04-05   → outside the county
 * The fixture's own documents are all written before 2019.
 *
 * Computed too: 本年新公开数量 (docs.<kind>.published: issued documents whose first confirmed 主动公开 publication falls in
 * the year, Beijing date) and 对外公开总数量 (docs.<kind>.publicTotal: issued documents with a publication up to the year's
 * end that was not withdrawn by then — withdrawn from every channel by year end = no longer public). Added below (all
 * written in 2018, so 本年新制作数量 is unchanged):
 *   h1 county regulation first published 2019-12-31T15:30Z = 23:30 Beijing 31 Dec     → published 2019
 *   h2 deptA  normative  approved after a 2018 draft, published 2018-12-31T16:30Z
 *                        = 00:30 Beijing 1 Jan 2019                                     → published 2019, not 2018
 *   h3 county normative  published 2019-05-01, withdrawn 2019-08-01 (its only channel)  → published 2019, not in total
 *   h4 deptB  normative  portal 2019-03-01 (withdrawn 2019-04-01) + gazette 2019-03-02   → published 2019, in total
 *   h5 townA1 normative  submitted, never approved (no version), written 2019             → nowhere
 * With the fixture's i2 (first publication 23:30 Beijing 31 Dec 2018), i6 (repealed, still public), i8, i9, i13, and i4
 * (withdrawn, but an interpretation), county with subtree, 2019:
 *   regulation: published g1 h1 = 2; total i8 i9 g1 h1 = 4
 *   normative:  published g2 g4 h2 h3 h4 = 5; total i2 i6 i13 g2 g4 h2 h4 = 7 (h3 withdrawn, g3 first published 2020)
 *
 * Manual: the figures of a filled 2019 table, 2019年上海市人民政府办公厅政府信息公开工作年度报告 (发布日期 2020-01-31,
 * www.shanghai.gov.cn) for tables 三 and 四 — entered cell by cell, the template's sums must give back the totals the
 * report printed (新收 859, 办理结果总计 805 of which 自然人 767 and 商业企业 35, 结转 72; 行政复议总计 7, 直接起诉总计 9) —
 * and, for table 二, the signed 本年增/减 of a 2020 table of a 广东 district 发改局 (行政许可 22 / +1 / 23; 其他对外管理服务
 * 事项 1168 / +173 / 1341; 行政处罚 2 / -2 / 0) and Shanghai's 政府集中采购 (6 projects, 251000元 = 25.1 万元).
 */
async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

const soffice = ['soffice', 'libreoffice'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);

/** The sheet as LibreOffice reads it: `soffice --convert-to csv` (comma, UTF-8), one array per line. */
function libreOfficeRows(xlsx: Buffer): string[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gov2019-lo-'));
  try {
    const file = path.join(dir, 'report.xlsx');
    fs.writeFileSync(file, xlsx);
    const profile = `-env:UserInstallation=file://${path.join(dir, 'profile')}`;
    const r = spawnSync(soffice!, [profile, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', dir, file], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const out = path.join(dir, 'report.csv');
    if (!fs.existsSync(out)) throw new Error(`soffice failed: ${r.status} ${r.stderr} ${r.stdout}`);
    // No field of this sheet holds a quote or a line break: a plain split is exact.
    return fs
      .readFileSync(out, 'utf8')
      .split(/\r?\n/)
      .map((line) => line.split(',').map((x) => x.replace(/^"|"$/g, '')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const SIGNOFF = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '021-23112311', filledDate: '2020-01-20' };

/** Tables 三 and 四 of Shanghai's 2019 report, as printed (blank cells left out). */
const SHANGHAI_2019: Record<string, number> = {
  't3.new.natural': 821,
  't3.new.commercial': 35,
  't3.new.legal': 2,
  't3.new.other': 1,
  't3.carried.natural': 18,
  't3.public.natural': 258,
  't3.public.commercial': 12,
  't3.public.legal': 1,
  't3.public.other': 1,
  't3.partial.natural': 3,
  't3.denied-1.natural': 14,
  't3.denied-5.natural': 5,
  't3.denied-6.natural': 3,
  't3.denied-6.commercial': 1,
  't3.denied-8.natural': 10,
  't3.denied-8.commercial': 2,
  't3.unavailable-1.natural': 252,
  't3.unavailable-1.commercial': 12,
  't3.unavailable-1.legal': 1,
  't3.unavailable-2.natural': 44,
  't3.unavailable-2.commercial': 3,
  't3.unavailable-3.natural': 25,
  't3.unprocessed-1.natural': 148,
  't3.unprocessed-1.commercial': 1,
  't3.unprocessed-2.natural': 5,
  't3.unprocessed-2.commercial': 4,
  't3.carryOver.natural': 72,
  't4.cases.reviewUpheld': 5,
  't4.cases.reviewPending': 2,
  't4.cases.directUpheld': 8,
  't4.cases.directPending': 1,
};

const TABLE_TWO: Record<string, number | string> = {
  't2.license.previous': 22,
  't2.license.change': '+1',
  't2.license.decisions': 23,
  't2.otherServices.previous': 1168,
  't2.otherServices.change': '+173',
  't2.otherServices.decisions': 1341,
  't2.penalty.previous': 2,
  't2.penalty.change': '-2',
  't2.penalty.decisions': 0,
  't2.enforcement.previous': 0,
  't2.enforcement.change': 0,
  't2.enforcement.decisions': 0,
  't2.fees.previous': 0,
  't2.fees.change': 0,
  't2.procurement.projects': 6,
  't2.procurement.amount': '25.1',
};

describe('gov-2019: the 2019 national annual-report format (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: StatsFixture;
  let reports: ReportService;
  let user: AuthUser;
  const year = (y: number) => parsePeriod({ year: y });

  beforeAll(async () => {
    t = await createTestDataSource('statsgov2019');
    ds = t.ds;
    f = await buildFixture(ds);
    await publishAll(f, ds);
    const docs: [string, 'county' | 'deptA' | 'townA1' | 'deptB' | 'other', 'regulation' | 'normative', string, string][] = [
      ['g1', 'county', 'regulation', '2019-03-01', '2019-03-05T02:00:00Z'],
      ['g2', 'deptA', 'normative', '2019-06-30', '2019-07-02T02:00:00Z'],
      ['g3', 'townA1', 'normative', '2019-12-31', '2020-01-06T02:00:00Z'],
      ['g4', 'deptB', 'normative', '2018-12-31', '2019-01-02T02:00:00Z'],
      ['g5', 'other', 'normative', '2019-04-04', '2019-04-05T02:00:00Z'],
    ];
    for (const [key, org, kind, written, at] of docs) {
      await f.addItem({ key, org, kind, written, category: '综合政务' });
      await f.publish(key, key === 'g5' ? 'otherPortal' : 'portal', at);
    }
    await f.addItem({ key: 'h1', org: 'county', kind: 'regulation', written: '2018-12-01', category: '综合政务' });
    await f.publish('h1', 'portal', '2019-12-31T15:30:00Z'); // 23:30 Beijing, 31 December 2019
    await f.addItem({ key: 'h2', org: 'deptA', kind: 'normative', written: '2018-12-28', category: '综合政务', status: 'draft' });
    await f.publish('h2', 'portal', '2018-12-31T16:30:00Z'); // approved (version 1) and published 00:30 Beijing, 1 January 2019
    await f.addItem({ key: 'h3', org: 'county', kind: 'normative', written: '2018-10-10', category: '综合政务' });
    const h3 = await f.publish('h3', 'portal', '2019-05-01T02:00:00Z');
    await ds.query(`INSERT INTO publication_withdrawals (publication_record_id, withdrawn_at, reason) VALUES ($1, '2019-08-01T02:00:00Z', '政策调整')`, [h3]);
    await f.addItem({ key: 'h4', org: 'deptB', kind: 'normative', written: '2018-10-11', category: '综合政务' });
    const h4 = await f.publish('h4', 'portal', '2019-03-01T02:00:00Z');
    await f.publish('h4', 'gazette', '2019-03-02T02:00:00Z');
    await ds.query(`INSERT INTO publication_withdrawals (publication_record_id, withdrawn_at, reason) VALUES ($1, '2019-04-01T02:00:00Z', '网站改版')`, [h4]);
    await f.addItem({ key: 'h5', org: 'townA1', kind: 'normative', written: '2019-05-05', category: '综合政务', status: 'submitted' });
    reports = new ReportService(ds, new LedgerQueryService(ds), new TemplateRegistry());
    user = { id: f.userId, username: 'stat', displayName: '统计员', roles: [{ organisationId: f.orgs.county.id, role: 'statistician' }] };
  });
  afterAll(async () => {
    await t.close();
  });

  it('follows the official table: sections, columns and rows in order', () => {
    const tpl = reports.template('gov-2019');
    expect(tpl.layout).toBe('B');
    const [t2, t3, t4] = tpl.tables;
    expect([t2.title, t3.title, t4.title]).toEqual([
      '二、主动公开政府信息情况',
      '三、收到和处理政府信息公开申请情况',
      '四、政府信息公开行政复议、行政诉讼情况',
    ]);
    expect(t2.sections.map((s) => [s.title, s.columns.map((c) => c.label), s.rows.map((r) => r.label)])).toEqual([
      ['第二十条第（一）项', ['本年新制作数量', '本年新公开数量', '对外公开总数量'], ['规章', '规范性文件']],
      ['第二十条第（五）项', ['上一年项目数量', '本年增/减', '处理决定数量'], ['行政许可', '其他对外管理服务事项']],
      ['第二十条第（六）项', ['上一年项目数量', '本年增/减', '处理决定数量'], ['行政处罚', '行政强制']],
      ['第二十条第（八）项', ['上一年项目数量', '本年增/减'], ['行政事业性收费']],
      ['第二十条第（九）项', ['采购项目数量', '采购总金额'], ['政府集中采购']],
    ]);
    expect(t3.sections[0].columns.map((c) => [...c.groups, c.label].join('/'))).toEqual([
      '申请人情况/自然人',
      '申请人情况/法人或其他组织/商业企业',
      '申请人情况/法人或其他组织/科研机构',
      '申请人情况/法人或其他组织/社会公益组织',
      '申请人情况/法人或其他组织/法律服务机构',
      '申请人情况/法人或其他组织/其他',
      '申请人情况/总计',
    ]);
    // Shanghai's 2019 table, row by row; （三）（四）（五）are labels over their numbered rows, （六）has no sub-rows.
    expect(t3.sections[0].rows.map((r) => `${r.heading ? '#' : ''}${r.label}`)).toEqual([
      '一、本年新收政府信息公开申请数量',
      '二、上年结转政府信息公开申请数量',
      '#三、本年度办理结果',
      '（一）予以公开',
      '（二）部分公开（区分处理的，只计这一情形，不计其他情形）',
      '#（三）不予公开',
      '1.属于国家秘密',
      '2.其他法律行政法规禁止公开',
      '3.危及“三安全一稳定”',
      '4.保护第三方合法权益',
      '5.属于三类内部事务信息',
      '6.属于四类过程性信息',
      '7.属于行政执法案卷',
      '8.属于行政查询事项',
      '#（四）无法提供',
      '1.本机关不掌握相关政府信息',
      '2.没有现成信息需要另行制作',
      '3.补正后申请内容仍不明确',
      '#（五）不予处理',
      '1.信访举报投诉类申请',
      '2.重复申请',
      '3.要求提供公开出版物',
      '4.无正当理由大量反复申请',
      '5.要求行政机关确认或重新出具已获取信息',
      '（六）其他处理',
      '（七）总计',
      '四、结转下年度继续办理',
    ]);
    expect(t4.sections[0].columns.map((c) => [...c.groups, c.label].join('/'))).toEqual(
      ['行政复议', '行政诉讼/未经复议直接起诉', '行政诉讼/复议后起诉'].flatMap((g) =>
        ['结果维持', '结果纠正', '其他结果', '尚未审结', '总计'].map((l) => `${g}/${l}`),
      ),
    );
    const computed = [...tpl.cellIndex.values()].filter((c) => c.cell.metric).map((c) => [c.cell.id, c.cell.metric]);
    expect(computed).toEqual([
      ['t2.regulation.made', 'docs.regulation.written'],
      ['t2.regulation.published', 'docs.regulation.published'],
      ['t2.regulation.total', 'docs.regulation.publicTotal'],
      ['t2.normative.made', 'docs.normative.written'],
      ['t2.normative.published', 'docs.normative.published'],
      ['t2.normative.total', 'docs.normative.publicTotal'],
    ]);
    expect(tpl.cellIndex.get('t2.penalty.change')!.cell.manual).toBe('signedInteger');
    expect(tpl.cellIndex.get('t2.procurement.amount')!.cell).toMatchObject({ manual: 'decimal', unit: '万元' });
  });

  it('本年新制作数量 from the documents of the year, per organisation and subtree, with their drill-down', async () => {
    const made = async (org: keyof StatsFixture['orgs'], subtree: boolean, y: number) => {
      const doc = await reports.report('gov-2019', f.orgs[org], subtree, year(y));
      return [doc.values['t2.regulation.made'], doc.values['t2.normative.made']];
    };
    expect(await made('county', true, 2019)).toEqual([1, 2]); // g1; g2 g3
    expect(await made('county', false, 2019)).toEqual([1, 0]); // g1 only
    expect(await made('deptA', true, 2019)).toEqual([0, 2]); // g2 g3 (townA1 is under deptA)
    expect(await made('deptB', true, 2019)).toEqual([0, 0]); // g4 was written in 2018
    expect(await made('county', true, 2020)).toEqual([0, 0]); // g3 published in 2020, written in 2019
    const drill = await reports.drill('gov-2019', f.orgs.county, true, year(2019), 't2.normative.made', { limit: 50, offset: 0 });
    expect(drill.items.map((i) => i.itemId).sort()).toEqual([f.items.g2.id, f.items.g3.id].sort());
  });

  it('本年新公开数量 and 对外公开总数量 from the ledger: Beijing dates, withdrawals, issued documents only; with drill-downs', async () => {
    const figures = async (org: keyof StatsFixture['orgs'], subtree: boolean, y: number) => {
      const v = (await reports.report('gov-2019', f.orgs[org], subtree, year(y))).values;
      return [v['t2.regulation.published'], v['t2.regulation.total'], v['t2.normative.published'], v['t2.normative.total']];
    };
    expect(await figures('county', true, 2019)).toEqual([2, 4, 5, 7]);
    expect(await figures('county', false, 2019)).toEqual([2, 4, 1, 0]); // h3 first published in 2019 and withdrawn by its end
    expect(await figures('deptA', true, 2019)).toEqual([0, 0, 2, 4]); // g2 h2; i2 i13 g2 h2 (h5 never approved)
    expect(await figures('county', true, 2018)).toEqual([2, 2, 3, 3]); // i8 i9; i2 (23:30 Beijing 31 Dec) i6 i13 — not h2
    expect(await figures('county', true, 2020)).toEqual([0, 4, 1, 8]); // g3 first published 2020-01-06
    const ids = async (cell: string) =>
      (await reports.drill('gov-2019', f.orgs.county, true, year(2019), cell, { limit: 50, offset: 0 })).items.map((i) => i.itemId).sort();
    const of = (...keys: string[]) => keys.map((k) => f.items[k].id).sort();
    expect(await ids('t2.regulation.published')).toEqual(of('g1', 'h1'));
    expect(await ids('t2.normative.published')).toEqual(of('g2', 'g4', 'h2', 'h3', 'h4'));
    expect(await ids('t2.normative.total')).toEqual(of('i2', 'i6', 'i13', 'g2', 'g4', 'h2', 'h4'));
    const h3 = (await reports.drill('gov-2019', f.orgs.county, true, year(2019), 't2.normative.published', { limit: 50, offset: 0 })).items.find(
      (i) => i.itemId === f.items.h3.id,
    )!;
    expect(h3.publications.map((p) => [p.publishedAtBeijing, p.withdrawnAt])).toEqual([['2019-05-01 10:00', '2019-08-01T02:00:00.000Z']]);
    const check = (await reports.report('gov-2019', f.orgs.county, true, year(2019))).checks.find((c) => c.id === 't2-normative-published')!;
    expect(check).toMatchObject({ ok: true, detail: '5 ≤ 7' });
    // The county's own items: one first published this year and withdrawn everywhere (new, not public at
    // year end) against none still public: right figures breaking the inequality, so a warning, not a block.
    const own = (await reports.report('gov-2019', f.orgs.county, false, year(2019))).checks.filter((c) => c.id.endsWith('-published') && !c.ok);
    expect(own.length).toBeGreaterThan(0);
    for (const c of own) expect(c.severity).toBe('warn');
  });

  it('manual entries of a filled table give back its printed totals; every check passes; the year freezes', async () => {
    const tpl = reports.template('gov-2019');
    await reports.saveManual('gov-2019', f.orgs.county, 2019, validateManualEntries(tpl, { ...SHANGHAI_2019, ...TABLE_TWO }), user);
    const doc = await reports.report('gov-2019', f.orgs.county, true, year(2019));
    const v = doc.values;
    expect([v['t3.new.total'], v['t3.carried.total'], v['t3.resultTotal.total'], v['t3.carryOver.total']]).toEqual([859, 18, 805, 72]);
    expect([v['t3.resultTotal.natural'], v['t3.resultTotal.commercial'], v['t3.resultTotal.legal'], v['t3.resultTotal.other']]).toEqual([767, 35, 2, 1]);
    expect([v['t4.cases.reviewTotal'], v['t4.cases.directTotal'], v['t4.cases.afterTotal']]).toEqual([7, 9, 0]);
    expect([v['t2.license.change'], v['t2.otherServices.change'], v['t2.penalty.change'], v['t2.procurement.amount']]).toEqual([1, 173, -2, 25.1]);
    expect(doc.checks.length).toBe(7 + 7); // t3 balance per column (7) and the seven of table 二
    expect(doc.checks.filter((c) => !c.ok)).toEqual([]);
    const natural = doc.checks.find((c) => c.id === 't3-balance.natural')!;
    expect(natural.detail).toBe('821 + 18 = 767 + 72');
    expect(doc.checks.find((c) => c.id === 't2-penalty-items')!.detail).toBe('2 + -2 ≥ 0');
    // 科研机构 and 社会公益组织 are blank in the sample, (六)其他处理 too: still to be entered (0 is a figure, blank is not).
    expect(doc.manualMissing).toContain('t3.otherHandling.natural');
    expect(doc.manualMissing).not.toContain('t2.penalty.change');
  });

  it('a failing check names the cells and blocks the freeze; fixing it lets the year freeze with signed figures kept', async () => {
    const tpl = reports.template('gov-2019');
    await reports.saveManual('gov-2019', f.orgs.county, 2019, validateManualEntries(tpl, { 't3.carryOver.natural': 71, 't2.penalty.change': '-3' }), user);
    const bad = await reports.report('gov-2019', f.orgs.county, true, year(2019));
    const failing = bad.checks.filter((c) => !c.ok);
    expect(failing.map((c) => [c.id, c.detail])).toEqual([
      ['t3-balance.natural', '821 + 18 ≠ 767 + 71'],
      ['t3-balance.total', '859 + 18 ≠ 805 + 71'],
      ['t2-penalty-items', '2 + -3 < 0'],
    ]);
    expect(failing.map((c) => c.label)).toEqual([
      '第一项加第二项之和等于第三项加第四项之和（自然人）',
      '第一项加第二项之和等于第三项加第四项之和（总计）',
      '行政处罚：上一年项目数量加本年增/减不能为负数',
    ]);
    const e = await rejects(reports.freeze('gov-2019', f.orgs.county, true, 2019, SIGNOFF, user));
    expect(e).toMatchObject({ status: 422, code: 'REPORT_CHECKS_FAILED' });

    await reports.saveManual('gov-2019', f.orgs.county, 2019, validateManualEntries(tpl, { 't3.carryOver.natural': 72, 't2.penalty.change': '-2' }), user);
    const frozen = await reports.freeze('gov-2019', f.orgs.county, true, 2019, SIGNOFF, user);
    expect(frozen.checks.every((c) => c.ok)).toBe(true);
    expect(frozen.values['t2.penalty.change']).toBe(-2);
    expect(frozen.values['t2.normative.made']).toBe(2);
    expect([frozen.values['t2.normative.published'], frozen.values['t2.normative.total']]).toEqual([5, 7]);
    // A document first published in 2019 but recorded after the freeze: the frozen cells keep their members, the drill-down shows it joined.
    await f.addItem({ key: 'h6', org: 'county', kind: 'normative', written: '2018-09-09', category: '综合政务' });
    await f.publish('h6', 'portal', '2019-11-11T02:00:00Z');
    const drill = await reports.drill('gov-2019', f.orgs.county, true, year(2019), 't2.normative.total', { limit: 50, offset: 0 });
    expect(drill.total).toBe(7);
    expect(drill.items.map((i) => i.itemId)).not.toContain(f.items.h6.id);
    expect(drill.sinceFreeze!.joined.map((i) => i.itemId)).toEqual([f.items.h6.id]);
    // The log keeps the signed values as entered.
    const log: { old_value: string; new_value: string }[] = await ds.query(
      `SELECT old_value::text, new_value::text FROM stats_manual_entry_log WHERE template_id = 'gov-2019' AND cell_id = 't2.penalty.change' ORDER BY id`,
    );
    expect(log.map((r) => [r.old_value, r.new_value])).toEqual([
      [null, '-2'],
      ['-2', '-3'],
      ['-3', '-2'],
    ]);
    const served = await reports.report('gov-2019', f.orgs.county, true, year(2019));
    expect(served.source).toBe('frozen');
    expect(served.values['t3.resultTotal.total']).toBe(805);
  });

  it('refuses a negative figure outside 本年增/减, nothing half-written', async () => {
    const tpl = reports.template('gov-2019');
    const e = await rejects(
      (async () =>
        reports.saveManual('gov-2019', f.orgs.deptA, 2019, validateManualEntries(tpl, { 't2.license.change': '-4', 't2.license.previous': -1 }), user))(),
    );
    expect(e).toMatchObject({ status: 400, details: [{ field: 'entries.t2.license.previous', reason: '不能为负数（须为非负整数）' }] });
    const rows = await ds.query(`SELECT 1 FROM stats_manual_entries WHERE template_id = 'gov-2019' AND organisation_id = $1`, [f.orgs.deptA.id]);
    expect(rows).toEqual([]);
    // The database bound is on size only; the type of a cell is the template's (a direct negative insert is allowed for any cell).
    await expect(
      ds.query(
        `INSERT INTO stats_manual_entries (organisation_id, template_id, year, cell_id, value, entered_by) VALUES ($1, 'gov-2019', 2019, 'x', -1e13, $2)`,
        [f.orgs.deptA.id, f.userId],
      ),
    ).rejects.toThrow(/stats_manual_entries_value_bound/);
  });

  it('exports the frozen table as XLSX laid out like the official one, read back with exceljs', async () => {
    const doc = await reports.report('gov-2019', f.orgs.county, true, year(2019));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await new ReportExportService().toXlsx(doc)) as any);
    const ws = wb.getWorksheet('统计表')!;
    expect(ws.getCell('A1').value).toBe('政府信息公开工作年度报告统计表');
    expect(ws.getCell('A2').value).toBe('（国办公开办函〔2019〕60号格式，适用于2019年度、2020年度报告）');
    expect(ws.getCell('A3').value).toBe('（2019年度）');
    // Every row by its label in column A (first occurrence): its row number and the values right of it (columns B…).
    const rows = new Map<string, unknown[]>();
    const rowNo = new Map<string, number>();
    const texts: string[] = [];
    ws.eachRow((row, n) => {
      const label = String(row.getCell(1).value ?? '');
      texts.push(label);
      if (rows.has(label)) return;
      rows.set(
        label,
        Array.from(row.values as unknown[])
          .slice(2)
          .map((x) => x ?? null),
      );
      rowNo.set(label, n);
    });
    expect(rows.get('规章')).toEqual([1, 2, 4]);
    expect(rows.get('规范性文件')).toEqual([2, 5, 7]);
    expect(rows.get('行政许可')).toEqual([22, 1, 23]);
    expect(rows.get('其他对外管理服务事项')).toEqual([1168, 173, 1341]);
    expect(rows.get('行政处罚')).toEqual([2, -2, 0]);
    expect(rows.get('行政事业性收费')).toEqual([0, 0]);
    expect(rows.get('政府集中采购')).toEqual([6, 25.1]);
    expect(rows.get('一、本年新收政府信息公开申请数量')).toEqual([821, 35, null, null, 2, 1, 859]);
    expect(rows.get('（七）总计')).toEqual([767, 35, 0, 0, 2, 1, 805]);
    expect(rows.get('四、结转下年度继续办理')).toEqual([72, null, null, null, null, null, 72]);
    expect(rows.get('案件数量')).toEqual([5, null, null, 2, 7, 8, null, null, 1, 9, null, null, null, null, 0]);
    // Table 二's sections in the official order, each with its own header row under its title.
    const sections = ['第二十条第（一）项', '第二十条第（五）项', '第二十条第（六）项', '第二十条第（八）项', '第二十条第（九）项'].map((l) => rowNo.get(l)!);
    expect([...sections].sort((a, b) => a - b)).toEqual(sections);
    const header = (title: string, n: number) => Array.from({ length: n }, (_, i) => ws.getRow(rowNo.get(title)! + 1).getCell(i + 1).value);
    expect(header('第二十条第（一）项', 4)).toEqual(['信息内容', '本年新制作数量', '本年新公开数量', '对外公开总数量']);
    expect(header('第二十条第（五）项', 4)).toEqual(['信息内容', '上一年项目数量', '本年增/减', '处理决定数量']);
    expect(header('第二十条第（九）项', 3)).toEqual(['信息内容', '采购项目数量', '采购总金额']);
    // 本年增/减 shows its sign (+1, -2, 0), as the filled tables print it; other counts are plain integers.
    const signed = '+0;-0;0';
    expect(
      [rowNo.get('行政许可')!, rowNo.get('其他对外管理服务事项')!, rowNo.get('行政处罚')!, rowNo.get('行政事业性收费')!].map((n) => ws.getCell(n, 3).numFmt),
    ).toEqual([signed, signed, signed, signed]);
    expect(ws.getCell(rowNo.get('行政处罚')!, 2).numFmt).toBe('0');
    expect(ws.getCell(rowNo.get('政府集中采购')!, 3).numFmt).toBe('0.00##');
    const cs = wb.getWorksheet('校验')!;
    const results: string[] = [];
    cs.eachRow((row, n) => n > 1 && results.push(`${row.getCell(1).value}|${row.getCell(3).value}`));
    expect(results.length).toBe(14);
    expect(results).toContain('行政处罚：上一年项目数量加本年增/减不能为负数|通过');
    expect(results.every((r) => r.endsWith('|通过'))).toBe(true);
    // The sign-off of the freeze is printed under the table.
    expect(texts.some((x) => x.startsWith('单位负责人：杨庸庸'))).toBe(true);
    expect(texts.some((x) => x.startsWith('本表已于') && x.endsWith('封存，数据不再变动。'))).toBe(true);
  });

  (soffice ? it : it.skip)(
    'LibreOffice reads the XLSX back with the signed and decimal figures as printed',
    async () => {
      const doc = await reports.report('gov-2019', f.orgs.county, true, year(2019));
      const byLabel = new Map(libreOfficeRows(await new ReportExportService().toXlsx(doc)).map((r) => [r[0], r.slice(1)]));
      expect(byLabel.get('行政许可')!.slice(0, 3)).toEqual(['22', '+1', '23']);
      expect(byLabel.get('行政处罚')!.slice(0, 3)).toEqual(['2', '-2', '0']);
      expect(byLabel.get('政府集中采购')!.slice(0, 2)).toEqual(['6', '25.10']); // 万元 amounts print with two decimals at least (numFmt 0.00##)
      expect(byLabel.get('（七）总计')!.slice(0, 7)).toEqual(['767', '35', '0', '0', '2', '1', '805']);
    },
    180_000,
  );
});
