import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '@app/domain/data-source';
(async () => {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS stats_probe WITH (FORCE)');
  await admin.query('CREATE DATABASE stats_probe');
  await admin.end();
  const ds = new DataSource(dataSourceOptions('postgres://postgres@127.0.0.1:5432/stats_probe'));
  await ds.initialize();
  console.log(await runMigrationsLocked(ds));
  await ds.destroy();
})();
