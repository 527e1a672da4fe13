import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { APP_SCHEMA } from '@app/composition/app-schema';
import { dataSourceOptions } from '@app/persistence/data-source';
import { LedgerQueryService } from '@app/stats/ledger-query.service';
import { parsePeriod } from '@app/stats/period';
import { ReportService } from '@app/stats/report.service';
import { TemplateRegistry } from '@app/stats/template-registry.service';
import { dbPrefix, readTestState, withDatabase } from '@app/test/utils/test-env';
import { buildFixture, publishAll, StatsFixture } from './stats-fixture';

const timestampOf = (m: { name: string }) => Number(/(\d{13})$/.exec(m.name)![1]);
const REPORT_ROWS_MIGRATION = 1732006100000;
/** Later migrations that rewrite the rollup trigger on top of it: left out with it, applied after it. */
const LATER_ROLLUP_MIGRATIONS = [1732009600000, 1732010000000];

/**
 * Upgrading a database that already has publications: the rollups built under the old dimensions
 * (channel names in SQL) are recomputed under report rows and the new-media flag, and a report frozen
 * before the upgrade keeps its figures, which equal what the new dimensions count.
 */
describe('migration 1732006100000: rollups keyed on report rows (real Postgres)', () => {
  const admin = readTestState().adminUrl;
  const name = `${dbPrefix()}statsupgrade_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(admin, name);
  let ds: DataSource | null = null;
  let f: StatsFixture;
  const y2018 = parsePeriod({ year: 2018 });

  beforeAll(async () => {
    const c = new Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    const c = new Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  it('recomputes existing rollups and leaves frozen figures as they were', async () => {
    // Every other migration (the entities are today's), this one (and the trigger rewrites built on it) left out.
    const leftOut = [REPORT_ROWS_MIGRATION, ...LATER_ROLLUP_MIGRATIONS];
    const before = APP_SCHEMA.migrations.filter((m) => !leftOut.includes(timestampOf(m as unknown as { name: string })));
    expect(before.length).toBe(APP_SCHEMA.migrations.length - leftOut.length);
    ds = new DataSource(dataSourceOptions(url, { entities: APP_SCHEMA.entities, migrations: before }));
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    f = await buildFixture(ds);
    await publishAll(f, ds);
    const oldDims: { dim: string }[] = await ds.query(`SELECT DISTINCT dim FROM stats_rollups WHERE dim IN ('g:other', 'f:response-wbwx') OR dim LIKE 'r:%'`);
    expect(oldDims.map((r) => r.dim).sort()).toEqual(['f:response-wbwx', 'g:other']);

    // A report frozen before the upgrade (its figures from the raw ledger, as a freeze stores them).
    const reports = () => new ReportService(ds!, new LedgerQueryService(ds!), new TemplateRegistry());
    const tpl = reports().template('gov-2014');
    const doc = await reports().computeLive(tpl, f.orgs.county, true, y2018, undefined, 'ledger');
    const frozenDoc = { ...doc, source: 'frozen', frozen: { id: null, frozenAt: '2019-02-25T08:00:00.000Z', frozenBy: f.userId, watermark: '0' } };
    const [{ wm }] = await ds.query(`SELECT max(id)::text AS wm FROM publication_records`);
    await ds.query(
      `INSERT INTO stats_frozen_reports (id, organisation_id, template_id, year, subtree, period_from, period_to, ledger_watermark, frozen_by, frozen_at, signoff, report)
       VALUES (gen_random_uuid(), $1, 'gov-2014', 2018, true, '2018-01-01', '2018-12-31', $2, $3, now(), '{}', $4)`,
      [f.orgs.county.id, wm, f.userId, JSON.stringify(frozenDoc)],
    );
    await ds.destroy();

    ds = new DataSource(dataSourceOptions(url, APP_SCHEMA));
    await ds.initialize();
    const ran = await ds.runMigrations({ transaction: 'each' });
    expect(ran.map((m) => m.name)).toContain('StatsReportRows1732006100000');

    const gone: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM stats_rollups WHERE dim IN ('g:other', 'f:response-wbwx')`);
    expect(gone[0].n).toBe(0);
    const q = new LedgerQueryService(ds);
    const scope = { orgId: f.orgs.county.id, orgPath: f.orgs.county.path, subtree: true };
    const rollup = await q.channelCounts(scope, y2018, 'rollup');
    expect(rollup.byReportRow).toEqual({ gazette: 0, portal: 9, weibo: 1, wechat: 2, other: 1 });
    expect({ ...rollup, source: 'x' }).toEqual({ ...(await q.channelCounts(scope, y2018, 'ledger')), source: 'x' });
    const dims = ['*', 'r:other', 'r:portal', 'f:response', 'f:response-newmedia'];
    for (const p of [y2018, parsePeriod({ year: 2018, quarter: 3 }), parsePeriod({ year: 2019, month: 1 })]) {
      const a = await q.countDims(scope, p, dims, 'rollup');
      const b = await q.countDims(scope, p, dims, 'ledger');
      expect(Object.fromEntries(a.counts)).toEqual(Object.fromEntries(b.counts));
    }

    const served = await reports().report('gov-2014', f.orgs.county, true, y2018);
    expect(served.source).toBe('frozen');
    expect(served.values).toEqual(doc.values);
    const view = await reports().frozenView('gov-2014', f.orgs.county, 2018);
    expect(view.changesSinceFreeze.changedCells).toBe(0);
    expect(view.changesSinceFreeze.cells.find((c) => c.cellId === '2-2-4')).toMatchObject({ frozen: 1, current: 1 });
  });
});
