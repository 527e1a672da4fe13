import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { ItemKind, ItemStatus } from '../enums/domain-enums';
import type { Attachment, ChannelOverrides, ItemRecord } from './item.types';

/**
 * An item as the editor works on it. What gets published is never this row but an immutable
 * ItemVersion frozen at approval.
 */
@Entity('items')
export class Item implements ItemRecord {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'author_id', type: 'uuid' }) authorId: string;
  @Column({ type: 'text', default: 'draft' }) status: ItemStatus;
  @Column({ type: 'text' }) title: string;
  @Column({ name: 'body_html', type: 'text', default: '' }) bodyHtml: string;
  @Column({ type: 'text', default: '' }) summary: string;
  /** 索引号, generated on creation by the organisation's scheme. */
  @Column({ name: 'index_no', type: 'text', unique: true }) indexNo: string;
  /** 文号 */
  @Column({ name: 'doc_no', type: 'text', nullable: true }) docNo: string | null;
  /** 发布机构 */
  @Column({ name: 'issuing_body', type: 'text' }) issuingBody: string;
  /** 成文日期 (YYYY-MM-DD) */
  @Column({ name: 'written_date', type: 'date', nullable: true }) writtenDate: string | null;
  /** 发布日期 (YYYY-MM-DD, Asia/Shanghai), set when first published */
  @Column({ name: 'publish_date', type: 'date', nullable: true }) publishDate: string | null;
  /** 主题分类 */
  @Column({ type: 'text', default: '其他' }) category: string;
  /** 公开属性 */
  @Column({ name: 'disclosure_attr', type: 'text', default: '主动公开' }) disclosureAttr: string;
  /** 有效性 */
  @Column({ type: 'text', default: '有效' }) validity: string;
  /** 废止日期 */
  @Column({ name: 'repealed_date', type: 'date', nullable: true }) repealedDate: string | null;
  @Column({ type: 'text', default: 'notice' }) kind: ItemKind;
  /** For 政策解读: the policy item it interprets. */
  @Column({ name: 'policy_item_id', type: 'uuid', nullable: true }) policyItemId: string | null;
  @Column({ type: 'jsonb', default: [] }) attachments: Attachment[];
  /** Channel accounts the item targets. */
  @Column({ name: 'target_account_ids', type: 'uuid', array: true, default: () => "'{}'" }) targetAccountIds: string[];
  @Column({ name: 'channel_overrides', type: 'jsonb', default: {} }) channelOverrides: ChannelOverrides;
  /** When set, deliveries become due at this time instead of at approval. */
  @Column({ name: 'publish_at', type: 'timestamptz', nullable: true }) publishAt: Date | null;
  /** Highest review level approved in the current review round (0 = none). */
  @Column({ name: 'review_level', type: 'int', default: 0 }) reviewLevel: number;
  @Column({ name: 'current_version_no', type: 'int', default: 0 }) currentVersionNo: number;
  @Column({ name: 'rejection_reason', type: 'text', nullable: true }) rejectionReason: string | null;
  /** When it was last submitted for review (its last 'submit' contribution): the review queue's order. Set by the submission only. */
  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true }) submittedAt: Date | null;
  @VersionColumn({ name: 'row_version' }) rowVersion: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
