import 'reflect-metadata';
import { loadConfig } from '@app/common/config/app-config';
import { rootLogger } from '@app/common/logging/logger';
import { migrateAppDatabase } from '@app/composition/app-database';
import { createApiApp } from './api-app';

/** Production entry: the API process (run any number of them behind a load balancer). */
async function main() {
  const config = loadConfig();
  if (config.MIGRATIONS_RUN) await migrateAppDatabase(config.DATABASE_URL!);
  const app = await createApiApp(config);
  await app.listen(config.PORT, '0.0.0.0');
  rootLogger.info({ port: config.PORT }, 'api listening');
}

main().catch((e) => {
  // A config error names the variable; print it plainly and stop.
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
