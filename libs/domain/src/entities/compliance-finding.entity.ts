import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FindingSeverity, FindingStatus } from '../enums/domain-enums';
import type { FindingRecord } from './compliance-finding.types';

/**
 * A compliance finding on an item, with its position in the field's text. `block` findings can never
 * be overridden; `review` findings need a reviewer's explicit decision (status kept or redacted).
 */
@Entity('compliance_findings')
export class ComplianceFinding implements FindingRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ type: 'text' }) rule: string;
  @Column({ type: 'text' }) severity: FindingSeverity;
  @Column({ type: 'text' }) field: string;
  @Column({ type: 'int' }) start: number;
  @Column({ type: 'int' }) end: number;
  @Column({ type: 'text' }) excerpt: string;
  @Column({ type: 'text' }) message: string;
  @Column({ type: 'text', default: 'open' }) status: FindingStatus;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy: string | null;
  @Column({ name: 'decision_reason', type: 'text', nullable: true }) decisionReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
