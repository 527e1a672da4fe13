/**
 * bench:scale part "ledger": publication statements of two writers (two worker processes) that
 * publish the same items at once, with the statistics rollups folded from pending rows (migration
 * 1732010000000, the folds included in the time) against the baseline installed in the same database:
 * the rollup in the publishing transaction (the trigger of migration 1732009600000).
 *
 * Each round and mode gets fresh items in a year of its own, so both modes count every item anew.
 * Figures per ledger row: wall time of the whole run and the Postgres CPU of every backend involved
 * (/proc/<pid>/stat of the writers' and the folder's sessions; Postgres must run on this machine), and
 * the writers' lock waits seen by sampling pg_stat_activity. Rounds alternate which mode goes first;
 * each figure is its mode's median round. The rollups are checked against stats_rebuild() at the end.
 *
 * Alone: node -r @swc-node/register bench/scale/ledger.ts (BENCH_SCALE, BENCH_LEDGER_ROUNDS (3),
 * BENCH_LEDGER_BATCH (rows per statement, 3), BENCH_KEEP_DB, DATABASE_URL).
 */
import 'reflect-metadata';
import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { appDataSourceOptions } from '@app/composition/app-database';
import { FOLDED_ROLLUP_TRIGGER, INLINE_ROLLUP_TRIGGER } from '@app/stats/migrations/1732010000000-stats-rollup-deferred';
import { foldPending } from '@app/stats/rollup-fold';
import { withDatabase } from '@app/test/utils/test-env';
import { cpuOf } from '../fanout/fanout-cpu';
import { median } from '../stats/bench-timing';
import { runAlone, type Figures } from './bench-part';

type Mode = 'folded' | 'inline';
const WRITERS = 2;
const ACCOUNTS_PER_WRITER = 5;
/** The worker's schedule folds every second (STATS_FOLD_CRON). */
const FOLD_EVERY_MS = 1000;

interface Run {
  rowsPerSec: number;
  pgCpuMsPerRow: number;
  lockWaitShare: number;
}

