import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DeliveryState } from '../enums/domain-enums';
import type { DeliveryRecord } from './delivery.types';

/**
 * One item version to one channel account. Postgres is the source of truth: the BullMQ job (jobId =
 * delivery id) is only a wake-up call; the sweeper re-enqueues due deliveries without a live job.
 * `checkpoint` records each step that took effect outside (media uploaded, draft created, submitted),
 * so a retry resumes after the last confirmed step and never repeats one.
 */
@Entity('deliveries')
export class Delivery implements DeliveryRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'item_version_id', type: 'uuid' }) itemVersionId: string;
  @Column({ name: 'version_no', type: 'int' }) versionNo: number;
  @Column({ name: 'channel_account_id', type: 'uuid' }) channelAccountId: string;
  @Column({ name: 'channel_type', type: 'text' }) channelType: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ type: 'text', default: 'pending' }) state: DeliveryState;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ type: 'jsonb', default: {} }) checkpoint: Record<string, any>;
  @Column({ name: 'external_id', type: 'text', nullable: true }) externalId: string | null;
  @Column({ name: 'external_url', type: 'text', nullable: true }) externalUrl: string | null;
  @Column({ name: 'last_error_code', type: 'text', nullable: true }) lastErrorCode: string | null;
  @Column({ name: 'last_error_message', type: 'text', nullable: true }) lastErrorMessage: string | null;
  /** While `processing`: the worker's lease; past it the sweeper reclaims the delivery. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil: Date | null;
  /** Next time the engine should look at it (retry backoff, confirmation poll). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true }) nextAttemptAt: Date | null;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
