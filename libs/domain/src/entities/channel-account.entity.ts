import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ChannelAccountRecord } from './channel-account.types';

/**
 * An account on an outside system (a WeChat official account, a Weibo account, an LED controller, the
 * portal site, a gazette). `credentialsEnc` is AES-256-GCM sealed (SecretBox) and never leaves the
 * server; `settings` holds what is not secret. `baseUrl` points at the real system, a vendor test
 * endpoint or the simulator: the adapter code is the same.
 */
@Entity('channel_accounts')
export class ChannelAccount implements ChannelAccountRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'channel_type', type: 'text' }) channelType: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'base_url', type: 'text', default: '' }) baseUrl: string;
  @Column({ name: 'credentials_enc', type: 'text', nullable: true, select: false }) credentialsEnc: string | null;
  @Column({ type: 'jsonb', default: {} }) settings: Record<string, any>;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  /** active | needs_attention (credentials or permissions problem an operator must fix) */
  @Column({ type: 'text', default: 'active' }) status: string;
  @Column({ name: 'status_reason', type: 'text', nullable: true }) statusReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
