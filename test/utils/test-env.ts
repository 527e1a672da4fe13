/**
 * Where the tests find Postgres and Redis: DATABASE_URL / REDIS_URL when set, otherwise the embedded
 * default (global-setup starts embedded Postgres and, if nothing answers on 6379, a redis-server) and
 * writes what it started to a state file that every suite reads.
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * One state file per jest run (several runs may share a machine and its Postgres): global-setup sets
 * GD_TEST_RUN to its pid, and jest's workers inherit it.
 */
export function runId(): string {
  return process.env.GD_TEST_RUN ?? String(process.pid);
}
export function stateFile(): string {
  return path.join(__dirname, '..', '..', '.data', `test-state-${runId()}.json`);
}
/** Databases of this run are named gd_<run>_...; names carry the run's pid so leftovers can be told apart. */
export function dbPrefix(): string {
  return `gd_${runId()}_`;
}

export interface TestEnvState {
  adminUrl: string; // a Postgres URL of a database we may CREATE DATABASE from
  templateDb: string; // migrated template every suite clones
  redisUrl: string;
  embeddedPgDir?: string;
  startedRedisPid?: number;
}

export function readTestState(): TestEnvState {
  return JSON.parse(fs.readFileSync(stateFile(), 'utf8'));
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}
