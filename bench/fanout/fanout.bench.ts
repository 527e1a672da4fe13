/**
 * npm run bench:fanout — N items × 5 channel accounts through the whole pipeline: approval over the
 * HTTP API (review gate, version frozen, deliveries created in one transaction, jobs enqueued after
 * commit), the worker process claiming each delivery in Postgres, calling the test channel's
 * simulator (zero latency) and recording the publication and its ledger row. In the same run, on the
 * same Redis, a plain BullMQ no-op job throughput is measured as the baseline.
 *
 * Prints deliveries per second, approval-to-published latency p50 / p99, the ratio to the baseline,
 * and where the CPU time went (the api process, which also runs the reviewers' client; the worker process; the
 * simulators' process; Redis; Postgres' processes; the rest of the machine);
 * the last line is one JSON object {deliveriesPerSec, baselineJobsPerSec, ratio, p50Ms, p99Ms, ...}.
 *
 * Then, for "where the time goes", it measures approvals alone (worker stopped) and the engine alone
 * draining that backlog (BENCH_ENGINE_ITEMS, default N/4; 0 skips it).
 *
 * Env: BENCH_ITEMS (default 2000), BENCH_APPROVERS (parallel approval requests, default 8),
 * BENCH_ACCOUNT_CONCURRENCY (calls in flight per account, default 16; the test channel's own default is 8),
 * BENCH_KEEP_DB=1 keeps the bench database for a look afterwards, DATABASE_URL (admin URL of a Postgres to create the bench database in; default
 * postgres://postgres@127.0.0.1:5432/postgres). Redis: its own redis-server on a free port.
 */
import 'reflect-metadata';
import axios from 'axios';
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/common/config/app-config';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { appDataSourceOptions } from '@app/composition/app-database';
import { seedDemo } from '@app/domain/seed/demo-seed';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { workerConfigFor } from '@app/channels/engine/delivery-worker.service';
import { withDatabase } from '@app/test/utils/test-env';
import { OwnRedis } from '../../test/engine/chaos/chaos-env';
import { createApiApp } from '../../apps/api/src/api-app';
import { baseline } from './fanout-baseline';
import { cpuDiff, cpuProfArgs, cpuSnapshot, disableTriggersFromEnv, sampleAll } from './fanout-cpu';
import { startSimProcess } from './fanout-sim-process';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ITEMS = Number(process.env.BENCH_ITEMS ?? 2000);
const ACCOUNTS = 5;
const APPROVERS = Number(process.env.BENCH_APPROVERS ?? 8);
// Calls in flight per account (the account setting `concurrency`; the test channel declares 8). At 8
// the engine drains slower than eight reviewers approve on this machine, and the queue, not the
// pipeline, sets the latency: see the README for both runs.
const ACCOUNT_CONCURRENCY = Number(process.env.BENCH_ACCOUNT_CONCURRENCY ?? 16);
const KEY = 'b'.repeat(64);
const JWT = 'bench-jwt-secret-0123456789';
const PASSWORD = 'bench-password-1';

