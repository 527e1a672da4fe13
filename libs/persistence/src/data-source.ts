import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { DbSchema } from './db-schema';

export interface DataSourceSettings {
  /** Connections in the pool (AppConfig.DB_POOL_MAX in the processes). */
  poolMax?: number;
}

/** TypeORM options for Postgres with the given schema: never synchronize, migrations one transaction each. */
export function dataSourceOptions(url: string, schema: DbSchema, settings: DataSourceSettings = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: settings.poolMax ?? 10,
      // What a session keeps planned (the statements of PL/pgSQL functions and triggers, foreign-key
      // checks, named statements) is planned again at each run, with the values and table sizes of now:
      // a generic plan settled on after a few runs is made for the sizes of that moment (on a young
      // database, a scan of the whole deliveries table, kept while the table grows). TypeORM's own
      // queries are unnamed and planned with their values at every run whatever this says. The hot
      // statements run on a pool of their own with generic index plans (named-statements.ts).
      // Parallel query only where it pays for starting workers: a list's page (a walk of an index that
      // stops after a page) planned in parallel took 70-80 ms instead of 7 ms over a million items, each
      // worker scanning its own part of the index before the first rows could be merged. At ten times the
      // default setup cost such walks stay serial; scans of millions of rows still go parallel.
      options: '-c plan_cache_mode=force_custom_plan -c parallel_setup_cost=10000',
    },
  } as DataSourceOptions;
}

/** Arbitrary, fixed key for pg_advisory_lock: only one process runs migrations at a time. */
const MIGRATION_LOCK_KEY = 727274001;

/** Runs pending migrations under an advisory lock, so api and worker processes may start together. */
export async function runMigrationsLocked(ds: DataSource): Promise<string[]> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await qr.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await qr.release();
  }
}