export async function runLedger(opts: { scale: number; log: (m: string) => void }): Promise<Figures> {
  const { log } = opts;
  const rounds = Math.max(1, Math.floor(Number(process.env.BENCH_LEDGER_ROUNDS ?? 3)));
  const batch = Math.max(1, Math.floor(Number(process.env.BENCH_LEDGER_BATCH ?? 3)));
  const items = Math.max(100, Math.round(1000 * opts.scale));
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `ledger_bench_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(adminUrl, dbName);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const ds = new DataSource(appDataSourceOptions(url, { poolMax: 2 }));
  const clients: Client[] = [];
  const session = async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    const [{ pid }] = (await c.query('SELECT pg_backend_pid() AS pid')).rows;
    return { c, pid: Number(pid) };
  };
  try {
    await ds.initialize();
    await runMigrationsLocked(ds);
    const [{ id: orgId }] = await ds.query(`INSERT INTO organisations (code, name, level, path) VALUES ('bench', '示范县', 'county', 'x') RETURNING id`);
    const [{ id: userId }] = await ds.query(`INSERT INTO users (username, display_name, password_hash) VALUES ('bench', '基准', 'x') RETURNING id`);
    const accounts: string[][] = [];
    for (let w = 0; w < WRITERS; w++) {
      const rows: { id: string }[] = await ds.query(
        `INSERT INTO channel_accounts (organisation_id, channel_type, name) SELECT $1, 'wechat', '账号' || g FROM generate_series(1, $2) g RETURNING id`,
        [orgId, ACCOUNTS_PER_WRITER],
      );
      accounts.push(rows.map((r) => r.id));
    }
    const writers = await Promise.all(Array.from({ length: WRITERS }, session));
    const folder = await session();
    const folderDb = { query: (sql: string, params: unknown[]) => folder.c.query(sql, params).then((r) => r.rows) };
    const watcher = await session();
    log(`${WRITERS} writers × ${items} items × ${ACCOUNTS_PER_WRITER} accounts each, ${batch} rows a statement, ${rounds} rounds of each mode`);

    let year = 2001;
    const runs: Record<Mode, Run[]> = { folded: [], inline: [] };
    for (let round = 0; round < rounds; round++) {
      for (const mode of (round % 2 ? ['inline', 'folded'] : ['folded', 'inline']) as Mode[]) {
        await ds.query(mode === 'folded' ? FOLDED_ROLLUP_TRIGGER : INLINE_ROLLUP_TRIGGER);
        const ids: { id: string }[] = await ds.query(
          `INSERT INTO items (organisation_id, author_id, status, title, index_no, issuing_body, kind)
           SELECT $1, $2, 'approved', '基准' || g, $3 || '-' || g, 'x', 'notice' FROM generate_series(1, $4) g RETURNING id`,
          [orgId, userId, `${mode}-${round}`, items],
        );
        const r = await measure(
          mode,
          ids.map((x) => x.id),
          year++,
        );
        runs[mode].push(r);
        log(
          `${mode} (round ${round + 1}): ${r.rowsPerSec.toFixed(0)} rows/s, Postgres ${r.pgCpuMsPerRow.toFixed(3)} ms CPU a row, writers waiting on a lock ${(r.lockWaitShare * 100).toFixed(0)} % of samples`,
        );
      }
    }
    await ds.query(FOLDED_ROLLUP_TRIGGER);

    // Both modes must have counted alike: the rollups equal what stats_rebuild() computes from the ledger.
    const snap = async () => JSON.stringify(await ds.query(`SELECT grain, period_start, dim, organisation_id, n FROM stats_rollups ORDER BY 1, 2, 3, 4`));
    const kept = await snap();
    await ds.query('SELECT stats_rebuild()');
    if ((await snap()) !== kept) throw new Error('the rollups differ from stats_rebuild(): a mode miscounted');

    const pick = (mode: Mode, k: keyof Run) => median(runs[mode].map((r) => r[k]));
    const folded = { rowsPerSec: pick('folded', 'rowsPerSec'), cpu: pick('folded', 'pgCpuMsPerRow'), wait: pick('folded', 'lockWaitShare') };
    const inline = { rowsPerSec: pick('inline', 'rowsPerSec'), cpu: pick('inline', 'pgCpuMsPerRow'), wait: pick('inline', 'lockWaitShare') };
    return {
      ledgerRowsPerSecFolded: Math.round(folded.rowsPerSec),
      ledgerRowsPerSecInline: Math.round(inline.rowsPerSec),
      ledgerFoldedVsInline: +(folded.rowsPerSec / inline.rowsPerSec).toFixed(3),
      ledgerPgCpuMsPerRowFolded: +folded.cpu.toFixed(3),
      ledgerPgCpuMsPerRowInline: +inline.cpu.toFixed(3),
      ledgerLockWaitShareFolded: +folded.wait.toFixed(3),
      ledgerLockWaitShareInline: +inline.wait.toFixed(3),
      ledgerRowsPerStatement: batch,
    };

    /** Both writers publish every item, each on its own accounts, in the same item order; folds as the worker's schedule does. */
    async function measure(mode: Mode, itemIds: string[], y: number): Promise<Run> {
      const pids = [...writers.map((w) => w.pid), folder.pid];
      const cpuMs = (pid: number) => cpuOf(pid) * 1000;
      const cpu0 = pids.map(cpuMs);
      let writing = true;
      let samples = 0;
      let waiting = 0;
      const watch = (async () => {
        while (writing) {
          const { rows } = await watcher.c.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = ANY($1::int[])`, [writers.map((w) => w.pid)]);
          samples += rows.length;
          waiting += rows.filter((r) => r.wait_event_type === 'Lock').length;
        }
      })();
      // The scheduled folds, one after another; a failure is kept (not left unhandled) and thrown below.
      let foldError: unknown = null;
      let folds = Promise.resolve();
      const fold = () =>
        foldPending(folderDb, false).then(
          () => undefined,
          (e) => void (foldError ??= e),
        );
      const timer = mode === 'folded' ? setInterval(() => (folds = folds.then(fold)), FOLD_EVERY_MS) : null;
      const t0 = process.hrtime.bigint();
      let rows = 0;
      await Promise.all(
        writers.map(async (w, k) => {
          for (let a = 0; a < ACCOUNTS_PER_WRITER; a++) {
            for (let i = 0; i < itemIds.length; i += batch) {
              const slice = itemIds.slice(i, i + batch);
              await w.c.query(
                `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, channel_account_id, published_at, kind, category,
                   is_normative, is_interpretation, is_response)
                 SELECT unnest($1::uuid[]), 1, $2, 'wechat', $3, make_timestamptz($4, 1 + $5 % 12, 1 + $5 % 28, 12, 0, 0, 'Asia/Shanghai'),
                        'notice', '财政', false, false, false`,
                [slice, orgId, accounts[k][a], y, i],
              );
              rows += slice.length;
            }
          }
        }),
      );
      if (timer) clearInterval(timer);
      await folds;
      if (foldError) throw foldError;
      if (mode === 'folded') await foldPending(folderDb, true);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      writing = false;
      await watch;
      const cpu = pids.map(cpuMs).reduce((s, v, i) => s + v - cpu0[i], 0);
      return { rowsPerSec: rows / seconds, pgCpuMsPerRow: cpu / rows, lockWaitShare: samples ? waiting / samples : 0 };
    }
  } finally {
    for (const c of clients) await c.end().catch(() => undefined);
    if (ds.isInitialized) await ds.destroy();
    if (process.env.BENCH_KEEP_DB !== '1') await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

if (require.main === module) runAlone('ledger', runLedger);
