import { assertDeliveryTransition } from '@app/domain/state/delivery-state-machine';
import { sqlStates } from './publication.sql';

// Shape of the hot statements: the rows are found and locked by primary key alone (a CTE whose only
// condition is `id = ANY(...)`), what decides whether a row may be written is computed there as a
// column, and the UPDATE joins back by id. Conditions on the updated table itself (state, account,
// lease) would let the planner pick another index; on a young database, whose tables were never
// analysed, it did, and read thousands of rows for each handful claimed.

// A lease that ran out is taken over in place (the new owner reconciles first).
assertDeliveryTransition('processing', 'processing');

/** $1 ids, $2 lease seconds, $3 claimable states (checked against the table by the caller), $4 versions the caller has cached. */
export const CLAIM_SQL = `
  WITH p AS (
    SELECT d.id, d.state AS prev_state,
           ((d.state = ANY($3::text[]) AND d.due_at <= now() AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now()))
             OR (d.state = 'processing' AND d.lease_until < now()))
           AND EXISTS (SELECT 1 FROM channel_accounts a WHERE a.id = d.channel_account_id AND a.enabled AND a.status = 'active') AS due
      FROM deliveries d WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE OF d),
  c AS (
    UPDATE deliveries d
       SET state = 'processing', lease_until = now() + make_interval(secs => $2::int), lease_token = gen_random_uuid(),
           attempts = d.attempts + 1, updated_at = now()
      FROM p
     WHERE d.id = p.id AND p.due
    RETURNING d.*, p.prev_state)
  SELECT c.*, CASE WHEN NOT (c.item_version_id = ANY($4::uuid[]))
                    AND row_number() OVER (PARTITION BY c.item_version_id ORDER BY c.id) = 1 THEN v.snapshot END AS version_snapshot
    FROM c JOIN item_versions v ON v.id = c.item_version_id`;

/** Leaves `processing` for $2 while the claim's token ($9) still holds; `events` is the events' INSERT (or ''). */
export const transitionSql = (events: string) => `
      WITH u AS (
        UPDATE deliveries SET state = $2::text, lease_until = NULL, lease_token = NULL, next_attempt_at = $3::timestamptz,
               external_id = COALESCE($4::text, external_id), last_error_code = COALESCE($5::text, last_error_code),
               last_error_message = COALESCE($6::text, last_error_message), attempts = GREATEST(0, attempts + $7::int),
               checkpoint = checkpoint || $8::jsonb, updated_at = now()
         WHERE id = $1::uuid AND lease_token = $9::uuid AND state = 'processing' RETURNING id)
      ${events ? `, e AS (${events})` : ''}
      SELECT count(*)::int AS n FROM u`;

export const RELEASE_CLAIM_SQL = `
  UPDATE deliveries SET state = $3, lease_until = NULL, lease_token = NULL, attempts = GREATEST(0, attempts - 1),
         next_attempt_at = now() + make_interval(secs => $4), updated_at = now()
   WHERE id = $1 AND lease_token = $2 AND state = 'processing'`;

/** The states a live lease is held in (a step, a withdrawal). */
export const LEASED_STATES = sqlStates(['processing', 'withdrawing']);

export const RENEW_LEASE_SQL = `UPDATE deliveries SET lease_until = now() + make_interval(secs => $3) WHERE id = $1 AND lease_token = $2 AND state IN (${LEASED_STATES})`;

/** The lease given up without a state change (the step's outcome was superseded), keeping what the step learnt. */
export const RELEASE_LEASE_SQL = `
  UPDATE deliveries SET lease_until = NULL, lease_token = NULL, external_id = COALESCE($2, external_id),
         checkpoint = checkpoint || $3::jsonb, updated_at = now() WHERE id = $1 AND lease_token = $4`;

export const CLAIM_WITHDRAW_SQL = `
  UPDATE deliveries d SET lease_until = now() + make_interval(secs => $2), lease_token = gen_random_uuid(), updated_at = now()
    FROM channel_accounts a
   WHERE d.id = $1 AND a.id = d.channel_account_id AND a.enabled AND a.status = 'active' AND d.state = 'withdrawing'
     AND (d.lease_until IS NULL OR d.lease_until < now()) AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now())
   RETURNING d.*`;

export const RELEASE_WITHDRAW_SQL = `
  UPDATE deliveries SET lease_until = NULL, lease_token = NULL, next_attempt_at = $3, external_id = COALESCE($4, external_id),
         last_error_code = COALESCE($5, last_error_code), last_error_message = COALESCE($6, last_error_message),
         checkpoint = checkpoint || $7::jsonb, updated_at = now()
   WHERE id = $1 AND lease_token = $2 AND state = 'withdrawing'`;
