import type { INestApplication } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import { AppConfig, loadConfig } from '@app/common/config/app-config';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { seedDemo } from '@app/domain/seed/demo-seed';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { createApiApp } from '../../apps/api/src/api-app';
import { TEST_KEY, TEST_PASSWORD, waitFor } from '@app/test/utils/test-system';
import { createTestDataSource, uniqueQueuePrefix } from '@app/test/utils/test-db';
import { readTestState } from '@app/test/utils/test-env';
import { WorkerProcess } from './chaos/chaos-env';
import { unscheduledDeliveries } from './engine-invariants';

/**
 * The chaos suite's failover form, with production lease settings (DELIVERY_LEASE_SECONDS=300,
 * SWEEP_CRON every 15 s): two worker processes share the work of two concurrency-1 accounts; one is
 * SIGKILLed while calls of both accounts are in flight, and the other must resume them within 30 s
 * (not after the 300 s lease) — leases and account slots live only as long as their holder's heartbeat.
 */
jest.setTimeout(240_000);

const ITEMS = 10;
const RESUME_DEADLINE_MS = 30_000;

describe('chaos failover: a SIGKILLed worker with production lease settings', () => {
  let dir: string;
  let db: { url: string; close: () => Promise<void> };
  let sim: ChannelSim;
  let api: INestApplication;
  let ds: DataSource;
  let url: string;
  let accounts: Record<string, string>;
  let a: WorkerProcess;
  let b: WorkerProcess;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-failover-'));
    const t = await createTestDataSource('failover');
    await runMigrationsLocked(t.ds);
    await t.ds.destroy();
    db = { url: t.url, close: async () => undefined };
    sim = await startChannelSim();
    const prefix = uniqueQueuePrefix('failover');
    const redisUrl = readTestState().redisUrl;
    const portalDir = path.join(dir, 'portal');
    const production = { DELIVERY_LEASE_SECONDS: '300', SWEEP_CRON: '*/15 * * * * *' };
    const config: AppConfig = loadConfig({}, {
      DATABASE_URL: t.url,
      REDIS_URL: redisUrl,
      ENCRYPTION_KEY: TEST_KEY,
      JWT_SECRET: 'failover-jwt-secret-0123456789',
      QUEUE_PREFIX: prefix,
      DATA_DIR: dir,
      PORTAL_DIR: portalDir,
      DELIVERY_LEASE_SECONDS: 300,
      SWEEP_CRON: production.SWEEP_CRON,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
    } as Partial<AppConfig>);
    api = await createApiApp(config);
    await api.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(api.getHttpServer().address() as { port: number }).port}`;
    config.PORTAL_BASE_URL = `${url}/site`;
    ds = api.get(DataSource);
    const accountsFile = path.join(dir, 'accounts.json');
    const tc = (name: string, token: string) => ({
      channelType: 'testchan',
      name,
      org: 'sfx',
      baseUrl: '{simUrl}/testchan',
      credentials: { token },
      settings: { timeoutMs: 10_000, concurrency: 1 },
    });
    fs.writeFileSync(accountsFile, JSON.stringify([tc('单并发账号甲', 'failover-a'), tc('单并发账号乙', 'failover-b')]));
    const seed = await seedDemo(ds, {
      password: TEST_PASSWORD,
      encryptionKey: TEST_KEY,
      simUrl: sim.url,
      portalBaseUrl: config.PORTAL_BASE_URL,
      channelTypes: api.get(ChannelRegistry).types(),
      accountsFile,
    });
    accounts = seed.accounts;
    const env = () => ({
      DATABASE_URL: t.url,
      REDIS_URL: redisUrl,
      ENCRYPTION_KEY: TEST_KEY,
      JWT_SECRET: 'failover-jwt-secret-0123456789',
      QUEUE_PREFIX: prefix,
      DATA_DIR: dir,
      PORTAL_DIR: portalDir,
      PORTAL_BASE_URL: config.PORTAL_BASE_URL!,
      ...production,
      MIGRATIONS_RUN: 'false',
      LOG_LEVEL: 'info',
    });
    a = new WorkerProcess(env(), path.join(dir, 'worker-a.log'));
    b = new WorkerProcess(env(), path.join(dir, 'worker-b.log'));
    db.close = t.close;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await api?.close().catch(() => undefined);
    await sim?.close();
    await db?.close().catch(() => undefined);
    if (dir && !process.env.CHAOS_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function login(username: string): Promise<AxiosInstance> {
    const r = await axios.post(`${url}/api/v1/auth/login`, { username, password: TEST_PASSWORD });
    return axios.create({ baseURL: `${url}/api/v1`, validateStatus: () => true, headers: { Authorization: `Bearer ${r.data.accessToken}` } });
  }

  it("the surviving worker resumes the killed worker's concurrency-1 deliveries within 30 s; each is published once", async () => {
    const targets = [accounts['testchan:单并发账号甲'], accounts['testchan:单并发账号乙']];
    expect(targets.every(Boolean)).toBe(true);
    // Each post takes a while, so the killed worker dies with calls in flight on both accounts.
    sim.faults.add({ system: 'testchan', latencyMs: 1500, label: 'slow' });
    const editor = await login('editor');
    const reviewer = await login('reviewer');
    const org = (await ds.query(`SELECT id FROM organisations WHERE code = 'sfx'`))[0].id;
    const ids: string[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const r = await editor.post('/items', {
        organisationId: org,
        title: `防汛值班安排第${i + 1}号通知`,
        bodyHtml: `<p>各乡镇：第${i + 1}周防汛值班安排如下。</p>`,
        summary: `第${i + 1}周防汛值班`,
        category: '应急管理',
        kind: 'notice',
        targetAccountIds: targets,
      });
      expect(r.status).toBe(201);
      expect((await editor.post(`/items/${r.data.id}/submit`)).status).toBe(200);
      expect((await reviewer.post(`/items/${r.data.id}/approve`, {})).status).toBe(200);
      ids.push(r.data.id);
    }

    // Worker A works alone first (it holds both accounts' only slot), then B joins.
    a.start();
    await a.waitReady();
    b.start();
    await b.waitReady();
    const inFlight = async () =>
      (await ds.query(`SELECT id, lease_token, channel_account_id FROM deliveries WHERE state = 'processing' AND channel_type = 'testchan'`)) as {
        id: string;
        lease_token: string;
        channel_account_id: string;
      }[];
    const held = (await waitFor(
      async () => {
        const rows = await inFlight();
        return new Set(rows.map((r) => r.channel_account_id)).size === 2 ? rows : null;
      },
      60_000,
      'both concurrency-1 accounts in flight',
    ))!;
    await a.kill();
    // What was in flight when A died (B's own steps among them finish on their own).
    const snapshot = (await inFlight()).filter((r) => held.some((h) => h.id === r.id && h.lease_token === r.lease_token));
    const killedAt = Date.now();

    // The condition: every delivery in flight at the kill is published again by B, within the deadline.
    await waitFor(
      async () => {
        const rows: { id: string; state: string }[] = await ds.query(`SELECT id, state FROM deliveries WHERE id = ANY($1::uuid[])`, [
          snapshot.map((s) => s.id),
        ]);
        return rows.every((r) => r.state === 'published') ? rows : null;
      },
      RESUME_DEADLINE_MS,
      `the deliveries the killed worker held (${snapshot.length}) resumed by the other worker`,
    );
    const resumedAfterMs = Date.now() - killedAt;
    // A's steps were among them: taken over (their lease ran out) and reconciled before anything was sent again.
    const takenOver = (
      await ds.query(`SELECT count(DISTINCT delivery_id)::int AS n FROM delivery_events WHERE kind = 'reconcile' AND delivery_id = ANY($1::uuid[])`, [
        snapshot.map((s) => s.id),
      ])
    )[0].n;
    expect(takenOver).toBeGreaterThan(0);

    // And B finishes the rest; every post reached the channel exactly once.
    const rows: { id: string; state: string; external_id: string }[] = await waitFor(
      async () => {
        const r = await ds.query(`SELECT id, state, external_id FROM deliveries`);
        return r.length === ITEMS * 2 && r.every((d: { state: string }) => d.state === 'published') ? r : null;
      },
      120_000,
      'every delivery published',
    );
    const recs = sim.records.list({ system: 'testchan' });
    const byRef = new Map<string, number>();
    for (const r of recs) byRef.set(String(r.meta?.ref), (byRef.get(String(r.meta?.ref)) ?? 0) + 1);
    expect([...byRef.values()].filter((n) => n > 1)).toEqual([]);
    expect(recs).toHaveLength(rows.length);
    expect(await unscheduledDeliveries(ds)).toEqual([]);
    const timeline: { delivery_id: string; kind: string; call: string | null; ms: number }[] = await ds.query(
      `SELECT delivery_id, kind, call, (extract(epoch FROM at) * 1000 - $2::float8)::int AS ms FROM delivery_events WHERE delivery_id = ANY($1::uuid[]) AND at >= to_timestamp($2::float8 / 1000) ORDER BY id`,
      [snapshot.map((s) => s.id), killedAt],
    );
    // eslint-disable-next-line no-console
    console.log(
      `failover: ${snapshot.length} in flight at the kill, ${takenOver} taken over, all resumed after ${Math.round(resumedAfterMs / 1000)} s\n` +
        timeline.map((e) => `  +${e.ms} ms ${e.delivery_id.slice(0, 8)} ${e.kind} ${e.call ?? ''}`).join('\n'),
    );
  });
});
