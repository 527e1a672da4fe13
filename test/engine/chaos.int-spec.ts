import type { INestApplication } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import { AppConfig, loadConfig } from '@app/common/config/app-config';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { appDataSourceOptions } from '@app/composition/app-database';
import { seedDemo } from '@app/domain/seed/demo-seed';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { createApiApp } from '../../apps/api/src/api-app';
import { TEST_KEY, TEST_PASSWORD } from '@app/test/utils/test-system';
import { OwnPostgres, OwnRedis, WorkerProcess } from './chaos/chaos-env';
import { unscheduledDeliveries } from './engine-invariants';

/**
 * The chaos suite. A burst of items goes to four channel accounts (the portal, two test-channel
 * accounts, one test-channel account that confirms asynchronously) while the run SIGKILLs the worker
 * process at random points, FLUSHALLs Redis, restarts Postgres, makes the test channel lose its answers
 * after accepting posts, and takes the test channel down for a while. Afterwards every delivery is
 * published, failed with a cause or cancelled; the simulator's records show each publication exactly
 * once; the ledger equals the records.
 *
 * It runs on its own Postgres (embedded, temp directory, free port) and its own redis-server, with the
 * worker as a child process. Shortened by default (CHAOS_ITEMS=30, one round of faults);
 * `npm run test:chaos` runs the full version (CHAOS_ITEMS=200, CHAOS_ROUNDS=3).
 */
