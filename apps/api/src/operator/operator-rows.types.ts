import type { ChannelAccountRecord } from '../../../../libs/domain/src/entities/channel-account.types';
import type { DeliveryEventRecord } from '../../../../libs/domain/src/entities/delivery-event.types';
import type { DeliveryRecord } from '../../../../libs/domain/src/entities/delivery.types';
import type { ItemStatus } from '../../../../libs/domain/src/enums/domain-enums';
import type { DeliveryRow } from '../deliveries/delivery-row.types';
import type { ListPaging } from '../http/list-paging.types';

// Pure TypeScript (type imports of pure modules only, by relative path): what OperatorService answers,
// which the operator console (apps/console/src/pages/monitor) reads. Timestamps are Dates here and ISO
// strings once sent.

/** A delivery as the operator lists it: with its item, account and organisation, and the state in words. */
export interface OperatorDelivery extends DeliveryRow, Pick<DeliveryRecord, 'nextAttemptAt' | 'leaseUntil' | 'createdAt'> {
  itemStatus: ItemStatus;
  accountStatus: string;
  organisationName: string;
  stateLabel: string;
}

/** GET operator/deliveries: one page. */
export interface OperatorDeliveryList extends ListPaging {
  deliveries: OperatorDelivery[];
}

/** A delivery event with who acted (GET operator/deliveries/:id/events). */
export interface DeliveryEventRow extends Omit<DeliveryEventRecord, 'deliveryId'> {
  actorName: string | null;
  /** Repeated checks are one row (engine/event-coalescing.ts): how many, `at` the first and `lastAt` the last. */
  count: number;
  lastAt: Date | null;
}

/** GET operator/deliveries/:id: the delivery, its queue jobs' states and its whole history. */
export interface OperatorDeliveryDetail extends OperatorDelivery, Pick<DeliveryRecord, 'checkpoint'> {
  /** BullMQ job states of the delivery's deliver and withdraw jobs ('unknown' when the queue cannot say). */
  job: { deliver: string; withdraw: string };
  events: DeliveryEventRow[];
  /** The account's sending state now (paused, rate limited...), with why it needs attention if it does. */
  account: AccountStateInfo & { statusReason: string | null };
}

/** One cell of the matrix: the delivery of the item's latest version to that account. */
export interface MatrixCell extends Pick<
  DeliveryRecord,
  'state' | 'versionNo' | 'externalUrl' | 'lastErrorCode' | 'lastErrorMessage' | 'attempts' | 'publishedAt' | 'nextAttemptAt'
> {
  deliveryId: string;
  stateLabel: string;
}

export interface MatrixAccount extends Pick<ChannelAccountRecord, 'id' | 'name' | 'channelType' | 'status'> {
  /** The channel's name (its capabilities' label). */
  label: string;
}

export interface MatrixItem {
  id: string;
  title: string;
  status: ItemStatus;
  indexNo: string;
  versionNo: number;
  publishAt: Date | null;
  /** When the latest version was frozen. */
  approvedAt: Date | null;
  /** By channel account id. */
  cells: Record<string, MatrixCell>;
}

/** GET operator/matrix: items (newest approval first) × the channel accounts they target. */
export interface Matrix extends ListPaging {
  accounts: MatrixAccount[];
  items: MatrixItem[];
}

/** An account's sending state as the operator sees it (account-states.service.ts). */
export interface AccountStateInfo {
  /**
   * active (正常), paused (已暂停: the outside system's window, until resumesAt, for pauseReason),
   * rate_limited (限流中: the account's own rate limit used up until rateLimitedUntil), needs_attention, disabled.
   */
  state: 'active' | 'paused' | 'rate_limited' | 'needs_attention' | 'disabled';
  pauseReason: string | null;
  resumesAt: Date | null;
  rateLimitedUntil: Date | null;
}

/** GET operator/accounts: a channel account with its backlog. */
export interface OperatorAccount
  extends Pick<ChannelAccountRecord, 'id' | 'name' | 'channelType' | 'organisationId' | 'enabled' | 'status' | 'statusReason' | 'updatedAt'>, AccountStateInfo {
  /** Deliveries not yet done (pending, processing, unconfirmed, awaiting confirmation, withdrawing). */
  waiting: number;
  failed: number;
  /** The earliest next step of the account's waiting deliveries. */
  nextAttemptAt: Date | null;
}

/** GET operator/summary: delivery counts by channel type and state. */
export interface OperatorSummary {
  /** channel type → state → deliveries; a cell named in `capped` holds `cap` and means "at least that many". */
  byChannel: Record<string, Record<string, number>>;
  /** Cells counted only up to `cap` ("channel.state", e.g. portal.published). */
  capped: string[];
  cap: number;
}
