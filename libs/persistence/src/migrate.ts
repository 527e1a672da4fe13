import { DataSource } from 'typeorm';
import { rootLogger } from '@app/common/logging/logger';
import { dataSourceOptions, runMigrationsLocked } from './data-source';
import type { DbSchema } from './db-schema';

/** Runs the schema's pending migrations under the advisory lock with a short-lived connection. */
export async function migrateDatabase(url: string, schema: DbSchema): Promise<string[]> {
  // Two connections: one holds the advisory lock while TypeORM runs the migrations on the other.
  const ds = new DataSource(dataSourceOptions(url, schema, { poolMax: 2 }));
  await ds.initialize();
  try {
    const done = await runMigrationsLocked(ds);
    if (done.length) rootLogger.info({ migrations: done }, 'migrations applied');
    return done;
  } finally {
    await ds.destroy();
  }
}
