import { INestApplication, INestApplicationContext, Type } from '@nestjs/common';
import axios, { AxiosInstance } from 'axios';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@app/common/config/app-config';
import { seedDemo, SeedResult } from '@app/domain/seed/demo-seed';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { createTestDatabase, dropTestDatabase, uniqueQueuePrefix } from './test-db';
import { readTestState } from './test-env';

export const TEST_PASSWORD = 'test-password-1';
export const TEST_KEY = 'a'.repeat(64);

export interface TestSystem {
  config: AppConfig;
  api: INestApplication;
  worker: INestApplicationContext | null;
  url: string; // http://127.0.0.1:port
  ds: DataSource;
  seed: SeedResult;
  portalDir: string;
  http: AxiosInstance; // never throws on status
  login(username: string): Promise<AxiosInstance>;
  startWorker(): Promise<INestApplicationContext>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole system for one suite: its own database (cloned from the migrated template), its own
 * BullMQ prefix on the shared Redis, its own portal directory, an api listening on a free port, a
 * worker (optional), and the demo county seeded.
 */
export async function startTestSystem(
  label: string,
  o: {
    worker?: boolean;
    simUrl?: string;
    overrides?: Partial<AppConfig>;
    apiModules?: Type<unknown>[];
    workerModules?: Type<unknown>[];
    accountsFile?: string;
  } = {},
): Promise<TestSystem> {
  const db = await createTestDatabase(label);
  const state = readTestState();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `gd-${label}-`));
  const portalDir = path.join(dataDir, 'portal');
  const config = loadConfig({}, {
    DATABASE_URL: db.url,
    REDIS_URL: state.redisUrl,
    ENCRYPTION_KEY: TEST_KEY,
    JWT_SECRET: 'test-jwt-secret-0123456789',
    QUEUE_PREFIX: uniqueQueuePrefix(label),
    DATA_DIR: dataDir,
    PORTAL_DIR: portalDir,
    SWEEP_CRON: '*/2 * * * * *',
    DELIVERY_LEASE_SECONDS: 30,
    NODE_ENV: 'test',
    ...o.overrides,
  } as Partial<AppConfig>);
  const api = await createApiApp(config, o.apiModules, { shutdownHooks: false });
  await api.listen(0, '127.0.0.1');
  const port = (api.getHttpServer().address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  config.PORTAL_BASE_URL = `${url}/site`;
  const ds = api.get(DataSource);
  const seed = await seedDemo(ds, {
    password: TEST_PASSWORD,
    encryptionKey: TEST_KEY,
    simUrl: o.simUrl,
    portalBaseUrl: config.PORTAL_BASE_URL,
    channelTypes: api.get(ChannelRegistry).types(),
    accountsFile: o.accountsFile,
  });
  const http = axios.create({ baseURL: `${url}/api/v1`, validateStatus: () => true, timeout: 30_000 });
  let worker: INestApplicationContext | null = null;
  const sys: TestSystem = {
    config,
    api,
    worker: null,
    url,
    ds,
    seed,
    portalDir,
    http,
    async login(username: string) {
      const r = await http.post('/auth/login', { username, password: TEST_PASSWORD });
      if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.data)}`);
      return axios.create({
        baseURL: `${url}/api/v1`,
        validateStatus: () => true,
        timeout: 30_000,
        headers: { Authorization: `Bearer ${r.data.accessToken}` },
      });
    },
    async startWorker() {
      worker = await createWorkerApp(config, o.workerModules, { shutdownHooks: false });
      await worker.init();
      sys.worker = worker;
      return worker;
    },
    async stopWorker() {
      if (worker) await worker.close();
      worker = null;
      sys.worker = null;
    },
    async close() {
      await sys.stopWorker();
      await api.close();
      await dropTestDatabase(db.name);
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
  if (o.worker !== false) await sys.startWorker();
  return sys;
}

/** Polls until `fn` returns a truthy value (or throws after timeoutMs with the last value). */
export async function waitFor<T>(fn: () => Promise<T>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  let last: T | undefined;
  while (Date.now() - start < timeoutMs) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
