import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Every change of a manual entry (append-only). */
@Entity('stats_manual_entry_log')
export class StatsManualEntryLog {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'template_id', type: 'text' }) templateId: string;
  @Column({ type: 'int' }) year: number;
  @Column({ name: 'cell_id', type: 'text' }) cellId: string;
  @Column({ name: 'old_value', type: 'numeric', nullable: true }) oldValue: string | null;
  @Column({ name: 'new_value', type: 'numeric', nullable: true }) newValue: string | null;
  @Column({ name: 'entered_by', type: 'uuid' }) enteredBy: string;
  @Column({ name: 'entered_at', type: 'timestamptz' }) enteredAt: Date;
}
