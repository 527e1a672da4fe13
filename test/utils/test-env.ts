/**
 * Where the tests find Postgres and Redis: DATABASE_URL / REDIS_URL when set, otherwise the embedded
 * default (global-setup starts embedded Postgres and, if nothing answers on 6379, a redis-server) and
 * writes what it started to a state file that every suite reads.
 */
import * as fs from 'fs';
import * as path from 'path';

export const STATE_FILE = path.join(__dirname, '..', '..', '.data', 'test-state.json');

export interface TestEnvState {
  adminUrl: string; // a Postgres URL of a database we may CREATE DATABASE from
  templateDb: string; // migrated template every suite clones
  redisUrl: string;
  embeddedPgDir?: string;
  startedRedisPid?: number;
}

export function readTestState(): TestEnvState {
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}
