import { StatsRollup } from '@app/stats/entities/stats-rollup.entity';
import { StatsManualEntry } from '@app/stats/entities/stats-manual-entry.entity';
import { StatsManualEntryLog } from '@app/stats/entities/stats-manual-entry-log.entity';
import { StatsFrozenReport } from '@app/stats/entities/stats-frozen-report.entity';
import { GazetteIssue } from '@app/channels/gazette/gazette-issue.entity';
import { GazetteEntry } from '@app/channels/gazette/gazette-entry.entity';
import { LedEntry } from '@app/channels/led/led-entry.entity';
import { LedProgram } from '@app/channels/led/led-program.entity';

/**
 * Entities owned by other libraries (stats rollups, gazette issues, LED screens, ...), registered
 * here so that every process's DataSource knows them. Append; keep one line per entity.
 */
export const EXTRA_ENTITIES: Function[] = [
  StatsRollup,
  StatsManualEntry,
  StatsManualEntryLog,
  StatsFrozenReport,
  GazetteIssue,
  GazetteEntry,
  LedEntry,
  LedProgram,
];
