/**
 * npm run bench:scale — provincial scale (issue 17), in one run, each part beside its own baseline:
 * - portal (portal.ts): the cost of publishing one more article into a site of 300 and of 30,000
 *   articles, their ratio, files written per publication, and the full rebuild's rate; baseline: the
 *   old whole-site list rewrite on the same sites;
 * - lists (lists.ts): p50 / p95 of the first page and of a filtered deep page of each list over
 *   2,000 organisations, 1M items, 5M deliveries and 10M ledger rows built with COPY; baseline: the
 *   same lists queried the old way (count(*) and OFFSET);
 * - workers (workers.ts): deliveries per second with 1 and then 2 worker processes on identical
 *   backlogs of 5,000, each worker's share, and the peak RSS of the worker and api processes, on a
 *   machine the drain saturates (10 accounts, 20 ms calls);
 * - workersSpare (workers.ts): the same where the machine has cores to spare (100 accounts, 200 ms
 *   calls, as real platforms answer), figures named `…SpareCores`;
 * - ledger (ledger.ts): two writers' publication statements on the same items with the statistics
 *   rollups folded from pending rows; baseline: the rollup in the publishing transaction.
 *
 * Env: BENCH_SCALE (default 1: the sizes above; 0.01 for a quick run; each part keeps sensible
 * minimums), BENCH_PARTS (comma list of portal,lists,workers,workersSpare,ledger; default all), BENCH_KEEP_DB=1,
 * DATABASE_URL (admin URL of the Postgres to create the bench databases in).
 * The last line is one JSON object with every part's figures (at least portalCostRatio,
 * listP95MsMax, twoWorkersVsOne, workerShareMin, workerRssMb, apiRssMb), so runs compare by script.
 */
import 'reflect-metadata';
import * as os from 'os';
import { runPortal } from './portal';
import { runLists } from './lists';
import { runWorkers, runWorkersSpareCores } from './workers';
import { runLedger } from './ledger';
import type { BenchPart, Figures } from './bench-part';

const PARTS: Record<string, BenchPart> = { portal: runPortal, lists: runLists, workers: runWorkers, workersSpare: runWorkersSpareCores, ledger: runLedger };

async function main() {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  if (!(scale > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
  const wanted = (process.env.BENCH_PARTS ?? Object.keys(PARTS).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const w of wanted) if (!PARTS[w]) throw new Error(`BENCH_PARTS: unknown part "${w}" (known: ${Object.keys(PARTS).join(', ')})`);
  const all: Figures = { scale, cpus: os.cpus().length, loadAverage1mStart: Number(os.loadavg()[0].toFixed(2)) };
  const started = Date.now();
  for (const name of wanted) {
    const log = (m: string) => console.log(`[bench:scale:${name}] ${m}`);
    const t0 = Date.now();
    const figures = await PARTS[name]({ scale, log });
    log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${JSON.stringify(figures)}`);
    Object.assign(all, figures);
  }
  all.totalSeconds = Math.round((Date.now() - started) / 1000);
  all.loadAverage1mEnd = Number(os.loadavg()[0].toFixed(2));
  console.log(JSON.stringify(all));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
