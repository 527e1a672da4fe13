import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { GazetteIssueRecord, GazetteIssueStatus, GazetteToc } from './gazette-reads.types';

/**
 * One issue of a gazette (政府公报), numbered by year, issue of the year and running total
 * ("2026年第3期（总第123期）"). `draft`: numbered but nothing to print; `compiled`: has a table of
 * contents and can be published; `published`: frozen by a database trigger, never changes again.
 */
@Entity('gazette_issues')
export class GazetteIssue implements GazetteIssueRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'channel_account_id', type: 'uuid' }) channelAccountId: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ type: 'int' }) year: number;
  @Column({ name: 'issue_no', type: 'int' }) issueNo: number;
  @Column({ name: 'total_no', type: 'int' }) totalNo: number;
  @Column({ type: 'text', default: 'draft' }) status: GazetteIssueStatus;
  @Column({ type: 'jsonb' }) toc: GazetteToc;
  @Column({ name: 'compiled_at', type: 'timestamptz', nullable: true }) compiledAt: Date | null;
  @Column({ name: 'compiled_by', type: 'uuid', nullable: true }) compiledBy: string | null;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @Column({ name: 'published_by', type: 'uuid', nullable: true }) publishedBy: string | null;
  /** When the issue page was written; published issues without it are written by the schedule. */
  @Column({ name: 'site_written_at', type: 'timestamptz', nullable: true }) siteWrittenAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