const ITEMS = Number(process.env.CHAOS_ITEMS ?? 30);
const ROUNDS = Number(process.env.CHAOS_ROUNDS ?? 1);
const SETTLE_MS = Number(process.env.CHAOS_SETTLE_MS ?? 180_000);
jest.setTimeout(240_000 + ITEMS * 1500 + ROUNDS * 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (a: number, b: number) => a + Math.random() * (b - a);

describe('chaos: SIGKILL, FLUSHALL, Postgres restart, lost answers, outage', () => {
  let dir: string;
  let pg: OwnPostgres;
  let redis: OwnRedis;
  let sim: ChannelSim;
  let api: INestApplication | null = null;
  let ds: DataSource;
  let config: AppConfig;
  let worker: WorkerProcess;
  let url: string;
  let accounts: Record<string, string>;
  const log: string[] = [];
  const note = (m: string) => {
    log.push(`${new Date().toISOString().slice(11, 23)} ${m}`);
    if (process.env.CHAOS_DEBUG) process.stderr.write(`${log[log.length - 1]}\n`);
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-chaos-'));
    pg = new OwnPostgres(path.join(dir, 'pg'));
    redis = new OwnRedis(path.join(dir, 'redis'));
    await Promise.all([pg.start(), redis.start()]);
    note(`own Postgres at ${pg.url}, own Redis at ${redis.url}`);
    const dbUrl = await pg.createDatabase('chaos');
    note('database created');
    const mds = new DataSource(appDataSourceOptions(dbUrl, { poolMax: 2 })); // the advisory lock holds one connection
    await mds.initialize();
    await runMigrationsLocked(mds);
    await mds.destroy();
    sim = await startChannelSim();
    note('migrated; simulator up');

    const portalDir = path.join(dir, 'portal');
    config = loadConfig({}, {
      DATABASE_URL: dbUrl,
      REDIS_URL: redis.url,
      ENCRYPTION_KEY: TEST_KEY,
      JWT_SECRET: 'chaos-jwt-secret-0123456789',
      QUEUE_PREFIX: 'chaos',
      DATA_DIR: dir,
      PORTAL_DIR: portalDir,
      DELIVERY_LEASE_SECONDS: 5,
      SWEEP_CRON: '*/2 * * * * *',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    } as Partial<AppConfig>);
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
    config.PORTAL_BASE_URL = `${url}/site`;
    ds = api.get(DataSource);

    const accountsFile = path.join(dir, 'accounts.json');
    const tc = (name: string, token: string, extra: Record<string, unknown> = {}) => ({
      channelType: 'testchan',
      name,
      org: 'sfx',
      baseUrl: '{simUrl}/testchan',
      credentials: { token },
      settings: { timeoutMs: 3000, ...extra },
    });
    fs.writeFileSync(
      accountsFile,
      JSON.stringify([
        {
          channelType: 'portal',
          name: '示范县人民政府门户网站',
          org: 'sfx',
          baseUrl: '{portalBaseUrl}',
          settings: { siteName: '示范县人民政府', siteIdCode: '9999000001' },
        },
        tc('测试渠道甲', 'chaos-a'),
        tc('测试渠道乙', 'chaos-b'),
        tc('测试渠道丙（异步确认）', 'async-chaos-c', { pollAfterMs: 300 }),
      ]),
    );
    const seed = await seedDemo(ds, {
      password: TEST_PASSWORD,
      encryptionKey: TEST_KEY,
      simUrl: sim.url,
      portalBaseUrl: config.PORTAL_BASE_URL,
      channelTypes: api.get(ChannelRegistry).types(),
      accountsFile,
    });
    accounts = seed.accounts;
    note('api up, demo county seeded');
    worker = new WorkerProcess(
      {
        DATABASE_URL: dbUrl,
        REDIS_URL: redis.url,
        ENCRYPTION_KEY: TEST_KEY,
        JWT_SECRET: 'chaos-jwt-secret-0123456789',
        QUEUE_PREFIX: 'chaos',
        DATA_DIR: dir,
        PORTAL_DIR: portalDir,
        PORTAL_BASE_URL: config.PORTAL_BASE_URL,
        DELIVERY_LEASE_SECONDS: '5',
        SWEEP_CRON: '*/2 * * * * *',
        MIGRATIONS_RUN: 'false',
        LOG_LEVEL: 'info',
      },
      path.join(dir, 'worker.log'),
    );
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await api?.close().catch(() => undefined);
    await sim?.close();
    await redis?.stop();
    await pg?.stop();
    if (dir && !process.env.CHAOS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function login(username: string): Promise<AxiosInstance> {
    const r = await axios.post(`${url}/api/v1/auth/login`, { username, password: TEST_PASSWORD });
    return axios.create({ baseURL: `${url}/api/v1`, validateStatus: () => true, timeout: 20_000, headers: { Authorization: `Bearer ${r.data.accessToken}` } });
  }

  /** Keeps asking, as a user would, while Postgres is restarting. */
  async function persist<T>(what: string, fn: () => Promise<{ status: number; data: T }>, ok: (s: number) => boolean): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        const r = await fn();
        if (ok(r.status)) return r.data;
        if (r.status < 500) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.data)}`);
      } catch (e) {
        if (i > 60 || (e as Error).message.startsWith(what)) throw e;
      }
      await sleep(500);
    }
  }

  const processing = async () => Number((await ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE state = 'processing'`).catch(() => [{ n: -1 }]))[0].n);

  /** Waits until the worker is up and working, lets it work a random while, then kills it mid-flight. */
  async function killAtRandom(round: number, label: string) {
    await worker.waitReady();
    await sleep(between(300, 2000));
    // A random moment at which the worker is in the middle of something (up to 3 s more).
    let inFlight = await processing();
    for (const until = Date.now() + 3000; inFlight < 1 && Date.now() < until; inFlight = await processing()) await sleep(between(10, 50));
    await worker.kill();
    note(`round ${round}: SIGKILL worker (${label}) with ${inFlight} deliveries processing`);
    await sleep(between(300, 1500));
    worker.start();
    note(`round ${round}: worker restarting`);
  }

  async function chaosRound(round: number) {
    await killAtRandom(round, 'a');
    await worker.waitReady();
    await sleep(between(1000, 2500));
    await redis.flushAll();
    note(`round ${round}: FLUSHALL (${await processing()} processing)`);
    await killAtRandom(round, 'b');
    await worker.waitReady();
    await sleep(between(1000, 2500));
    note(`round ${round}: Postgres restarting (${await processing()} processing)`);
    await pg.restart(1500);
    note(`round ${round}: Postgres back`);
    await sleep(between(1000, 2000));
    const outage = sim.faults.add({ system: 'testchan', outage: { forMs: 4000, mode: 'reset' }, label: 'outage' });
    note(`round ${round}: test channel down for 4 s (${outage.id})`);
    await killAtRandom(round, 'c');
  }

  it('every delivery ends published, failed with a cause, or cancelled; each publication exactly once; ledger = simulator records', async () => {
    const editor = await login('editor');
    const reviewer = await login('reviewer');
    const targets = [
      accounts['portal:示范县人民政府门户网站'],
      accounts['testchan:测试渠道甲'],
      accounts['testchan:测试渠道乙'],
      accounts['testchan:测试渠道丙（异步确认）'],
    ];
    expect(targets.every(Boolean)).toBe(true);
    const ids: string[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const r = await editor.post('/items', {
        organisationId: (await ds.query(`SELECT id FROM organisations WHERE code = 'sfx'`))[0].id,
        title: `应急通知第${i + 1}号：关于做好强降雨防范工作的紧急通知`,
        bodyHtml: `<p>各乡镇、各部门：据气象部门预报，第${i + 1}轮强降雨即将来临，请立即做好防范。</p>`,
        summary: `第${i + 1}轮强降雨防范`,
        category: '应急管理',
        kind: 'notice',
        targetAccountIds: targets,
      });
      expect(r.status).toBe(201);
      expect((await editor.post(`/items/${r.data.id}/submit`)).status).toBe(200);
      ids.push(r.data.id);
    }

    // Faults for the whole run: a little latency (more calls in flight when the worker dies), answers
    // lost after the post took effect (destroyed at once, or hung past the adapter's timeout).
    sim.faults.add({ system: 'testchan', latencyMs: 150, label: 'latency' });
    const lost1 = sim.faults.add({
      system: 'testchan',
      path: '/posts',
      method: 'POST',
      timeoutAfterEffect: { mode: 'destroy' },
      errorRate: 0.15,
      label: 'lost-answer',
    });
    const lost2 = sim.faults.add({
      system: 'testchan',
      path: '/posts',
      method: 'POST',
      timeoutAfterEffect: { mode: 'hang', holdMs: 8000 },
      errorRate: 0.05,
      label: 'hung-answer',
    });
    worker.start();
    note('worker started');

    const started = Date.now();
    // Approvals keep coming through the whole run, so every fault meets work in flight.
    const approveWindow = Math.max(ITEMS * 60, 22_000 * ROUNDS);
    const approvals = (async () => {
      for (let i = 0; i < ids.length; i += 6) {
        await Promise.all(
          ids.slice(i, i + 6).map((id) =>
            persist(
              `approve ${id}`,
              () => reviewer.post(`/items/${id}/approve`, {}),
              (s) => s === 200 || s === 409,
            ),
          ),
        );
        const due = started + ((i + 6) / ids.length) * approveWindow;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      note(`all ${ids.length} items approved`);
    })();
    for (let r = 1; r <= ROUNDS; r++) await chaosRound(r);
    await approvals;
    const fired = sim.faults
      .list()
      .filter((f) => f.id === lost1.id || f.id === lost2.id)
      .reduce((n, f) => n + f.fired, 0);
    sim.faults.remove(lost1.id);
    sim.faults.remove(lost2.id);
    note('faults cleared');

    const settled = ['published', 'failed', 'cancelled'];
    let rows: any[] = [];
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      rows = await ds
        .query(
          `SELECT id, item_id, state, channel_type, channel_account_id, external_id, external_url, last_error_code, last_error_message, attempts FROM deliveries`,
        )
        .catch(() => rows);
      if (rows.length === ids.length * targets.length && rows.every((d) => settled.includes(d.state))) break;
      if (Date.now() > deadline) break;
      await sleep(1000);
    }
    note(`settled after ${Math.round((Date.now() - started) / 1000)} s`);

    // ---- the verdict ----
    const byState: Record<string, number> = {};
    for (const d of rows) byState[d.state] = (byState[d.state] ?? 0) + 1;
    const recs = sim.records.list({ system: 'testchan' });
    const byRef = new Map<string, typeof recs>();
    for (const r of recs) byRef.set(String(r.meta?.ref), [...(byRef.get(String(r.meta?.ref)) ?? []), r]);
    const duplicates = [...byRef.values()].filter((l) => l.length > 1);
    const deliveryIds = new Set(rows.map((d) => d.id));
    const strays = recs.filter((r) => !deliveryIds.has(String(r.meta?.ref)));
    const ledger: { delivery_id: string; channel_type: string; external_url: string }[] = await ds.query(
      `SELECT delivery_id, channel_type, external_url FROM publication_records`,
    );
    const ledgerTc = ledger.filter((l) => l.channel_type === 'testchan');
    const ledgerPortal = ledger.filter((l) => l.channel_type === 'portal');
    const tcPublished = rows.filter((d) => d.channel_type === 'testchan' && d.state === 'published');
    const tcNotPublished = rows.filter((d) => d.channel_type === 'testchan' && d.state !== 'published');
    const portalPublished = rows.filter((d) => d.channel_type === 'portal' && d.state === 'published');
    const requests = sim.faults.requests({ system: 'testchan' });
    const reconciles = (await ds.query(`SELECT count(*)::int AS n FROM delivery_events WHERE kind = 'reconcile'`))[0].n;
    const summary = {
      items: ITEMS,
      rounds: ROUNDS,
      deliveries: rows.length,
      byState,
      workerStarts: worker.starts,
      workerKills: worker.kills,
      simulatorRecords: recs.length,
      duplicateRecords: duplicates.length,
      strayRecords: strays.length,
      ledgerRows: ledger.length,
      ledgerTestchan: ledgerTc.length,
      ledgerPortal: ledgerPortal.length,
      testchanPublished: tcPublished.length,
      portalPublished: portalPublished.length,
      reconciles,
      lostAnswers: fired,
      outageResets: requests.filter((r) => r.outcome === 'outage').length,
      failed: rows.filter((d) => d.state === 'failed').map((d) => `${d.channel_type} ${d.last_error_code}: ${d.last_error_message}`),
    };
    // eslint-disable-next-line no-console
    console.log(`chaos timeline:\n  ${log.join('\n  ')}\nchaos result: ${JSON.stringify(summary, null, 2)}`);
    if (rows.some((d) => !settled.includes(d.state))) {
      // eslint-disable-next-line no-console
      console.log(
        'unsettled:',
        rows.filter((d) => !settled.includes(d.state)).slice(0, 20),
        '\nworker log tail:\n',
        fs.readFileSync(path.join(dir, 'worker.log'), 'utf8').slice(-4000),
      );
    }

    expect(rows).toHaveLength(ITEMS * targets.length);
    expect(rows.filter((d) => !settled.includes(d.state))).toEqual([]);
    expect(rows.filter((d) => d.state === 'failed' && !(d.last_error_code && d.last_error_message))).toEqual([]);
    expect(await unscheduledDeliveries(ds)).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(strays).toEqual([]);
    // The simulator holds exactly the test-channel deliveries we recorded as published, with their ids...
    for (const d of tcPublished) {
      const r = byRef.get(d.id);
      expect(r?.map((x) => x.externalId)).toEqual([d.external_id]);
    }
    for (const d of tcNotPublished) expect(byRef.get(d.id)).toBeUndefined();
    // ... and the ledger equals the simulator's records (and, for the portal, the pages written).
    expect(ledgerTc.map((l) => l.delivery_id).sort()).toEqual(recs.map((r) => String(r.meta?.ref)).sort());
    expect(ledgerTc.map((l) => l.external_url).sort()).toEqual(recs.map((r) => r.url).sort());
    expect(ledgerPortal.map((l) => l.delivery_id).sort()).toEqual(portalPublished.map((d) => d.id).sort());
    for (const d of portalPublished) expect(fs.existsSync(path.join(dir, 'portal', 'articles', `${d.item_id}.html`))).toBe(true);
    // The chaos really happened.
    expect(worker.kills).toBe(3 * ROUNDS);
    expect(summary.lostAnswers).toBeGreaterThan(0);
  });
});
