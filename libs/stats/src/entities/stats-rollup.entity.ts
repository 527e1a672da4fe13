import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Distinct items of one organisation whose first publication in a calendar period (Beijing year,
 * quarter or month) carries a dimension ('*', 'r:<report row>', 'ch:<channel type>', 'a:<account>',
 * 'f:normative', ...). Written only by stats_fold_pending() (the ledger rows the trigger noted; migration
 * 1732010000000) and stats_rebuild(); see the stats migrations (dimensions: 1732006100000).
 */
@Entity('stats_rollups')
export class StatsRollup {
  @PrimaryColumn({ type: 'text' }) grain: 'Y' | 'Q' | 'M';
  @PrimaryColumn({ name: 'period_start', type: 'date' }) periodStart: string;
  @PrimaryColumn({ type: 'text' }) dim: string;
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ type: 'int' }) n: number;
}
