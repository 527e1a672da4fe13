import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An article of an issue (one delivery), or a 勘误 (erratum) about an article of an earlier issue.
 * Errata are recorded when a published article is withdrawn and wait (issue_id NULL) for the next
 * issue to be compiled or published.
 */
@Entity('gazette_entries')
export class GazetteEntry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'channel_account_id', type: 'uuid' }) channelAccountId: string;
  @Column({ name: 'issue_id', type: 'uuid', nullable: true }) issueId: string | null;
  @Column({ name: 'delivery_id', type: 'uuid' }) deliveryId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'item_version_id', type: 'uuid' }) itemVersionId: string;
  @Column({ type: 'text' }) section: string;
  @Column({ type: 'int', default: 0 }) position: number;
  @Column({ name: 'is_erratum', type: 'boolean', default: false }) isErratum: boolean;
  @Column({ name: 'erratum_text', type: 'text', nullable: true }) erratumText: string | null;
  @Column({ name: 'corrects_issue_id', type: 'uuid', nullable: true }) correctsIssueId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
