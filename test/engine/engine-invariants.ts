import type { DataSource } from 'typeorm';

/**
 * Every delivery the engine still has work on carries the time of its next step: `processing` its
 * lease, `unconfirmed` and `awaiting_confirmation` their next_attempt_at (a check that is due now, or
 * waits for the account's pause, or for a person's daily look-up, still has a time). `pending` and
 * `withdrawing` are due at due_at / next_attempt_at or at once. `awaiting_issue` waits for the
 * gazette's issue, not for the engine. Returns the rows that break it (empty when it holds).
 */
export async function unscheduledDeliveries(ds: Pick<DataSource, 'query'>): Promise<{ id: string; state: string; last_error_code: string | null }[]> {
  return ds.query(
    `SELECT id, state, last_error_code FROM deliveries
      WHERE (state = 'processing' AND lease_until IS NULL)
         OR (state IN ('unconfirmed','awaiting_confirmation') AND next_attempt_at IS NULL)`,
  );
}
