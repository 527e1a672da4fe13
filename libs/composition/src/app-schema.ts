import { composeSchemas, DbSchema } from '@app/persistence/db-schema';
import { DOMAIN_SCHEMA } from '@app/domain/domain.schema';
import { CHANNELS_SCHEMA } from '@app/channels/channels.schema';
import { COMPLIANCE_SCHEMA } from '@app/compliance/compliance.schema';
import { STATS_SCHEMA } from '@app/stats/stats.schema';
import { IMPORTS_SCHEMA } from '@app/imports/imports.schema';

/**
 * The one database schema of the product: every library's entities and migrations. The api, the
 * worker, `npm start`, the migration CLI, the tests and the benches all use this, so no process knows
 * a table another does not. A library that gets tables exports its `<LIB>_SCHEMA` and adds one line here.
 */
// prettier-ignore
export const APP_SCHEMA: DbSchema = composeSchemas(
  DOMAIN_SCHEMA,
  CHANNELS_SCHEMA,
  COMPLIANCE_SCHEMA,
  STATS_SCHEMA,
  IMPORTS_SCHEMA,
);

/** Every migration, in the order TypeORM applies them (by the timestamp in the class name). */
export const ALL_MIGRATIONS = APP_SCHEMA.migrations;
export const ALL_ENTITIES = APP_SCHEMA.entities;
