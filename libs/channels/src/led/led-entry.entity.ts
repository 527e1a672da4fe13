import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { LedEntryRecord, LedEntryStatus } from './led-reads.types';

/**
 * What one delivery put on one screen: the text, its pages as split for the screen, the display
 * window, weekdays, hours, priority and the emergency flag. A screen's program is built from its
 * active entries; an entry leaves it when it expires, is withdrawn or is superseded by a revision.
 */
@Entity('led_entries')
export class LedEntry implements LedEntryRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'channel_account_id', type: 'uuid' }) channelAccountId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'delivery_id', type: 'uuid' }) deliveryId: string;
  @Column({ name: 'version_no', type: 'int' }) versionNo: number;
  @Column({ type: 'text' }) title: string;
  @Column({ type: 'text' }) text: string;
  @Column({ name: 'display_from', type: 'timestamptz' }) displayFrom: Date;
  @Column({ name: 'display_to', type: 'timestamptz' }) displayTo: Date;
  @Column({ type: 'int', array: true }) weekdays: number[];
  @Column({ type: 'jsonb' }) hours: { start: string; end: string }[];
  @Column({ type: 'int' }) priority: number;
  @Column({ type: 'boolean' }) emergency: boolean;
  @Column({ type: 'text', nullable: true }) colour: string | null;
  /** The text split into the screen's pages (lines joined by \n), for pagesSig's screen settings. */
  @Column({ type: 'jsonb' }) pages: string[];
  @Column({ name: 'pages_sig', type: 'text' }) pagesSig: string;
  @Column({ type: 'text', default: 'active' }) status: LedEntryStatus;
  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true }) removedAt: Date | null;
  @Column({ name: 'removed_reason', type: 'text', nullable: true }) removedReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
