import type { EntityManager } from 'typeorm';
import { returning } from '@app/domain/services/sql';
import type { EngineSql, PendingEvent } from './engine-sql';

/**
 * Writes a repeated check's events coalesced: an event like one already written since the delivery's
 * last state change (same kind, call, error code) bumps that row's `count` and `last_at` instead of
 * adding a row (migration 1732005900000). The row keeps what the first occurrence said; the count and
 * the last time say how often and until when. State changes are never coalesced. Used only for the
 * checks of an unknown outcome (lookups of a lost answer, polls of an accepted publication, their
 * errors), which may repeat for a day.
 */
export async function insertCoalesced(sql: EngineSql, deliveryId: string, events: PendingEvent[], em: Pick<EntityManager, 'query'>): Promise<void> {
  const fresh: PendingEvent[] = [];
  for (const e of events) {
    if (e.kind === 'state') {
      fresh.push(e);
      continue;
    }
    const bumped = await returning(
      em,
      `UPDATE delivery_events SET count = count + 1, last_at = now()
        WHERE id = (SELECT max(x.id) FROM delivery_events x
                     WHERE x.delivery_id = $1 AND x.kind = $2 AND x.call IS NOT DISTINCT FROM $3 AND x.error_code IS NOT DISTINCT FROM $4
                       AND x.id > COALESCE((SELECT max(s.id) FROM delivery_events s WHERE s.delivery_id = $1 AND s.kind = 'state'), 0))
        RETURNING id`,
      [deliveryId, e.kind, e.call ?? null, e.errorCode ?? null],
    );
    if (!bumped.length) fresh.push(e);
  }
  await sql.insertEvents(deliveryId, fresh, em);
}
