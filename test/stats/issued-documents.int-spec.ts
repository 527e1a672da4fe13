import { DataSource } from 'typeorm';
import { createTestDataSource } from '@app/test/utils/test-db';
import { LedgerQueryService } from '@app/stats/ledger-query.service';
import { parsePeriod } from '@app/stats/period';
import { ReportService } from '@app/stats/report.service';
import { TemplateRegistry } from '@app/stats/template-registry.service';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

/**
 * Issue 16 point 6: 本年制发 / 现行有效 (and 本年废止) count documents that were issued, i.e. have an
 * approved version, with the facts of that version; drafts never submitted, items waiting for review
 * and rejected ones are not documents yet, and a revision counts only once approved.
 */
describe('document cells count issued (approved) versions only (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: StatsFixture;
  let reports: ReportService;
  const ids = ['regulation', 'normative'].flatMap((k) => ['written', 'repealed', 'inForce'].map((m) => `t2.${k}.${m}`));
  const values = async (year: number) => {
    const doc = await reports.report('gov-2021', f.orgs.county, true, parsePeriod({ year }));
    return Object.fromEntries(ids.map((id) => [id, doc.values[id]]));
  };

  beforeAll(async () => {
    t = await createTestDataSource('statsissueddocs');
    ds = t.ds;
    f = await buildFixture(ds);
    await publishAll(f, ds);
    reports = new ReportService(ds, new LedgerQueryService(ds), new TemplateRegistry());
  });
  afterAll(async () => {
    await t.close();
  });

  it('drafts, pending and rejected documents are not counted; approving one counts it', async () => {
    const before = await values(2018);
    expect(before).toEqual({
      't2.regulation.written': 1, // i9
      't2.regulation.repealed': 0,
      't2.regulation.inForce': 2, // i8 i9
      't2.normative.written': 3, // i2 i7 i13
      't2.normative.repealed': 1, // i6
      't2.normative.inForce': 2, // i2 i7
    });
    // Written in 2018 but never issued: a draft never submitted, one waiting for review, one rejected.
    await f.addItem({ key: 'd1', org: 'county', kind: 'normative', written: '2018-04-04', status: 'draft' });
    await f.addItem({ key: 'd2', org: 'deptA', kind: 'normative', written: '2018-05-05', status: 'submitted' });
    await f.addItem({ key: 'd3', org: 'county', kind: 'regulation', written: '2018-06-06', status: 'rejected' });
    await f.addItem({ key: 'd4', org: 'deptB', kind: 'normative', written: '2017-01-01', repealed: '2018-03-03', validity: '废止', status: 'draft' });
    expect(await values(2018)).toEqual(before);
    const drill = await reports.drill('gov-2021', f.orgs.county, true, parsePeriod({ year: 2018 }), 't2.normative.written', { limit: 50, offset: 0 });
    expect(drill.items.map((i) => i.itemId)).toEqual([f.items.i2.id, f.items.i7.id, f.items.i13.id]);
    expect(drill.total).toBe(3);
    const gov2014 = await reports.report('gov-2014', f.orgs.county, true, parsePeriod({ year: 2018 }));
    expect(gov2014.values['1-1-b']).toBe(3);

    // Approved: it is issued and counts.
    await f.approve('d2');
    expect((await values(2018))['t2.normative.written']).toBe(4);
    expect((await values(2018))['t2.normative.inForce']).toBe(3);
  });

  it('a revision counts only once approved: the figures are those of the latest approved version', async () => {
    // i8 (规章, written 2016, in force) is revised to 废止 on 2018-10-10: while the revision waits for
    // review (or is rejected) the item row carries the new facts, the issued version does not.
    await ds.query(`UPDATE items SET validity = '废止', repealed_date = '2018-10-10', status = 'rejected' WHERE id = $1`, [f.items.i8.id]);
    expect((await values(2018))['t2.regulation.repealed']).toBe(0);
    expect((await values(2018))['t2.regulation.inForce']).toBe(2);
    await f.approve('i8', { validity: '废止', repealed: '2018-10-10' });
    expect((await values(2018))['t2.regulation.repealed']).toBe(1);
    expect((await values(2018))['t2.regulation.inForce']).toBe(1);
    // A later version approved and then an older version number arriving late never rolls the facts back.
    const [{ n }] = await ds.query(`SELECT version_no AS n FROM stats_documents WHERE item_id = $1`, [f.items.i8.id]);
    expect(n).toBe(2);
  });
});
