import 'reflect-metadata';
import { migrateDatabase } from '../migrate';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL under the advisory lock. */
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: the database to migrate, e.g. postgres://user@host:5432/db');
  process.exit(1);
}
migrateDatabase(url)
  .then((done) => {
    console.log(done.length ? `applied: ${done.join(', ')}` : 'no pending migrations');
    process.exit(0);
  })
  .catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
