import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ReportDoc, Signoff } from '../report-doc.types';

/**
 * A report signed off for a year: the numbers as they were, never updated (triggers refuse DELETE and
 * every UPDATE but retiring it once on a reopen, migration 1732008700000). `ledgerWatermark` is the
 * highest ledger id at the freeze, taken while ledger writes were blocked, so rows above it are exactly
 * those recorded afterwards.
 */
@Entity('stats_frozen_reports')
export class StatsFrozenReport {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'template_id', type: 'text' }) templateId: string;
  @Column({ type: 'int' }) year: number;
  @Column({ type: 'boolean' }) subtree: boolean;
  @Column({ name: 'period_from', type: 'date' }) periodFrom: string;
  @Column({ name: 'period_to', type: 'date' }) periodTo: string;
  @Column({ name: 'ledger_watermark', type: 'bigint' }) ledgerWatermark: string;
  @Column({ name: 'frozen_by', type: 'uuid' }) frozenBy: string;
  @Column({ name: 'frozen_at', type: 'timestamptz' }) frozenAt: Date;
  @Column({ type: 'jsonb' }) signoff: Signoff;
  @Column({ type: 'jsonb' }) report: ReportDoc;
  /** Set once when the report is reopened (退回重填); the row then is history, never deleted. */
  @Column({ name: 'reopened_at', type: 'timestamptz', nullable: true }) reopenedAt: Date | null;
  @Column({ name: 'reopened_by', type: 'uuid', nullable: true }) reopenedBy: string | null;
  @Column({ name: 'reopen_reason', type: 'text', nullable: true }) reopenReason: string | null;
}
