import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrganisationRecord, ReviewLevelSpec } from './organisation.types';

/**
 * Organisations form a tree (county → departments → townships). `path` is the materialised path of ids
 * ("/<root>/<child>/"), so a subtree is `path LIKE '<path>%'` on an indexed column.
 */
@Entity('organisations')
export class Organisation implements OrganisationRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId: string | null;
  @Column({ type: 'text', unique: true }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', default: 'department' }) level: string;
  @Column({ type: 'text' }) path: string;
  /** The organisation's own review policy (ordered levels, 先审查、后公开); null: inherited (libs/review). */
  @Column({ name: 'review_policy', type: 'jsonb', nullable: true }) reviewPolicy: ReviewLevelSpec[] | null;
  /** 索引号 scheme, e.g. "{orgCode}/{yyyy}-{seq:5}". */
  @Column({ name: 'index_scheme', type: 'text', default: '{orgCode}/{yyyy}-{seq:5}' }) indexScheme: string;
  /** Non-secret per-organisation settings (gazette, default channels by kind, portal columns...). */
  @Column({ type: 'jsonb', default: {} }) settings: Record<string, any>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
