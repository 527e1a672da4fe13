import type { DeliveryRecord } from '../../../../libs/domain/src/entities/delivery.types';
import type { ListPaging } from '../http/list-paging.types';

// Pure TypeScript (type imports of pure modules only, by relative path): the console (apps/console)
// reads these rows too. They are SQL rows aliased to the Delivery entity's names, so they pick their
// columns from DeliveryRecord; timestamps are Dates here and ISO strings once sent.

type ListedColumns =
  | 'id'
  | 'state'
  | 'channelType'
  | 'channelAccountId'
  | 'versionNo'
  | 'attempts'
  | 'dueAt'
  | 'externalId'
  | 'externalUrl'
  | 'lastErrorCode'
  | 'lastErrorMessage'
  | 'publishedAt'
  | 'updatedAt';

/** GET items/:id/deliveries: one item's deliveries, with the account's name. */
export interface ItemDeliveryRow extends Pick<DeliveryRecord, ListedColumns> {
  accountName: string;
}

/** GET deliveries: deliveries across items, with the item's title. */
export interface DeliveryRow extends ItemDeliveryRow, Pick<DeliveryRecord, 'itemId' | 'organisationId'> {
  itemTitle: string;
}

/** GET deliveries: one page, newest change first; the count capped, `nextCursor` the next page (apps/api/src/http/paging.ts). */
export interface DeliveryList extends ListPaging {
  deliveries: DeliveryRow[];
}
