import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Attachment, ChannelOverrides } from './item.entity';
import type { ItemKind } from '../enums/domain-enums';

/** The frozen content of an item at approval: what the adapters render. Never updated. */
export interface ItemSnapshot {
  itemId: string;
  versionNo: number;
  organisationId: string;
  organisationName: string;
  organisationCode: string;
  title: string;
  bodyHtml: string;
  summary: string;
  indexNo: string;
  docNo: string | null;
  issuingBody: string;
  writtenDate: string | null;
  publishDate: string | null;
  category: string;
  disclosureAttr: string;
  validity: string;
  repealedDate: string | null;
  kind: ItemKind;
  policyItemId: string | null;
  attachments: Attachment[];
  channelOverrides: ChannelOverrides;
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
