import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ReviewChange, ReviewDecisionRecord } from './review-decision.types';

/** One reviewer's decision at one level, with the 保密审查 conclusion. Append-only. */
@Entity('review_decisions')
export class ReviewDecision implements ReviewDecisionRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  /** Review round: increases each time the item is submitted. */
  @Column({ type: 'int' }) round: number;
  @Column({ type: 'int' }) level: number;
  @Column({ name: 'level_label', type: 'text', nullable: true }) levelLabel: string | null;
  @Column({ name: 'reviewer_id', type: 'uuid' }) reviewerId: string;
  @Column({ type: 'text' }) decision: 'approve' | 'reject';
  @Column({ type: 'text', nullable: true }) reason: string | null;
  /** 保密审查结论 */
  @Column({ name: 'secrecy_conclusion', type: 'text', nullable: true }) secrecyConclusion: string | null;
  /** Who created, changed or submitted the version this decision passed (approvals; null before they were recorded). */
  @Column({ type: 'jsonb', nullable: true }) changes: ReviewChange[] | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
