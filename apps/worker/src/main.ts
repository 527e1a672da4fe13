import 'reflect-metadata';
import { loadConfig } from '@app/common/config/app-config';
import { rootLogger } from '@app/common/logging/logger';
import { migrateAppDatabase } from '@app/composition/app-database';
import { createWorkerApp } from './worker-app';

/** Production entry: a worker process (run any number; Postgres leases keep them from colliding). */
async function main() {
  const config = loadConfig();
  if (config.MIGRATIONS_RUN) await migrateAppDatabase(config.DATABASE_URL!);
  await createWorkerApp(config);
  rootLogger.info('worker started');
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
