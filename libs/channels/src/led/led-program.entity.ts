import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { HuiduProgram } from './huidu-program.types';
import type { LedProgramRecord } from './led-reads.types';

/**
 * A numbered version of a screen's whole program. A new version is stored only when the program
 * changes (by hash); Huidu screens get it pushed and acknowledged (acked_at), pull players fetch it
 * (fetched_at). A delivery is published once a version containing its entry was acked or fetched.
 */
@Entity('led_programs')
export class LedProgram implements LedProgramRecord {
  @PrimaryColumn({ name: 'channel_account_id', type: 'uuid' }) channelAccountId: string;
  @PrimaryColumn({ type: 'int' }) version: number;
  @Column({ type: 'text' }) hash: string;
  @Column({ type: 'jsonb' }) programs: HuiduProgram[];
  @Column({ name: 'entry_ids', type: 'uuid', array: true }) entryIds: string[];
  @Column({ name: 'frame_count', type: 'int' }) frameCount: number;
  @Column({ type: 'boolean', default: false }) emergency: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'pushed_at', type: 'timestamptz', nullable: true }) pushedAt: Date | null;
  @Column({ name: 'acked_at', type: 'timestamptz', nullable: true }) ackedAt: Date | null;
  @Column({ name: 'fetched_at', type: 'timestamptz', nullable: true }) fetchedAt: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
}
