import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AppError, type FieldProblem } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { createTestDataSource } from '@app/test/utils/test-db';
import { LedgerQueryService } from '@app/stats/ledger-query.service';
import { parsePeriod } from '@app/stats/period';
import type { ReportDoc } from '@app/stats/report-doc.types';
import { validateManualEntries } from '@app/stats/report-logic';
import { ReportExportService } from '@app/stats/report-export.service';
import { ReportService } from '@app/stats/report.service';
import { StatsCatalogue } from '@app/stats/stats-catalogue';
import { TemplateRegistry } from '@app/stats/template-registry.service';
import { buildWebsiteFixture, publishWebsiteYear, WebsiteFixture } from './website-annual-fixture';

/**
 * 政府网站工作年度报表 (config/reports/website-annual.yaml, format of 国办函〔2018〕12号). Expectations are
 * computed by hand from the fixture's table (website-annual-fixture.ts), row by row, as an office would
 * fill the form from its site's records. The row names and units are those of the national form (see the
 * template's header); no filled county report could be retrieved to compare figures with, so the
 * comparison is with the hand count, including the cases a hand count gets wrong (midnight on New
 * Year's Eve in Beijing, a revision, a withdrawal, an item moved to another column, new-media
 * publications that never reached the site).
 */
async function rejects(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

const SIGNOFF = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2024-01-20' };
const LABELS: Record<string, string> = { portal: '政府网站', wechat: '政务微信', weibo: '政务微博', led: 'LED显示屏' };
const TPL = 'website-annual';
const SOFFICE = ['soffice', 'libreoffice'].find((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);

/** The sheet as LibreOffice reads it (csv, UTF-8), one array per row. */
function sofficeRows(buf: Buffer): string[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'website-lo-'));
  try {
    fs.writeFileSync(path.join(dir, 'report.xlsx'), buf);
    const args = [
      `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
      '--headless',
      '--convert-to',
      'csv:Text - txt - csv (StarCalc):44,34,76,1',
      '--outdir',
      dir,
    ];
    const r = spawnSync(SOFFICE!, [...args, path.join(dir, 'report.xlsx')], { encoding: 'utf8', timeout: 120_000 });
    const out = path.join(dir, 'report.csv');
    if (!fs.existsSync(out)) throw new Error(`soffice failed: ${r.status} ${r.stderr}`);
    const rows: string[][] = [];
    let row: string[] = [];
    let field = '';
    let quoted = false;
    const text = fs.readFileSync(out, 'utf8');
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        row.push(field);
        field = '';
      } else if (ch === '\n') {
        row.push(field);
        rows.push(row);
        row = [];
        field = '';
      } else if (ch !== '\r') field += ch;
    }
    if (field || row.length) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('website-annual: 政府网站工作年度报表 from the ledger and the site structure (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: WebsiteFixture;
  let reports: ReportService;
  let exporter: ReportExportService;
  let user: AuthUser;
  const year = (y: number) => parsePeriod({ year: y });
  const text = (doc: ReportDoc, id: string) =>
    doc.tables.flatMap((x) => x.sections.flatMap((s) => s.rows.flatMap((r) => r.cells))).find((c) => c.id === id)?.text;
  const accountRow = (doc: ReportDoc, name: string) => doc.tables.find((x) => x.id === 'media')!.sections[0].rows.find((r) => r.label === name);

  beforeAll(async () => {
    t = await createTestDataSource('statswebsite');
    ds = t.ds;
    f = await buildWebsiteFixture(ds);
    await publishWebsiteYear(f, ds);
    const catalogue = new StatsCatalogue({ channelLabel: (type) => LABELS[type] });
    reports = new ReportService(ds, new LedgerQueryService(ds, catalogue), new TemplateRegistry(), catalogue);
    exporter = new ReportExportService(catalogue);
    user = { id: f.userId, username: 'web', displayName: '网站管理员', roles: [{ organisationId: f.orgs.county.id, role: 'statistician' }] };
  });
  afterAll(async () => {
    await t.close();
  });

  it('the county site, 2023, own only: every computed row by hand', async () => {
    const doc = await reports.report(TPL, f.orgs.county, false, year(2023));
    expect(doc.source).toBe('live');
    const v = doc.values;
    // 信息发布: a1 a2 a3 a5 a6 a7 a10 a11 a13 a16 (a4 is 2024 in Beijing, a5 is 2023; a8 and a17 never on the site)
    expect(v['pub.total']).toBe(10);
    expect(v['pub.overview']).toBe(1); // a1
    expect(v['pub.news']).toBe(4); // a2, a3 (two versions, once), a13 (withdrawn, still counts), a16 (v1)
    expect(v['pub.catalogue']).toBe(6); // a5 a6 a7 a10 a11 a16 (v2 moved it to 综合政务)
    expect(v['topic.maintained']).toBe(2); // 优化营商环境专题 (a10), 乡村振兴专栏 (a11); 党史学习教育专题 idle since 2021
    expect(v['topic.new']).toBe(1); // 乡村振兴专栏; 优化营商环境专题 opened in 2022 (a9)
    expect(v['interp.total']).toBe(1); // a6
    expect(v['response']).toBe(1); // a7 (a8 only on WeChat)
    expect(v['media.has']).toBe(1);
    expect(text(doc, 'media.has')).toBe('是');
    // identity, from the site's account and the organisation
    expect(text(doc, 'site.name')).toBe('张家界市永定区人民政府');
    expect(text(doc, 'site.url')).toBe('http://www.zjjyd.gov.cn');
    expect(text(doc, 'site.sponsor')).toBe('永定区人民政府');
    expect(text(doc, 'site.type')).toBe('政府门户网站');
    expect(text(doc, 'site.idCode')).toBe('4308020001');
    expect(text(doc, 'site.icp')).toBe('湘ICP备05004476号');
    expect(text(doc, 'site.police')).toBe('湘公网安备43080202000101号');
    // one row per new-media account: 永定发布 a2 a7 a8; 永定发布微博 a2; the idle account never published
    const rows = doc.tables.find((x) => x.id === 'media')!.sections[0].rows;
    expect(rows.map((r) => r.label).sort()).toEqual(['永定发布', '永定发布微博']);
    expect(accountRow(doc, '永定发布')!.cells.map((c) => c.text ?? c.value)).toEqual(['政务微信', 3, null]);
    expect(accountRow(doc, '永定发布微博')!.cells.map((c) => c.text ?? c.value)).toEqual(['政务微博', 1, null]);
    expect(v[`media.${f.accounts.wechat}.items`]).toBe(3);
    expect(doc.manualMissing).toEqual(
      expect.arrayContaining(['visitors', 'visits', `media.${f.accounts.wechat}.followers`, `media.${f.accounts.weibo}.followers`]),
    );
    expect(doc.checks.filter((c) => c.severity === 'error' && !c.ok)).toEqual([]);
    // 2024 holds a4 only
    const y24 = await reports.report(TPL, f.orgs.county, false, year(2024));
    expect([y24.values['pub.total'], y24.values['pub.catalogue'], y24.values['topic.maintained']]).toEqual([1, 1, 0]);
    // the raw ledger gives the same numbers as the rollups
    const raw = await reports.computeLive(reports.template(TPL), f.orgs.county, false, year(2023), undefined, 'ledger');
    expect(raw.countSource).toBe('ledger');
    expect(raw.values).toEqual(doc.values);
  });

  it('with the subtree: the department site and its account join; a department report is a 部门网站', async () => {
    const doc = await reports.report(TPL, f.orgs.county, true, year(2023));
    expect([doc.values['pub.total'], doc.values['pub.overview'], doc.values['pub.news'], doc.values['pub.catalogue']]).toEqual([11, 1, 4, 7]); // + a14
    expect(
      doc.tables
        .find((x) => x.id === 'media')!
        .sections[0].rows.map((r) => r.label)
        .sort(),
    ).toEqual(['永定发布', '永定发布微博', '永定教育']);
    expect(accountRow(doc, '永定教育')!.cells[1].value).toBe(1);
    const dept = await reports.report(TPL, f.orgs.deptA, false, year(2023));
    expect(text(dept, 'site.type')).toBe('部门网站');
    expect(text(dept, 'site.name')).toBe('永定区教育局网站');
    expect(text(dept, 'site.icp')).toBe('');
    expect(dept.values['pub.total']).toBe(1);
    const other = await reports.report(TPL, f.orgs.other, false, year(2023));
    expect([other.values['pub.total'], other.values['media.has'], text(other, 'media.has')]).toEqual([1, 0, '否']);
    expect(other.tables.find((x) => x.id === 'media')!.sections[0].rows.map((r) => r.label)).toEqual(['（本年度无政务新媒体账号发布信息）']);
  });

  it('manual entries: followers per account, computed rows refused, 是/否 checked, then freeze', async () => {
    const tpl = reports.template(TPL);
    const bad = await rejects(() =>
      validateManualEntries(tpl, {
        'pub.overview': 3,
        'site.name': 1,
        [`media.${f.accounts.wechat}.bogus`]: 1,
        [`media.${f.accounts.wechat}.items`]: 9,
        visitors: -1,
      }),
    );
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect((bad.details as FieldProblem[]).map((d) => d.field).sort()).toEqual(
      [
        'entries.pub.overview',
        'entries.site.name',
        `entries.media.${f.accounts.wechat}.bogus`,
        `entries.media.${f.accounts.wechat}.items`,
        'entries.visitors',
      ].sort(),
    );
    expect((bad.details as FieldProblem[]).find((d) => d.field === 'entries.pub.overview')!.reason).toContain('系统计算');

    const entries = validateManualEntries(tpl, {
      visitors: 152000,
      visits: 1250000,
      'interp.materials': 1,
      'interp.products': 0,
      'interp.media': 0,
      'svc.catalogue': 2, // neither 是 nor 否
      'svc.items': 420,
      'svc.online': 380,
      'svc.cases.natural': 3000,
      'svc.cases.legal': 500,
      'int.msg.days': '3.5',
      'sec.found': 2,
      'sec.fixed': 2,
      [`media.${f.accounts.wechat}.followers`]: 12000,
      [`media.${f.accounts.weibo}.followers`]: 8600,
    });
    let doc = await reports.saveManual(TPL, f.orgs.county, 2023, entries, user, false);
    expect(doc.values['svc.cases']).toBe(3500); // 总数 = 自然人 + 法人
    expect(doc.values['int.msg.days']).toBe(3.5);
    expect(accountRow(doc, '永定发布')!.cells[2]).toMatchObject({ value: 12000, source: 'manual', enteredBy: '网站管理员' });
    expect(doc.manualMissing).not.toContain(`media.${f.accounts.wechat}.followers`);
    const yesNo = doc.checks.find((c) => c.id === 'svc.catalogue.yes-no')!;
    expect(yesNo.ok).toBe(false);
    const refused = await rejects(reports.freeze(TPL, f.orgs.county, false, 2023, SIGNOFF, user));
    expect([refused.status, refused.code]).toEqual([422, 'REPORT_CHECKS_FAILED']);
    expect((refused.details as FieldProblem[]).map((d) => d.field)).toContain('svc.catalogue.yes-no');

    doc = await reports.saveManual(TPL, f.orgs.county, 2023, validateManualEntries(tpl, { 'svc.catalogue': 1 }), user, false);
    expect(doc.checks.find((c) => c.id === 'svc.catalogue.yes-no')!.ok).toBe(true);
    expect(text(doc, 'svc.catalogue')).toBe('是');
    const frozen = await reports.freeze(TPL, f.orgs.county, false, 2023, SIGNOFF, user);
    expect(frozen.source).toBe('frozen');
    // A late, back-dated publication on the site and on WeChat: the frozen report keeps its numbers,
    // the drill-down of the account lists the frozen members and the item that joined since.
    await f.publish('a4', 'wechat', '2023-11-11T02:00:00Z');
    const served = await reports.report(TPL, f.orgs.county, false, year(2023));
    expect(served.source).toBe('frozen');
    expect(served.values[`media.${f.accounts.wechat}.items`]).toBe(3);
    expect(served.values[`media.${f.accounts.wechat}.followers`]).toBe(12000);
    const drill = await reports.drill(TPL, f.orgs.county, false, year(2023), `media.${f.accounts.wechat}.items`, { limit: 50, offset: 0 });
    expect(drill.frozen).toBe(true);
    expect(drill.cell.value).toBe(3);
    expect(drill.total).toBe(3);
    expect(drill.items.map((i) => i.title).sort()).toEqual(['网站信息a2', '网站信息a7', '网站信息a8']);
    expect(drill.sinceFreeze!.joined.map((i) => i.title)).toEqual(['网站信息a4']);
    const edit = await rejects(reports.saveManual(TPL, f.orgs.county, 2023, validateManualEntries(tpl, { visitors: 1 }), user, false));
    expect([edit.status, edit.code]).toEqual([409, 'REPORT_FROZEN']);
  });

  it('drills the site figures down to their items, frozen members and those that joined since', async () => {
    const news = await reports.drill(TPL, f.orgs.county, false, year(2023), 'pub.news', { limit: 50, offset: 0 });
    expect(news.items.map((i) => i.title)).toEqual(['网站信息a16', '网站信息a2', '网站信息a3', '网站信息a13']); // by first publication
    expect(news.items[1].publications.map((p) => p.channelType)).toEqual(['portal']); // the site's rows only
    expect(news.items[3].publications[0].withdrawnAt).toBe('2023-10-05T02:00:00.000Z');
    const page2 = await reports.drill(TPL, f.orgs.county, false, year(2023), 'pub.news', { limit: 2, offset: 2 });
    expect([page2.total, page2.items.length]).toEqual([4, 2]);
    // a17 (综合政务) reaches the site late, back-dated into 2023: the frozen cell keeps its six items
    await f.publish('a17', 'portal', '2023-11-20T02:00:00Z');
    const cat = await reports.drill(TPL, f.orgs.county, false, year(2023), 'pub.catalogue', { limit: 50, offset: 0 });
    expect([cat.frozen, cat.cell.value, cat.total]).toEqual([true, 6, 6]);
    expect(cat.items.map((i) => i.title).sort()).toEqual(['网站信息a10', '网站信息a11', '网站信息a16', '网站信息a5', '网站信息a6', '网站信息a7']);
    expect(cat.sinceFreeze!.joined.map((i) => i.title)).toEqual(['网站信息a17']);
    const interp = await reports.drill(TPL, f.orgs.county, false, year(2023), 'interp.total', { limit: 50, offset: 0 });
    expect(interp.items.map((i) => i.title)).toEqual(['网站信息a6']);
    const columns = await rejects(reports.drill(TPL, f.orgs.county, false, year(2023), 'topic.maintained', { limit: 50, offset: 0 }));
    expect([columns.status, columns.code]).toEqual([400, 'CELL_NOT_ITEMS']);
    const drill = await reports.drill(TPL, f.orgs.county, false, year(2023), 'pub.total', { limit: 50, offset: 0 });
    expect(drill.total).toBe(10);
    expect(drill.sinceFreeze!.joined.map((i) => i.title)).toEqual(['网站信息a17']);
    const notComputed = await rejects(reports.drill(TPL, f.orgs.county, false, year(2023), 'visitors', { limit: 50, offset: 0 }));
    expect(notComputed.code).toBe('CELL_NOT_COMPUTED');
  });

  it('XLSX: the official rows with the figures, the identity text and one row per account, read back', async () => {
    const doc = await reports.report(TPL, f.orgs.county, false, year(2023));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exporter.toXlsx(doc)) as any);
    const ws = wb.getWorksheet('统计表')!;
    const byLabel = new Map<string, unknown[]>();
    ws.eachRow((row) => {
      const vals = (row.values as unknown[]).slice(1);
      const label = String(vals[0] ?? '').trim();
      if (label && !byLabel.has(label))
        byLabel.set(
          label,
          vals.slice(1).filter((x) => x !== null && x !== undefined && x !== ''),
        );
    });
    expect(ws.getCell(1, 1).value).toBe('政府网站工作年度报表');
    expect(byLabel.get('网站名称')).toEqual(['张家界市永定区人民政府']);
    expect(byLabel.get('主办单位')).toEqual(['永定区人民政府']);
    expect(byLabel.get('概况类信息更新量')).toEqual(['条', 1]);
    expect(byLabel.get('政务动态信息更新量')).toEqual(['条', 4]);
    expect(byLabel.get('信息公开目录信息更新量')).toEqual(['条', 6]);
    expect(byLabel.get('新开设数量')).toEqual(['个', 1]);
    expect(byLabel.get('回应公众关注热点或重大舆情数量')).toEqual(['次', 1]);
    expect(byLabel.get('独立用户访问总量')).toEqual(['个', 152000]);
    expect(byLabel.get('永定发布')).toEqual(['政务微信', 3, 12000]);
    expect(byLabel.get('永定发布微博')).toEqual(['政务微博', 1, 8600]);
    for (const part of ['信息发布', '专栏专题', '解读回应', '办事服务', '互动交流', '安全防护', '移动新媒体']) expect(byLabel.has(part)).toBe(true);
    expect([...byLabel.keys()].some((l) => l.startsWith('单位负责人：杨庸庸'))).toBe(true);
  });

  (SOFFICE ? it : it.skip)(
    'XLSX read back by LibreOffice (soffice --convert-to csv)',
    async () => {
      const doc = await reports.report(TPL, f.orgs.county, false, year(2023));
      const rows = sofficeRows(await exporter.toXlsx(doc));
      const byLabel = new Map<string, string[]>();
      for (const r of rows)
        if (!byLabel.has(r[0]))
          byLabel.set(
            r[0],
            r.slice(1).filter((x) => x !== ''),
          );
      expect(rows[0][0]).toBe('政府网站工作年度报表');
      expect(byLabel.get('首页网址')).toEqual(['http://www.zjjyd.gov.cn']);
      expect(byLabel.get('总数')).toEqual(['条', '10']); // the first 总数 row: 信息发布
      expect(byLabel.get('维护数量')).toEqual(['个', '2']);
      expect(byLabel.get('网站总访问量')).toEqual(['次', '1250000']);
      expect(byLabel.get('永定发布')).toEqual(['政务微信', '3', '12000']);
    },
    180_000,
  );
});
