import type { ChannelPreview } from '../../../../libs/channels/src/channel-adapter.types';
import type { AuditLogRecord } from '../../../../libs/domain/src/entities/audit-log.types';
import type { FindingRecord } from '../../../../libs/domain/src/entities/compliance-finding.types';
import type { ItemVersionRecord } from '../../../../libs/domain/src/entities/item-version.types';
import type { ItemRecord } from '../../../../libs/domain/src/entities/item.types';
import type { ReviewLevelSpec } from '../../../../libs/domain/src/entities/organisation.types';
import type { ReviewChange, ReviewDecisionRecord } from '../../../../libs/domain/src/entities/review-decision.types';
import type { ItemDeliveryRow } from '../deliveries/delivery-row.types';
import type { ListPaging } from '../http/list-paging.types';

// Pure TypeScript (type imports of pure modules only, by relative path): what ItemsService answers to
// the items API's reads, which the console (apps/console) reads too. Timestamps are Dates here and ISO
// strings once sent (the console types them Jsonified).

/** GET items: one page, newest change first; the count capped, `nextCursor` the next page (http/list-paging.types.ts). */
export interface ItemList extends ListPaging {
  items: ItemRecord[];
}

/** A frozen version of an item, without its snapshot (GET items/:id/versions/:no has that). */
export type ItemVersionRef = Pick<ItemVersionRecord, 'id' | 'versionNo' | 'createdAt' | 'createdBy'>;

/** GET items/:id/versions/:versionNo: one frozen version with its whole snapshot. */
export type ItemVersionDetail = Omit<ItemVersionRecord, 'itemId'>;

/** POST items/:id/approve: the item after this level; `version` is the one the last level froze, else null. */
export interface ApproveResult extends ItemRecord {
  version: Pick<ItemVersionRecord, 'id' | 'versionNo'> | null;
}

/** GET items/:id: the item with its findings, review decisions, deliveries and versions. */
export interface ItemDetail extends ItemRecord {
  findings: FindingRecord[];
  reviews: ReviewRow[];
  /** The same rows as GET items/:id/deliveries: never the engine's checkpoint or lease. */
  deliveries: ItemDeliveryRow[];
  versions: ItemVersionRef[];
  /** Who created, changed (which fields) or submitted the item, per version it led to (four eyes). */
  contributions: ItemContribution[];
  /** The review policy in force for the item's organisation: the levels, in order (libs/review). */
  reviewPolicy: ReviewLevelSpec[];
  /** How many levels that policy has. */
  reviewLevelsRequired: number;
}

/** A review decision as GET items/:id sends it: with the reviewer's display name. */
export interface ReviewRow extends ReviewDecisionRecord {
  reviewerName: string | null;
}

/** One contribution to an item: `versionNo` is the version it went into (or goes into, once approved). */
export interface ItemContribution extends Omit<ReviewChange, 'at'> {
  at: Date;
  versionNo: number;
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