const log = (m: string) => console.log(`[bench:fanout] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main() {
  const started = Date.now();
  setInterval(() => sampleAll('postgres'), 200).unref();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-bench-fanout-'));
  const redis = new OwnRedis(path.join(dir, 'redis'));
  await redis.start();
  const dbName = `gd_bench_fanout_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const dbUrl = withDatabase(ADMIN_URL, dbName);
  const mds = new DataSource(appDataSourceOptions(dbUrl, { poolMax: 2 }));
  await mds.initialize();
  await runMigrationsLocked(mds);
  await mds.destroy();
  // The simulators run in a process of their own, as the outside systems they stand for would: in the
  // api's process they would share its event loop and slow the api and the channels down together.
  const sim = await startSimProcess();
  const proc: { worker: ChildProcess | null } = { worker: null };
  let app: Awaited<ReturnType<typeof createApiApp>> | null = null;
  try {
    const concurrency = workerConfigFor({ concurrencyPerAccount: 8 }).concurrency;
    log(`baseline: ${ITEMS * ACCOUNTS} no-op BullMQ jobs, concurrency ${concurrency}, on the bench's own Redis`);
    const baselineJobsPerSec = await baseline(redis.url, ITEMS * ACCOUNTS, concurrency);
    log(`baseline: ${baselineJobsPerSec.toFixed(0)} jobs/s`);

    const config = loadConfig({}, {
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      ENCRYPTION_KEY: KEY,
      JWT_SECRET: JWT,
      QUEUE_PREFIX: 'bench',
      DATA_DIR: dir,
      PORTAL_DIR: path.join(dir, 'portal'),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    } as never);
    app = await createApiApp(config);
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    config.PORTAL_BASE_URL = `${url}/site`;
    const ds = app.get(DataSource);
    const accountsFile = path.join(dir, 'accounts.json');
    fs.writeFileSync(
      accountsFile,
      JSON.stringify(
        Array.from({ length: ACCOUNTS }, (_, i) => ({
          channelType: 'testchan',
          name: `测试渠道${i + 1}`,
          org: 'sfx',
          baseUrl: '{simUrl}/testchan',
          credentials: { token: `bench-${i + 1}` },
          settings: { concurrency: ACCOUNT_CONCURRENCY },
        })),
      ),
    );
    const seed = await seedDemo(ds, {
      password: PASSWORD,
      encryptionKey: KEY,
      simUrl: sim.url,
      portalBaseUrl: config.PORTAL_BASE_URL,
      channelTypes: app.get(ChannelRegistry).types(),
      accountsFile,
    });
    const accountIds = Object.values(seed.accounts);
    if (accountIds.length !== ACCOUNTS) throw new Error(`expected ${ACCOUNTS} accounts, got ${accountIds.length}`);

    // Items written and submitted beforehand (not timed): the run starts at the first approval.
    const insertItems = async (n: number, tag: string): Promise<string[]> => {
      await ds.query(
        `INSERT INTO items (organisation_id, author_id, status, title, body_html, summary, index_no, issuing_body, category, kind, target_account_ids)
         SELECT $1, $2, 'submitted', '关于做好第' || g || '批次防汛工作的紧急通知', '<p>各乡镇、各部门：请立即做好第' || g || '批次防汛准备工作。</p>',
                '第' || g || '批次防汛准备', $5 || g, '示范县人民政府', '应急管理', 'notice', $3::uuid[]
           FROM generate_series(1, $4) g`,
        [seed.orgs['sfx'], seed.users['editor'], accountIds, n, `bench-${tag}/`],
      );
      return (await ds.query(`SELECT id FROM items WHERE index_no LIKE $1 ORDER BY index_no`, [`bench-${tag}/%`])).map((r: { id: string }) => r.id);
    };
    await disableTriggersFromEnv(ds, log);

    const startWorker = async () => {
      const prof = cpuProfArgs(process.env.BENCH_CPU_PROF);
      const w = spawn(process.execPath, [...prof, '-r', '@swc-node/register', 'apps/worker/src/main.ts'], {
        cwd: path.resolve(__dirname, '..', '..'),
        env: {
          ...process.env,
          DATABASE_URL: dbUrl,
          REDIS_URL: redis.url,
          ENCRYPTION_KEY: KEY,
          JWT_SECRET: JWT,
          QUEUE_PREFIX: 'bench',
          DATA_DIR: dir,
          PORTAL_BASE_URL: config.PORTAL_BASE_URL,
          MIGRATIONS_RUN: 'false',
          LOG_LEVEL: 'info',
          NODE_ENV: 'production',
          DB_POOL_MAX: process.env.BENCH_WORKER_POOL ?? '24',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      proc.worker = w;
      await new Promise<void>((resolve, reject) => {
        w.stdout!.on('data', (b) => String(b).includes('"msg":"worker started"') && resolve());
        w.once('exit', (c) => reject(new Error(`worker exited ${c}`)));
      });
      if (process.env.BENCH_WORKER_LOG) w.stdout!.pipe(fs.createWriteStream(process.env.BENCH_WORKER_LOG, { flags: 'a' }));
      else w.stdout!.resume();
    };
    const stopWorker = async () => {
      const w = proc.worker;
      proc.worker = null;
      if (!w || w.exitCode !== null) return;
      await new Promise<void>((r) => {
        w.once('exit', () => r());
        w.kill('SIGTERM');
      });
    };

    const login = await axios.post(`${url}/api/v1/auth/login`, { username: 'reviewer', password: PASSWORD });
    // The reviewers' side is a plain keep-alive HTTP client: it shares the machine with the system
    // under test, so it should cost as little as a real browser far away would.
    const agent = new http.Agent({ keepAlive: true, maxSockets: APPROVERS });
    const authorization = `Bearer ${login.data.accessToken}`;
    const client = {
      post: (p: string, body: unknown) =>
        new Promise<{ status: number; data: any }>((resolve, reject) => {
          const payload = Buffer.from(JSON.stringify(body));
          const req = http.request(
            `${url}/api/v1${p}`,
            { method: 'POST', agent, headers: { authorization, 'content-type': 'application/json', 'content-length': payload.length } },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, data: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          req.end(payload);
        }),
    };
    /** When each approval's response came back (the reviewer saw it done). */
    const approvedResponseAt = new Map<string, number>();
    const approveAll = async (ids: string[]) => {
      let next = 0;
      const ms: number[] = [];
      await Promise.all(
        Array.from({ length: APPROVERS }, async () => {
          while (next < ids.length) {
            const id = ids[next++];
            const s = Date.now();
            const r = await client.post(`/items/${id}/approve`, {});
            if (r.status !== 200) throw new Error(`approve ${id}: ${r.status} ${JSON.stringify(r.data)}`);
            approvedResponseAt.set(id, Date.now());
            ms.push(Date.now() - s);
          }
        }),
      );
      return ms.sort((a, b) => a - b);
    };
    const waitDrained = async (itemIdsOf: string[]) => {
      const total = itemIdsOf.length * ACCOUNTS;
      const deadline = Date.now() + 900_000;
      // The poll must cost Postgres next to nothing (its CPU is part of the figures): deliveries still
      // open, counted on the engine's partial index; the exact count once none is left.
      const exact = async () =>
        (
          await ds.query(
            `SELECT count(*) FILTER (WHERE state = 'published')::int AS published, count(*) FILTER (WHERE state IN ('published','failed','cancelled'))::int AS settled FROM deliveries WHERE item_id = ANY($1::uuid[])`,
            [itemIdsOf],
          )
        )[0] as { published: number; settled: number };
      for (;;) {
        const open = (
          await ds.query(
            `SELECT count(*)::int AS n FROM deliveries WHERE state IN ('pending','processing','awaiting_confirmation','unconfirmed','withdrawing')`,
          )
        )[0].n;
        if (open === 0 || Date.now() > deadline) {
          const c = await exact();
          if (c.settled >= total || Date.now() > deadline) return c;
        }
        await sleep(100);
      }
    };
    // Postgres is counted from its own processes, so other load on the machine shows as "other", not as Postgres
    const cpuNow = () => cpuSnapshot({ worker: proc.worker?.pid, sim: sim.pid, redis: redis.pid });

    // ---- the run: N items approved over the API while the worker publishes ----
    const itemIds = await insertItems(ITEMS, 'main');
    await startWorker();
    log(
      `worker process up (pid ${proc.worker!.pid}); ${ITEMS} items × ${ACCOUNTS} test-channel accounts (${ACCOUNT_CONCURRENCY} calls in flight each); ${APPROVERS} parallel approvers; load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const cpu0 = cpuNow();
    const t0 = Date.now();
    const approveMs = await approveAll(itemIds);
    const approvedAt = Date.now();
    log(
      `approved ${ITEMS} items in ${((approvedAt - t0) / 1000).toFixed(2)} s (${(ITEMS / ((approvedAt - t0) / 1000)).toFixed(0)} approvals/s, p50 ${pct(approveMs, 50)} ms per approval)`,
    );
    const counts = await waitDrained(itemIds);
    const cpu1 = cpuNow();
    const span = (
      await ds.query(`SELECT extract(epoch FROM max(published_at) - min(created_at)) * 1000 AS ms FROM deliveries WHERE item_id = ANY($1::uuid[])`, [itemIds])
    )[0].ms as number;
    const lat: number[] = (
      await ds.query(
        `SELECT extract(epoch FROM published_at - created_at) * 1000 AS ms FROM deliveries WHERE state = 'published' AND item_id = ANY($1::uuid[])`,
        [itemIds],
      )
    )
      .map((r: { ms: string }) => Number(r.ms))
      .sort((a: number, b: number) => a - b);
    // Also from the approval's response (commit seen by the reviewer), which leaves out the approval's own processing time.
    const fromResponse: number[] = (
      await ds.query(`SELECT item_id, extract(epoch FROM published_at) * 1000 AS at FROM deliveries WHERE state = 'published' AND item_id = ANY($1::uuid[])`, [
        itemIds,
      ])
    )
      .map((r: { item_id: string; at: string }) => Math.max(0, Number(r.at) - (approvedResponseAt.get(r.item_id) ?? 0)))
      .sort((a: number, b: number) => a - b);
    const total = ITEMS * ACCOUNTS;
    const deliveriesPerSec = counts.published / (span / 1000);
    const p50Ms = Math.round(pct(lat, 50));
    const p99Ms = Math.round(pct(lat, 99));
    const records = await sim.testchanRecords();
    const ledger = (await ds.query(`SELECT count(*)::int AS n FROM publication_records`))[0].n;
    const cpu = { ...cpuDiff(cpu0, cpu1), wallSeconds: +(span / 1000).toFixed(1) };
    const ratio = deliveriesPerSec / baselineJobsPerSec;
    log(`published ${counts.published}/${total} deliveries (simulator records ${records}, ledger rows ${ledger}) in ${(span / 1000).toFixed(2)} s`);
    log(
      `CPU seconds during the run: ${JSON.stringify(cpu)} → ${(((cpu.api + cpu.worker + cpu.simulator + cpu.redis + cpu.postgres) / total) * 1000).toFixed(2)} ms of CPU per delivery (pipeline processes; "other" is the rest of the machine)`,
    );
    if (counts.published !== total || records !== total || ledger !== total) throw new Error('not every delivery was published exactly once');

    // ---- where the time goes: approvals alone, then the engine alone draining a backlog ----
    let breakdown: Record<string, unknown> = {};
    const engineItems = Number(process.env.BENCH_ENGINE_ITEMS ?? Math.round(ITEMS / 4));
    if (engineItems > 0) {
      await stopWorker();
      const ids = await insertItems(engineItems, 'engine');
      const a0 = cpuNow();
      const s0 = Date.now();
      await approveAll(ids);
      const approvalsAlone = engineItems / ((Date.now() - s0) / 1000);
      const a1 = cpuNow();
      await startWorker();
      const e0 = cpuNow();
      const w0 = Date.now();
      const drained = await waitDrained(ids);
      const engineAlone = drained.published / ((Date.now() - w0) / 1000);
      const e1 = cpuNow();
      const perItem = (x: number) => +((x / engineItems) * 1000).toFixed(2);
      const perDelivery = (x: number) => +((x / (engineItems * ACCOUNTS)) * 1000).toFixed(2);
      const ac = cpuDiff(a0, a1);
      const ec = cpuDiff(e0, e1);
      breakdown = {
        approvalsPerSecAlone: Math.round(approvalsAlone),
        engineDeliveriesPerSecAlone: Math.round(engineAlone),
        approvalCpuMsPerItem: { api: perItem(ac.api), postgres: perItem(ac.postgres), redis: perItem(ac.redis), other: perItem(ac.other) },
        engineCpuMsPerDelivery: {
          worker: perDelivery(ec.worker),
          simulator: perDelivery(ec.simulator),
          postgres: perDelivery(ec.postgres),
          redis: perDelivery(ec.redis),
          other: perDelivery(ec.other),
        },
      };
      log(
        `approvals alone (worker stopped): ${breakdown.approvalsPerSecAlone} approvals/s; CPU ms per approval: ${JSON.stringify(breakdown.approvalCpuMsPerItem)}`,
      );
      log(
        `engine alone draining ${drained.published} deliveries: ${breakdown.engineDeliveriesPerSecAlone} deliveries/s; CPU ms per delivery: ${JSON.stringify(breakdown.engineCpuMsPerDelivery)}`,
      );
    }

    log(
      `deliveries/s: ${deliveriesPerSec.toFixed(0)}   baseline BullMQ no-op jobs/s: ${baselineJobsPerSec.toFixed(0)}   ratio: ${ratio.toFixed(3)} (target >= 0.10)`,
    );
    log(
      `approval-to-published latency: p50 ${p50Ms} ms, p99 ${p99Ms} ms (target p99 < 2000 ms); from the approval's response: p50 ${Math.round(pct(fromResponse, 50))} ms, p99 ${Math.round(pct(fromResponse, 99))} ms`,
    );
    console.log(
      JSON.stringify({
        deliveriesPerSec: Math.round(deliveriesPerSec),
        baselineJobsPerSec: Math.round(baselineJobsPerSec),
        ratio: +ratio.toFixed(3),
        p50Ms,
        p99Ms,
        p50MsFromApprovalResponse: Math.round(pct(fromResponse, 50)),
        p99MsFromApprovalResponse: Math.round(pct(fromResponse, 99)),
        items: ITEMS,
        accounts: ACCOUNTS,
        accountConcurrency: ACCOUNT_CONCURRENCY,
        deliveries: counts.published,
        approvalsPerSec: Math.round(ITEMS / ((approvedAt - t0) / 1000)),
        cpuSeconds: cpu,
        ...breakdown,
        loadAverage1m: +os.loadavg()[0].toFixed(2),
        totalSeconds: Math.round((Date.now() - started) / 1000),
      }),
    );
  } finally {
    const w = proc.worker;
    if (w && w.exitCode === null) {
      await new Promise<void>((r) => {
        w.once('exit', () => r());
        w.kill('SIGTERM');
        setTimeout(() => w.kill('SIGKILL'), 15_000).unref();
      });
    }
    await app?.close().catch(() => undefined);
    await sim.close();
    await redis.stop();
    if (process.env.BENCH_KEEP_DB) log(`kept database ${dbName} (BENCH_KEEP_DB)`);
    else await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
