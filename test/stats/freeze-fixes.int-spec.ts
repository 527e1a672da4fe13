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

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a rejection');
}

const SIGNOFF = { unitHead: '杨庸庸', reviewer: '符冬媛', preparer: '周晓佳', phone: '0744-8596033', filledDate: '2019-02-25' };

/**
 * Issue 16 point 5, the freeze fixes the hand check found: both variants of a report (with the subtree,
 * own items only) freeze independently; a frozen report's drill-down lists exactly the frozen members
 * (document cells too) and marks what changed since; the freeze note prints the Beijing day.
 */
describe('freeze fixes: variants, frozen drill-down membership, Beijing day (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: StatsFixture;
  let reports: ReportService;
  let user: AuthUser;
  const y2018 = parsePeriod({ year: 2018 });
  const page = { limit: 100, offset: 0 };

  beforeAll(async () => {
    t = await createTestDataSource('statsfreezefix');
    ds = t.ds;
    f = await buildFixture(ds);
    await publishAll(f, ds);
    reports = new ReportService(ds, new LedgerQueryService(ds), new TemplateRegistry());
    user = { id: f.userId, username: 'stat', displayName: '统计员', roles: [{ organisationId: f.orgs.county.id, role: 'statistician' }] };
  });
  afterAll(async () => {
    await t.close();
  });

  it('the subtree report and the own-only report freeze independently; an unfrozen variant is served live', async () => {
    const subtree = await reports.freeze('gov-2014', f.orgs.county, true, 2018, SIGNOFF, user);
    expect([subtree.subtree, subtree.values['1-1'], subtree.values['1-1-b']]).toEqual([true, 10, 3]);

    // The own-only variant is not frozen: it is live, with its own figures, not the subtree's.
    const ownLive = await reports.report('gov-2014', f.orgs.county, false, y2018);
    expect([ownLive.source, ownLive.frozen, ownLive.subtree, ownLive.values['1-1'], ownLive.values['1-1-b']]).toEqual(['live', null, false, 6, 1]);
    const ownDrill = await reports.drill('gov-2014', f.orgs.county, false, y2018, '1-1', page);
    expect([ownDrill.frozen, ownDrill.cell.value, ownDrill.total]).toEqual([false, 6, 6]);

    // …and it can be frozen too (was 409 once the subtree report was frozen).
    const own = await reports.freeze('gov-2014', f.orgs.county, false, 2018, SIGNOFF, user);
    expect([own.source, own.subtree, own.values['1-1'], own.values['1-1-b']]).toEqual(['frozen', false, 6, 1]);
    expect(own.frozen!.id).not.toBe(subtree.frozen!.id);

    const gotOwn = await reports.report('gov-2014', f.orgs.county, false, y2018);
    expect([gotOwn.source, gotOwn.frozen!.id, gotOwn.values['1-1']]).toEqual(['frozen', own.frozen!.id, 6]);
    const gotSub = await reports.report('gov-2014', f.orgs.county, true, y2018);
    expect([gotSub.source, gotSub.frozen!.id, gotSub.values['1-1']]).toEqual(['frozen', subtree.frozen!.id, 10]);

    // Each variant once; the frozen views are per variant.
    expect(await rejects(reports.freeze('gov-2014', f.orgs.county, false, 2018, SIGNOFF, user))).toMatchObject({ status: 409, code: 'REPORT_FROZEN' });
    expect(await rejects(reports.freeze('gov-2014', f.orgs.county, true, 2018, SIGNOFF, user))).toMatchObject({ status: 409, code: 'REPORT_FROZEN' });
    expect((await reports.frozenView('gov-2014', f.orgs.county, 2018, false)).report.values['1-1']).toBe(6);
    expect((await reports.frozenView('gov-2014', f.orgs.county, 2018, true)).report.values['1-1']).toBe(10);
    expect(await rejects(reports.frozenView('gov-2021', f.orgs.county, 2018, false))).toMatchObject({ status: 404 });

    // Manual entries are shared by both variants: refused once either is frozen.
    const tpl = reports.template('gov-2014');
    expect(await rejects(reports.saveManual('gov-2014', f.orgs.county, 2018, validateManualEntries(tpl, { '3-1': 5 }), user))).toMatchObject({
      status: 409,
      code: 'REPORT_FROZEN',
    });
    // Another organisation's variants are untouched.
    expect((await reports.report('gov-2014', f.orgs.deptA, false, y2018)).source).toBe('live');
  });

  it('document cells of a frozen report drill down to the frozen members and mark what changed since', async () => {
    // After both freezes: a new county document of 2018 is approved (joins 本年制发), i13 is revised to an
    // earlier 成文日期 (leaves it), and a publication of i7 is back-dated into 2018 (joins the portal row).
    await f.addItem({ key: 'i20', org: 'county', kind: 'normative', category: '综合政务', written: '2018-09-09', status: 'draft' });
    await f.approve('i20');
    await f.approve('i13', { written: '2017-12-12' });
    await f.publish('i7', 'portal', '2018-12-20T02:00:00Z');
    const live = await reports.computeLive(reports.template('gov-2014'), f.orgs.county, true, y2018);
    expect(live.values['1-1-b']).toBe(3); // i2 i7 i20: the same number, other members

    const d = await reports.drill('gov-2014', f.orgs.county, true, y2018, '1-1-b', page);
    expect([d.frozen, d.cell.value, d.total]).toEqual([true, 3, 3]);
    expect(d.items.map((i) => i.itemId).sort()).toEqual([f.items.i2.id, f.items.i7.id, f.items.i13.id].sort());
    expect(Object.fromEntries(d.items.map((i) => [i.itemId, i.leftSinceFreeze]))).toEqual({
      [f.items.i2.id]: false,
      [f.items.i7.id]: false,
      [f.items.i13.id]: true,
    });
    expect(d.sinceFreeze).toMatchObject({ joinedTotal: 1, left: 1 });
    expect(d.sinceFreeze!.joined.map((i) => [i.itemId, i.afterFreeze])).toEqual([[f.items.i20.id, true]]);
    // The CSV lists the frozen members, then the items that joined, with both marks.
    const csv = new ReportExportService().drillCsv(d).split('\r\n');
    expect(csv).toHaveLength(1 + 3 + 1 + 1); // header, members, joined, final CRLF
    expect(csv.find((l) => l.startsWith(f.items.i20.id))!.endsWith(',是,否')).toBe(true);
    expect(csv.find((l) => l.startsWith(f.items.i13.id))!.endsWith(',否,是')).toBe(true);
    expect(csv.find((l) => l.startsWith(f.items.i2.id))!.endsWith(',否,否')).toBe(true);
    // Paging walks the frozen members only.
    const p2 = await reports.drill('gov-2014', f.orgs.county, true, y2018, '1-1-b', { limit: 2, offset: 2 });
    expect([p2.total, p2.items.length]).toEqual([3, 1]);

    // The own-only variant froze its own members (i7 only).
    const own = await reports.drill('gov-2014', f.orgs.county, false, y2018, '1-1-b', page);
    expect([own.cell.value, own.total, own.items.map((i) => i.itemId)]).toEqual([1, 1, [f.items.i7.id]]);
    expect(own.sinceFreeze!.joined.map((i) => i.itemId)).toEqual([f.items.i20.id]);

    // Ledger cells the same way: the frozen members, the back-dated item listed as joined.
    const portal = await reports.drill('gov-2014', f.orgs.county, true, y2018, '1-2-2', page);
    expect([portal.cell.value, portal.total]).toEqual([9, 9]);
    expect(portal.items.map((i) => i.itemId)).not.toContain(f.items.i7.id);
    expect(portal.items.every((i) => i.afterFreeze === false && i.leftSinceFreeze === false)).toBe(true);
    expect(portal.sinceFreeze!.joined.map((i) => [i.itemId, i.afterFreeze])).toEqual([[f.items.i7.id, true]]);
    expect(portal.sinceFreeze!.left).toBe(0);

    // The frozen view counts a cell whose members changed as changed, even with the same number.
    const view = await reports.frozenView('gov-2014', f.orgs.county, 2018, true);
    const b = view.changesSinceFreeze.cells.find((c) => c.cellId === '1-1-b')!;
    expect(b).toMatchObject({ frozen: 3, current: 3, changed: true, joined: 1, left: 1 });

    // A report that is not frozen has no freeze marks.
    const y2019 = await reports.drill('gov-2014', f.orgs.county, true, parsePeriod({ year: 2019 }), '1-1-b', page);
    expect([y2019.frozen, y2019.sinceFreeze ?? null]).toEqual([false, null]);
  });

  it('the XLSX freeze note prints the Beijing day of the freeze', async () => {
    const doc = await reports.report('gov-2014', f.orgs.county, true, y2018);
    // Frozen at 00:30 on 26 February, Beijing time (still the 25th in UTC).
    const late = { ...doc, frozen: { ...doc.frozen!, frozenAt: '2019-02-25T16:30:00.000Z' } };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await new ReportExportService().toXlsx(late)) as any);
    const texts: string[] = [];
    wb.getWorksheet('统计表')!.eachRow((row) => row.eachCell((c) => texts.push(String(c.value ?? ''))));
    expect(texts).toContain('本表已于2019年2月26日封存，数据不再变动。');
  });
});
