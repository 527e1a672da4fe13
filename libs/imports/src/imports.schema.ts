import type { DbSchema } from '@app/persistence/db-schema';
import { SiteImports1732009310000 } from './migrations/1732009310000-site-imports';
import { SiteImportLease1732009500000 } from './migrations/1732009500000-site-import-lease';

/** The imports' entities (none: the tables are read and written with SQL). A new entity: one line at the end. */
// prettier-ignore
export const IMPORTS_ENTITIES: DbSchema['entities'] = [
];

/** The imports' migrations. A new migration: one line at the end. */
// prettier-ignore
export const IMPORTS_MIGRATIONS = [
  SiteImports1732009310000,
  SiteImportLease1732009500000,
];

/** What libs/imports brings to the database; composed by the apps in libs/composition/src/app-schema.ts. */
export const IMPORTS_SCHEMA: DbSchema = { entities: IMPORTS_ENTITIES, migrations: IMPORTS_MIGRATIONS };
