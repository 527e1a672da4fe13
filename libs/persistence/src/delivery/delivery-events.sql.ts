import type { EntityManager } from 'typeorm';
import { returning } from '@app/domain/services/sql';

/** One delivery_events row before it is written. */
export interface PendingEvent {
  kind: string;
  fromState?: string | null;
  toState?: string | null;
  call?: string | null;
  response?: string | null;
  errorCode?: string | null;
  message?: string | null;
  durationMs?: number | null;
  actorId?: string | null;
}

export const EVENT_COLUMNS = 'delivery_id, kind, from_state, to_state, call, response, error_code, message, duration_ms, actor_id';
export const V_COLUMNS = 'v(kind, from_state, to_state, call, response, error_code, message, duration_ms, actor_id)';

/** Texts are cut to what the history shows. */
export const clip = (s: string | null | undefined) => (s == null ? null : String(s).slice(0, 4000));

/** `(VALUES ...)` rows for events, appending their parameters to `params`. */
export function eventValues(events: PendingEvent[], params: unknown[]): string {
  return events
    .map((e) => {
      const vals = [
        e.kind,
        e.fromState ?? null,
        e.toState ?? null,
        e.call ?? null,
        clip(e.response),
        e.errorCode ?? null,
        clip(e.message),
        e.durationMs == null ? null : Math.round(e.durationMs),
        e.actorId ?? null,
      ];
      const casts = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'int', 'uuid'];
      return `(${vals
        .map((v, i) => {
          params.push(v);
          return `$${params.length}::${casts[i]}`;
        })
        .join(', ')})`;
    })
    .join(', ');
}

/** `INSERT ... SELECT` of `events` for the delivery rows of CTE `from` (its column `id`), or '' for none. */
export function eventsFrom(from: string, events: PendingEvent[], params: unknown[]): string {
  if (!events.length) return '';
  return `INSERT INTO delivery_events (${EVENT_COLUMNS}) SELECT ${from}.id, v.* FROM ${from}, (VALUES ${eventValues(events, params)}) ${V_COLUMNS}`;
}

/**
 * A repeated check's events, coalesced: an event like one already written since the delivery's last
 * state change (same kind, call, error code) bumps that row's `count` and `last_at` instead of adding
 * a row (migration 1732005900000). State changes are never coalesced. Returns the events still to insert.
 */
export async function bumpRepeatedEvents(em: Pick<EntityManager, 'query'>, deliveryId: string, events: PendingEvent[]): Promise<PendingEvent[]> {
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
  return fresh;
}
