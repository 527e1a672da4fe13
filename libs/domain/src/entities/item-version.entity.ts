import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ItemContent } from './item.types';

/** The frozen content of an item at approval: what the adapters render. Never updated. */
export interface ItemSnapshot extends ItemContent {
  itemId: string;
  versionNo: number;
  organisationId: string;
  organisationName: string;
  organisationCode: string;
  authorName: string;
  approvedAt: string;
}

@Entity('item_versions')
export class ItemVersion {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'version_no', type: 'int' }) versionNo: number;
  @Column({ type: 'jsonb' }) snapshot: ItemSnapshot;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
