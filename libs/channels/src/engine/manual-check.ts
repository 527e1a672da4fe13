import type { DataSource } from 'typeorm';
import type { Delivery } from '@app/domain/entities/delivery.entity';

/**
 * Deliveries whose outcome the channel cannot prove (ManualCheckError) wait for a person in
 * `unconfirmed`, marked `checkpoint.manualCheck`, with a `manual_check` event. They are never resent
 * by the engine on its own; an operator's retry after that event is the person's decision to send again.
 */
export const MANUAL_CHECK_EVENT = 'manual_check';

/** A delivery waiting for a person is looked up again this often (never resent, never failed by it). */
export const MANUAL_CHECK_RECHECK_MS = 24 * 3600_000;

/** Whether an operator retried the delivery after it last started waiting for a person (event order, by id). */
export async function isResendAuthorised(ds: Pick<DataSource, 'query'>, d: Pick<Delivery, 'id' | 'checkpoint'>): Promise<boolean> {
  if (!d.checkpoint?.manualCheck) return false;
  const rows = await ds.query(
    `SELECT EXISTS (
        SELECT 1 FROM delivery_events r
         WHERE r.delivery_id = $1 AND r.kind = 'operator_retry'
           AND r.id > (SELECT max(p.id) FROM delivery_events p WHERE p.delivery_id = $1 AND p.kind = $2)) AS ok`,
    [d.id, MANUAL_CHECK_EVENT],
  );
  return rows[0]?.ok === true;
}
