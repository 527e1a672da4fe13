import { DataSourceOptions } from 'typeorm';
import { dataSourceOptions, DataSourceSettings } from '@app/persistence/data-source';
import { DatabaseModule } from '@app/persistence/database.module';
import { migrateDatabase } from '@app/persistence/migrate';
import { APP_SCHEMA } from './app-schema';

/** TypeORM options on `url` with the whole product's schema (tests, benches, scripts, npm start). */
export function appDataSourceOptions(url: string, settings: DataSourceSettings = {}): DataSourceOptions {
  return dataSourceOptions(url, APP_SCHEMA, settings);
}

/** Applies the product's pending migrations to `url` under the advisory lock. */
export function migrateAppDatabase(url: string): Promise<string[]> {
  return migrateDatabase(url, APP_SCHEMA);
}

/** The Nest database module of the api and the worker: TypeORM on AppConfig's database with APP_SCHEMA. */
export function appDatabaseModule() {
  return DatabaseModule.forRoot(APP_SCHEMA);
}
