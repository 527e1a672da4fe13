import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDataSource } from '@app/test/utils/test-db';
import { LedgerQueryService, Scope } from '@app/stats/ledger-query.service';
import { parsePeriod } from '@app/stats/period';
import { foldPending, type FoldDb } from '@app/stats/rollup-fold';
import { STATS_FOLD_LOCK_KEY } from '@app/stats/migrations/1732010000000-stats-rollup-deferred';
import { loadConfigPart } from '@app/common/config/app-config';
import { StatsFoldTask } from '../../apps/worker/src/schedule/tasks/stats-fold.task';
import { SCHEDULE_LIST } from '../../apps/worker/src/schedule/schedule-list';
import { buildFixture, StatsFixture } from './stats-fixture';

/**
 * The rollups are folded from the pending ledger rows (migration 1732010000000), not in the
 * publishing transaction: publishers of one item do not queue on each other, every row is counted
 * exactly once however folds and publications interleave, and reads see every committed publication.
 */
describe('statistics rollups folded from the pending ledger rows (real Postgres)', () => {
  let t: Awaited<ReturnType<typeof createTestDataSource>>;
  let ds: DataSource;
  let f: StatsFixture;
  let q: LedgerQueryService;
  const scope = (k: keyof StatsFixture['orgs'], subtree = true): Scope => ({ orgId: f.orgs[k].id, orgPath: f.orgs[k].path, subtree });
  const clients: Client[] = [];
  const client = async () => {
    const c = new Client({ connectionString: t.url });
    await c.connect();
    clients.push(c);
    return c;
  };
  const insert = (c: Pick<Client, 'query'> | FoldDb, itemId: string, account: string, at: string) =>
    c.query(
      `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response)
       VALUES ($1, 1, $2, 'wechat', $3, $4, 'notice', '财政', false, false, false)`,
      [itemId, f.orgs.deptB.id, account, at],
    );
  const pending = async () => Number((await ds.query(`SELECT count(*) AS n FROM stats_pending_publications`))[0].n);
  const rollups = async () =>
    (await ds.query(`SELECT grain, period_start::text AS p, dim, organisation_id, n FROM stats_rollups ORDER BY 1, 2, 3, 4`)).map((r: object) =>
      JSON.stringify(r),
    );
  const itemPeriods = async () =>
    (await ds.query(`SELECT item_id, organisation_id, year, dims FROM stats_item_periods ORDER BY 1, 2, 3`)).map((r: object) => JSON.stringify(r));
  let n = 0;
  const newItem = () => f.addItem({ key: `fold${++n}`, org: 'deptB', kind: 'notice', status: 'approved' });

  beforeAll(async () => {
    t = await createTestDataSource('statsfold');
    ds = t.ds;
    f = await buildFixture(ds);
    q = new LedgerQueryService(ds);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
  });
  afterAll(async () => {
    await t.close();
  });

  it('two transactions publishing one item do not wait for each other, and count it once', async () => {
    const itemId = await newItem();
    const a = await client();
    const b = await client();
    const [{ pid }] = (await b.query('SELECT pg_backend_pid() AS pid')).rows;
    await a.query('BEGIN');
    await b.query('BEGIN');
    await insert(a, itemId, f.accounts.wechat, '2021-03-01T01:00:00Z');
    // b's INSERT of the same item either completes or is seen waiting for a lock (a's transaction is open).
    let done = false;
    const second = insert(b, itemId, f.accounts.wechatA, '2021-03-01T01:00:01Z').then(() => (done = true));
    let waitedOnLock = false;
    while (!done && !waitedOnLock) {
      const [row] = await ds.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
      waitedOnLock = row?.wait_event_type === 'Lock';
    }
    await a.query('COMMIT');
    await second;
    await b.query('COMMIT');
    expect(waitedOnLock).toBe(false);
    const p = parsePeriod({ year: 2021, month: 3 });
    const r = await q.countDims(scope('deptB', false), p, ['*', 'ch:wechat', `a:${f.accounts.wechat}`, `a:${f.accounts.wechatA}`], 'rollup');
    expect(Object.fromEntries(r.counts)).toEqual({ '*': 1, 'ch:wechat': 1, [`a:${f.accounts.wechat}`]: 1, [`a:${f.accounts.wechatA}`]: 1 });
    expect(await pending()).toBe(0);
  });

  it('a read of the rollups includes every publication committed before it', async () => {
    const itemId = await newItem();
    const p = parsePeriod({ year: 2022 });
    const before = (await q.countDims(scope('deptB', false), p, ['*'], 'rollup')).counts.get('*');
    await insert(ds, itemId, f.accounts.wechat, '2022-05-05T05:00:00Z');
    expect(await pending()).toBe(1);
    expect((await q.countDims(scope('deptB', false), p, ['*'], 'rollup')).counts.get('*')).toBe(before! + 1);
    expect(await pending()).toBe(0);
  });

  it('counts every row exactly once while publications and folds of both kinds interleave', async () => {
    const items = await Promise.all(Array.from({ length: 12 }, () => newItem()));
    const accounts = [f.accounts.wechat, f.accounts.wechatA];
    const publishers = await Promise.all([client(), client(), client()]);
    const folders = await Promise.all([client(), client()]);
    let publishing = true;
    const publish = async (c: Client, k: number) => {
      for (let i = 0; i < 40; i++) {
        const item = items[(i * 7 + k) % items.length];
        await c.query('BEGIN');
        await insert(c, item, accounts[(i + k) % 2], `2023-${String(1 + ((i + k) % 12)).padStart(2, '0')}-0${1 + (i % 9)}T0${k}:00:00Z`);
        if (i % 3 === 0) await insert(c, items[(i + 1) % items.length], accounts[i % 2], `2023-06-15T0${k}:00:00Z`);
        await c.query(i % 5 === 4 ? 'ROLLBACK' : 'COMMIT');
      }
    };
    const fold = async (c: Client, wait: boolean) => {
      let folds = 0;
      while (publishing || folds === 0) {
        await c.query('SELECT stats_fold_pending($1, $2)', [3, wait]);
        folds++;
      }
    };
    const folding = [fold(folders[0], true), fold(folders[1], false)];
    await Promise.all(publishers.map((c, k) => publish(c, k)));
    publishing = false;
    await Promise.all(folding);
    await q.settle();
    expect(await pending()).toBe(0);
    const folded = await rollups();
    const foldedPeriods = await itemPeriods();
    await ds.query('SELECT stats_rebuild()');
    expect(await rollups()).toEqual(folded);
    expect(await itemPeriods()).toEqual(foldedPeriods);
    const p = parsePeriod({ year: 2023 });
    const dims = ['*', 'ch:wechat', `a:${f.accounts.wechat}`, `a:${f.accounts.wechatA}`];
    const viaRollup = await q.countDims(scope('deptB', false), p, dims, 'rollup');
    expect(Object.fromEntries(viaRollup.counts)).toEqual(Object.fromEntries((await q.countDims(scope('deptB', false), p, dims, 'ledger')).counts));
    expect(viaRollup.counts.get('*')).toBeGreaterThan(6);
  });

  it("the schedule's fold leaves the rows to a fold in progress and takes them once it is done", async () => {
    const itemId = await newItem();
    await insert(ds, itemId, f.accounts.wechat, '2024-02-02T02:00:00Z');
    const holder = await client();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [STATS_FOLD_LOCK_KEY]);
    expect(await foldPending(ds, false)).toBe(0);
    expect(await pending()).toBe(1);
    await holder.query('COMMIT');
    expect(await foldPending(ds, false)).toBe(1);
    expect(await pending()).toBe(0);
  });

  it("the worker's stats-fold task, every second by default, folds what was published since", async () => {
    expect(SCHEDULE_LIST).toContain(StatsFoldTask);
    const config = loadConfigPart(['STATS_FOLD_CRON'], {}) as ConstructorParameters<typeof StatsFoldTask>[0];
    const task = new StatsFoldTask(config, ds);
    expect(task.cron()).toBe('* * * * * *');
    const itemId = await newItem();
    await insert(ds, itemId, f.accounts.wechatA, '2024-08-08T08:00:00Z');
    expect(await task.run()).toBe(1);
    expect(await pending()).toBe(0);
    const y = await ds.query(`SELECT n FROM stats_rollups WHERE grain = 'Y' AND period_start = '2024-01-01' AND dim = $1`, [`a:${f.accounts.wechatA}`]);
    expect(y).toEqual([{ n: 1 }]);
  });

  it('folds a backlog larger than a batch in one call, a batch per transaction', async () => {
    const items = await Promise.all(Array.from({ length: 7 }, () => newItem()));
    for (const [i, item] of items.entries()) await insert(ds, item, f.accounts.wechat, `2025-0${1 + i}-03T03:00:00Z`);
    expect(await pending()).toBe(7);
    expect(await foldPending(ds, true, 3)).toBe(7);
    expect(await pending()).toBe(0);
    const y = await q.countDims(scope('deptB', false), parsePeriod({ year: 2025 }), ['*'], 'rollup');
    expect(y.counts.get('*')).toBe(7);
  });

  it('stats_rebuild() drops the pending rows it counted from the ledger (never counted twice)', async () => {
    const itemId = await newItem();
    await insert(ds, itemId, f.accounts.wechat, '2026-04-04T04:00:00Z');
    expect(await pending()).toBe(1);
    await ds.query('SELECT stats_rebuild()');
    expect(await pending()).toBe(0);
    const y = await q.countDims(scope('deptB', false), parsePeriod({ year: 2026 }), ['*', 'ch:wechat'], 'rollup');
    expect(Object.fromEntries(y.counts)).toEqual({ '*': 1, 'ch:wechat': 1 });
  });

  it('依申请公开 rows are never pending (only 主动公开 is counted)', async () => {
    const itemId = await newItem();
    await ds.query(
      `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, channel_account_id, published_at, kind, category,
         is_normative, is_interpretation, is_response, disclosure_attr)
       VALUES ($1, 1, $2, 'wechat', $3, '2026-05-05T05:00:00Z', 'notice', '财政', false, false, false, '依申请公开')`,
      [itemId, f.orgs.deptB.id, f.accounts.wechat],
    );
    expect(await pending()).toBe(0);
  });
});
