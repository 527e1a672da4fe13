import type { ItemRecord } from '../../../../libs/domain/src/entities/item.types';
import type { ListPaging } from '../http/list-paging.types';

// Pure TypeScript (type imports of pure modules only): GET review/queue, which the console's review queue reads.

/** An item waiting at a level this user decides, with when it was submitted (its submission record). */
export interface ReviewQueueRow extends Pick<ItemRecord, 'id' | 'title' | 'kind' | 'organisationId' | 'reviewLevel' | 'indexNo' | 'updatedAt'> {
  /** The latest submission (items.submitted_at, the time of its last 'submit' contribution), not the last change. */
  submittedAt: Date | null;
  /** Who submitted it (display name). */
  submittedBy: string | null;
}

/** GET review/queue: oldest submission first, one page; the count capped (http/list-paging.types.ts). */
export interface ReviewQueue extends Omit<ListPaging, 'page'> {
  items: ReviewQueueRow[];
}
