import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { Organisation } from './entities/organisation.entity';
import { User } from './entities/user.entity';
import { UserRole } from './entities/user-role.entity';
import { Item } from './entities/item.entity';
import { ItemVersion } from './entities/item-version.entity';
import { ReviewDecision } from './entities/review-decision.entity';
import { ComplianceFinding } from './entities/compliance-finding.entity';
import { ChannelAccount } from './entities/channel-account.entity';
import { Delivery } from './entities/delivery.entity';
import { DeliveryEvent } from './entities/delivery-event.entity';
import { PublicationRecord, PublicationWithdrawal } from './entities/publication-record.entity';
import { AuditLog } from './entities/audit-log.entity';
import { ALL_MIGRATIONS } from './migrations/migration-list';
import { EXTRA_ENTITIES } from './entities/extra-entities';

export const CORE_ENTITIES = [
  Organisation,
  User,
  UserRole,
  Item,
  ItemVersion,
  ReviewDecision,
  ComplianceFinding,
  ChannelAccount,
  Delivery,
  DeliveryEvent,
  PublicationRecord,
  PublicationWithdrawal,
  AuditLog,
];

export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [...CORE_ENTITIES, ...EXTRA_ENTITIES],
    migrations: ALL_MIGRATIONS,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: Number(process.env.DB_POOL_MAX ?? 10),
      // The engine's hot statements are named (prepared once per connection). Postgres would settle on
      // a generic plan after a few runs, made for the table sizes of that moment: on a young database a
      // scan of the whole deliveries table, kept while the table grows. A plan per run, as for every
      // other statement, sees the sizes of now.
      options: '-c plan_cache_mode=force_custom_plan',
    },
    ...extra,
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

/** For the TypeORM CLI (`npm run migration:run`). */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'));
