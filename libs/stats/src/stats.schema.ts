import type { DbSchema } from '@app/persistence/db-schema';
import { StatsRollup } from './entities/stats-rollup.entity';
import { StatsManualEntry } from './entities/stats-manual-entry.entity';
import { StatsManualEntryLog } from './entities/stats-manual-entry-log.entity';
import { StatsFrozenReport } from './entities/stats-frozen-report.entity';
import { StatsSchema1732000500000 } from './migrations/1732000500000-stats-schema';
import { StatsRollupPerStatement1732005000000 } from './migrations/1732005000000-stats-rollup-per-statement';
import { StatsReportRows1732006100000 } from './migrations/1732006100000-stats-report-rows';
import { StatsBundles1732008100000 } from './bundles/migrations/1732008100000-stats-bundles';
import { StatsSignedManual1732008600000 } from './migrations/1732008600000-stats-signed-manual';
import { StatsIssuedDocuments1732008300000 } from './migrations/1732008300000-stats-issued-documents';
import { StatsFrozenVariants1732008310000 } from './migrations/1732008310000-stats-frozen-variants';
import { StatsFrozenReopen1732008700000 } from './migrations/1732008700000-stats-frozen-reopen';
import { StatsRollupCachedPlans1732009600000 } from './migrations/1732009600000-stats-rollup-cached-plans';
import { StatsRollupDeferred1732010000000 } from './migrations/1732010000000-stats-rollup-deferred';

/** The statistics tables' entities. A new entity: one line at the end. */
// prettier-ignore
export const STATS_ENTITIES = [
  StatsRollup,
  StatsManualEntry,
  StatsManualEntryLog,
  StatsFrozenReport,
];

/**
 * The statistics migrations (rollups, manual entries, frozen reports). A new migration: one line at
 * the end (TypeORM runs them in the timestamp order of their class names).
 */
// prettier-ignore
export const STATS_MIGRATIONS = [
  StatsSchema1732000500000,
  StatsRollupPerStatement1732005000000,
  StatsReportRows1732006100000,
  StatsBundles1732008100000,
  StatsIssuedDocuments1732008300000,
  StatsFrozenVariants1732008310000,
  StatsSignedManual1732008600000,
  StatsFrozenReopen1732008700000,
  StatsRollupCachedPlans1732009600000,
  StatsRollupDeferred1732010000000,
];

/** What libs/stats brings to the database; composed by the apps in libs/composition/src/app-schema.ts. */
export const STATS_SCHEMA: DbSchema = { entities: STATS_ENTITIES, migrations: STATS_MIGRATIONS };
