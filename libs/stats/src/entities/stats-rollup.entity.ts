import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Distinct items of one organisation whose first publication in a calendar period (Beijing year,
 * quarter or month) carries a dimension ('*', 'ch:portal', 'a:<account>', 'f:normative', ...).
 * Written only by the stats_on_publication trigger and stats_rebuild(); see the stats migration.
 */
@Entity('stats_rollups')
export class StatsRollup {
  @PrimaryColumn({ type: 'text' }) grain: 'Y' | 'Q' | 'M';
  @PrimaryColumn({ name: 'period_start', type: 'date' }) periodStart: string;
  @PrimaryColumn({ type: 'text' }) dim: string;
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ type: 'int' }) n: number;
}
