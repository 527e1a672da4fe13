import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The publication ledger: one append-only row per publication an outside system confirmed, written in
 * the same transaction that marks the delivery published. The only source of the statistics.
 * Withdrawal never deletes a row (it was disclosed, so it counts in its period); see withdrawnAt.
 */
@Entity('publication_records')
export class PublicationRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'delivery_id', type: 'uuid', nullable: true, unique: true }) deliveryId: string | null;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'item_version_id', type: 'uuid', nullable: true }) itemVersionId: string | null;
  @Column({ name: 'version_no', type: 'int' }) versionNo: number;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'channel_type', type: 'text' }) channelType: string;
  @Column({ name: 'channel_account_id', type: 'uuid', nullable: true }) channelAccountId: string | null;
  @Column({ name: 'published_at', type: 'timestamptz' }) publishedAt: Date;
  @Column({ type: 'text' }) kind: string;
  @Column({ type: 'text' }) category: string;
  @Column({ name: 'is_normative', type: 'boolean' }) isNormative: boolean;
  @Column({ name: 'is_interpretation', type: 'boolean' }) isInterpretation: boolean;
  @Column({ name: 'is_response', type: 'boolean' }) isResponse: boolean;
  @Column({ name: 'external_url', type: 'text', nullable: true }) externalUrl: string | null;
  /** 公开属性 of the published version; the statistics count only 主动公开 rows. */
  @Column({ name: 'disclosure_attr', type: 'text', default: '主动公开' }) disclosureAttr: string;
  /** true when an operator recorded a manual publication. */
  @Column({ type: 'boolean', default: false }) manual: boolean;
  /** true when the row was brought in from an old site by a site import (issue 18.1). */
  @Column({ type: 'boolean', default: false }) imported: boolean;
  /** Statistics row the publication counts in: the channel adapter's `capabilities.reportRow` at publication. */
  @Column({ name: 'report_row', type: 'text', default: 'other' }) reportRow: string;
  /** Counts as 政务新媒体: the channel adapter's `capabilities.newMedia` at publication. */
  @Column({ name: 'new_media', type: 'boolean', default: false }) newMedia: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

/** A withdrawal of a publication: added beside the ledger row, never replacing it. */
@Entity('publication_withdrawals')
export class PublicationWithdrawal {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'publication_record_id', type: 'bigint' }) publicationRecordId: string;
  @Column({ name: 'withdrawn_at', type: 'timestamptz' }) withdrawnAt: Date;
  @Column({ type: 'text', nullable: true }) reason: string | null;
}
