import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ItemSnapshot, ItemVersionRecord } from './item-version.types';

// Declared with the record so the console can read it; re-exported for the server's many importers.
export type { ItemSnapshot };

@Entity('item_versions')
export class ItemVersion implements ItemVersionRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'version_no', type: 'int' }) versionNo: number;
  @Column({ type: 'jsonb' }) snapshot: ItemSnapshot;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
