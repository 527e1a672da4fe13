import { DataSource } from 'typeorm';
import { rootLogger } from '@app/common/logging/logger';
import { dataSourceOptions, runMigrationsLocked } from './data-source';

/** Runs pending migrations under the advisory lock with a short-lived connection. */
export async function migrateDatabase(url: string): Promise<string[]> {
  // Two connections: one holds the advisory lock while TypeORM runs the migrations on the other.
  const ds = new DataSource(dataSourceOptions(url, { extra: { max: 2 } } as never));
  await ds.initialize();
  try {
    const done = await runMigrationsLocked(ds);
    if (done.length) rootLogger.info({ migrations: done }, 'migrations applied');
    return done;
  } finally {
    await ds.destroy();
  }
}
