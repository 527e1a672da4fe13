import './register-aliases';
import * as fs from 'fs';
import { Client } from 'pg';
import { dbPrefix, readTestState, stateFile } from './test-env';

export default async function globalTeardown() {
  if (!fs.existsSync(stateFile())) return;
  const state = readTestState();
  const admin = new Client({ connectionString: state.adminUrl });
  await admin.connect();
  const dbs = await admin.query(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [dbPrefix()]);
  for (const r of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  const stop = (globalThis as any).__GD_STOP__;
  if (stop) await stop();
  const { stopEmbeddedPostgres } = await import('../../apps/dev/src/local-services');
  await stopEmbeddedPostgres();
  fs.rmSync(stateFile(), { force: true });
}
