import type { ChannelPreview } from '../../../../libs/channels/src/channel-adapter.types';
import type { AuditLogRecord } from '../../../../libs/domain/src/entities/audit-log.types';
import type { FindingRecord } from '../../../../libs/domain/src/entities/compliance-finding.types';
import type { DeliveryRecord } from '../../../../libs/domain/src/entities/delivery.types';
import type { ItemRecord } from '../../../../libs/domain/src/entities/item.types';
import type { ReviewDecisionRecord } from '../../../../libs/domain/src/entities/review-decision.types';

// Pure TypeScript (type imports of pure modules only, by relative path): what ItemsService answers to
// the items API's reads, which the console (apps/console) reads too. Timestamps are Dates here and ISO
// strings once sent (the console types them Jsonified).

/** GET items: one page of items, newest change first. */
export interface ItemList {
  items: ItemRecord[];
  total: number;
  page: number;
  pageSize: number;
}

/** A frozen version of an item, without its snapshot (GET items/:id/versions/:no has that). */
export interface ItemVersionRef {
  id: string;
  versionNo: number;
  createdAt: Date;
  createdBy: string;
}

/** GET items/:id: the item with its findings, review decisions, deliveries and versions. */
export interface ItemDetail extends ItemRecord {
  findings: FindingRecord[];
  reviews: ReviewDecisionRecord[];
  deliveries: DeliveryRecord[];
  versions: ItemVersionRef[];
  /** The organisation's number of review levels. */
  reviewLevelsRequired: number;
}

/** GET items/:id/audit: the item's audit trail, with the actor's username. */
export interface AuditEntry extends Pick<AuditLogRecord, 'id' | 'action' | 'actorId' | 'details' | 'at'> {
  actorName: string | null;
}

/** GET items/:id/previews: one target account's preview, from its channel's own renderer. */
export interface AccountPreview {
  accountId: string;
  accountName: string;
  channelType: string;
  /** The channel's name (its capabilities' label). */
  label: string;
  preview: ChannelPreview;
}
