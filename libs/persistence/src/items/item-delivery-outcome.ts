import type { EntityManager } from 'typeorm';
import { isUuid } from '@app/common/ids/is-uuid';
import { returning } from '@app/domain/services/sql';
import { assertItemTransition, itemSourcesOf } from '@app/domain/state/item-state-machine';

type Q = Pick<EntityManager, 'query'>;

// The item statuses an operator's delivery actions lead to, as guarded statements of the item state
// machine (libs/domain/src/state/item-state-machine.ts): sources checked when this module loads.
/** Approved, and every delivery cancelled before anything went out: 未发布（渠道已取消）. */
const NOT_PUBLISHED_FROM = itemSourcesOf('not_published');
assertItemTransition('not_published', 'approved');

/**
 * Locks the item a delivery belongs to for update, before the delivery: a cancellation that may be the
 * item's last one reads its other deliveries after any other cancellation of the same item committed
 * (two operators cancelling the item's two deliveries at once: the second sees the first).
 */
export async function lockItemOfDeliveryForUpdate(em: Q, deliveryId: string): Promise<void> {
  if (!isUuid(deliveryId)) return; // the delivery lookup refuses it
  await em.query(`SELECT 1 FROM items WHERE id = (SELECT item_id FROM deliveries WHERE id = $1) FOR UPDATE`, [deliveryId]);
}

/**
 * After a delivery was cancelled: when the item has deliveries and every one of them is cancelled (none
 * went out, none waits), the approved item becomes `not_published`. Returns whether it did. The ledger
 * has no row of it, so no statistic counts it.
 */
export async function settleItemAfterCancel(em: Q, itemId: string): Promise<boolean> {
  const rows = await returning(
    em,
    `UPDATE items SET status = 'not_published', row_version = row_version + 1, updated_at = now()
      WHERE id = $1 AND status = ANY($2::text[])
        AND EXISTS (SELECT 1 FROM deliveries d WHERE d.item_id = $1)
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.item_id = $1 AND d.state <> 'cancelled')
      RETURNING id`,
    [itemId, NOT_PUBLISHED_FROM],
  );
  return rows.length > 0;
}

/** A cancelled delivery of a `not_published` item is sent again: the item is approved again (published as usual when it goes out). */
export async function reopenItemForRetry(em: Q, itemId: string): Promise<boolean> {
  const rows = await returning(
    em,
    `UPDATE items SET status = 'approved', row_version = row_version + 1, updated_at = now() WHERE id = $1 AND status = 'not_published' RETURNING id`,
    [itemId],
  );
  return rows.length > 0;
}
