import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditLogRecord } from './audit-log.types';

/** Append-only (a trigger refuses UPDATE and DELETE): who did what to which entity, when. */
@Entity('audit_logs')
export class AuditLog implements AuditLogRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'text' }) action: string;
  @Column({ name: 'entity_type', type: 'text' }) entityType: string;
  @Column({ name: 'entity_id', type: 'text' }) entityId: string;
  @Column({ name: 'item_id', type: 'uuid', nullable: true }) itemId: string | null;
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ type: 'jsonb', default: {} }) details: Record<string, unknown>;
  @CreateDateColumn({ name: 'at', type: 'timestamptz' }) at: Date;
}
