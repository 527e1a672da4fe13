import type { DbSchema } from '@app/persistence/db-schema';
import { GazetteIssue } from './gazette/gazette-issue.entity';
import { GazetteEntry } from './gazette/gazette-entry.entity';
import { LedEntry } from './led/led-entry.entity';
import { LedProgram } from './led/led-program.entity';
import { DeliveryEngine1732000700000 } from './engine/migrations/1732000700000-delivery-engine';
import { GazetteLedSchema1732004100000 } from './migrations/1732004100000-gazette-led-schema';
import { DeliveryNotifyPerStatement1732005100000 } from './engine/migrations/1732005100000-delivery-notify-per-statement';
import { PrivateUploadsPortalState1732005700000 } from './portal/migrations/1732005700000-private-uploads-portal-state';
import { PortalPagedLists1732009000000 } from './portal/migrations/1732009000000-portal-paged-lists';

/** Entities of the channels' own tables (gazette issues, LED programs...). A new entity: one line at the end. */
// prettier-ignore
export const CHANNELS_ENTITIES = [
  GazetteIssue,
  GazetteEntry,
  LedEntry,
  LedProgram,
];

/**
 * Migrations of the engine's and the channels' own tables. A new migration: one line at the end
 * (TypeORM runs them in the timestamp order of their class names).
 */
// prettier-ignore
export const CHANNELS_MIGRATIONS = [
  DeliveryEngine1732000700000,
  GazetteLedSchema1732004100000,
  DeliveryNotifyPerStatement1732005100000,
  PrivateUploadsPortalState1732005700000,
  PortalPagedLists1732009000000,
];

/** What libs/channels brings to the database; composed by the apps in libs/composition/src/app-schema.ts. */
export const CHANNELS_SCHEMA: DbSchema = { entities: CHANNELS_ENTITIES, migrations: CHANNELS_MIGRATIONS };
