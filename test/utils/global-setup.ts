import './register-aliases';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '../../libs/persistence/src/data-source';
import { appDataSourceOptions } from '../../libs/composition/src/app-database';
import { ensureEmbeddedPostgres, ensureRedis } from '../../apps/dev/src/local-services';
import { dbPrefix, stateFile, TestEnvState, withDatabase } from './test-env';

/**
 * Runs once before all suites: make sure Postgres and Redis are reachable, then build a migrated
 * template database that every suite clones (CREATE DATABASE ... TEMPLATE), so each suite gets its
 * own clean database in a fraction of a second.
 */
export default async function globalSetup() {
  const dataDir = path.resolve(__dirname, '..', '..', '.data');
  fs.mkdirSync(dataDir, { recursive: true });
  let adminUrl = process.env.DATABASE_URL;
  let embeddedPgDir: string | undefined;
  if (!adminUrl) {
    const pg = await ensureEmbeddedPostgres(path.join(dataDir, 'test-pg'), 54329, () => undefined);
    adminUrl = pg.url;
    embeddedPgDir = pg.dir;
  }
  const redis = await ensureRedis(process.env.REDIS_URL, path.join(dataDir, 'test-redis'), () => undefined);

  process.env.GD_TEST_RUN = String(process.pid);
  const templateDb = `${dbPrefix()}template`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  // Drop leftovers of earlier runs that died before teardown (their pid is gone); never another live run's.
  const old = await admin.query(`SELECT datname FROM pg_database WHERE datname ~ '^gd_[0-9]+_'`);
  for (const r of old.rows) {
    const pid = Number(/^gd_(\d+)_/.exec(r.datname)![1]);
    if (!alive(pid)) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
  }
  await admin.query(`CREATE DATABASE "${templateDb}"`);
  await admin.end();

  const ds = new DataSource(appDataSourceOptions(withDatabase(adminUrl, templateDb)));
  await ds.initialize();
  await runMigrationsLocked(ds);
  await ds.destroy();

  const state: TestEnvState = { adminUrl, templateDb, redisUrl: redis.url, embeddedPgDir, startedRedisPid: redis.pid };
  fs.writeFileSync(stateFile(), JSON.stringify(state));
  (globalThis as any).__GD_STOP__ = async () => {
    await redis.stop();
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
