import 'reflect-metadata';
import { ConfigError, loadConfigPart } from '@app/common/config/app-config';
import { migrateAppDatabase } from '@app/composition/app-database';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL under the advisory lock. */
async function main(): Promise<number> {
  let url: string | undefined;
  try {
    url = loadConfigPart(['DATABASE_URL']).DATABASE_URL;
  } catch (e) {
    console.error((e as ConfigError).message);
    return 1;
  }
  if (!url) {
    console.error('DATABASE_URL is not set: the database to migrate, e.g. postgres://user@host:5432/db');
    return 1;
  }
  const done = await migrateAppDatabase(url);
  console.log(done.length ? `applied: ${done.join(', ')}` : 'no pending migrations');
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((e) => {
    console.error((e as Error).message);
    process.exit(1);
  });
