import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A hand-entered value of a report cell (依申请, 复议, 诉讼, 经费, 培训 ...), per organisation and year. */
@Entity('stats_manual_entries')
export class StatsManualEntry {
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @PrimaryColumn({ name: 'template_id', type: 'text' }) templateId: string;
  @PrimaryColumn({ type: 'int' }) year: number;
  @PrimaryColumn({ name: 'cell_id', type: 'text' }) cellId: string;
  /** numeric, kept as a string so 万元 amounts stay exact. */
  @Column({ type: 'numeric' }) value: string;
  @Column({ name: 'entered_by', type: 'uuid' }) enteredBy: string;
  @Column({ name: 'entered_at', type: 'timestamptz' }) enteredAt: Date;
}
