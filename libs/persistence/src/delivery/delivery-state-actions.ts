import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import { returning } from '@app/domain/services/sql';
import { assertDeliveryTransition, assertDeliveryTransitions } from '@app/domain/state/delivery-state-machine';
import type { PendingEvent } from './delivery-events.sql';
import type { MarkPublishedInput } from './publication.sql';

type Q = Pick<EntityManager, 'query'>;

/** A delivery row a bulk write changed. */
export interface ChangedDelivery {
  id: string;
  channel_type: string;
  channel_account_id: string;
}

// Source states of the bulk writes, checked against the transition table when this module loads.
/** The item withdrawn: what has not gone out is cancelled ... */
const ITEM_WITHDRAW_CANCELS = assertDeliveryTransitions(['pending', 'awaiting_issue'], 'cancelled');
/** ... and what went out, or may have, is taken back by its channel. */
const ITEM_WITHDRAW_TAKES_BACK = assertDeliveryTransitions(['published', 'awaiting_confirmation', 'processing', 'unconfirmed'], 'withdrawing');
/** A scheduled publication called off: the deliveries that never started. */
const SCHEDULE_CANCELS = assertDeliveryTransitions(['pending'], 'cancelled');
/** A gazette issue compiled: an older version still waiting is superseded by the newer. */
const SUPERSEDED_IN_ISSUE = assertDeliveryTransitions(['awaiting_issue'], 'cancelled');
/** A gazette issue published: its articles were waiting for it. */
export const PUBLISHED_IN_ISSUE = assertDeliveryTransitions(['awaiting_issue'], 'published');

/**
 * The writes of the delivery state outside a worker's step: operators' actions, an item's withdrawal
 * and schedule, the gazette's issues, callbacks, and the end of a withdraw step. Part of the one writer
 * (DeliveryStateRepository extends it); each write names the states it may come from, checked against
 * the transition table (DeliveryTransitionError, before the database is touched) and used as the
 * statement's guard, and each returns whether (or which rows) it changed. Runs in the caller's
 * transaction where one is passed.
 */
export abstract class DeliveryStateActions {
  abstract insertEvents(deliveryId: string, events: PendingEvent[], em?: Q): Promise<void>;
  abstract markPublished(o: MarkPublishedInput, em?: Q): Promise<{ prev: DeliveryState; state: DeliveryState } | null>;
  protected abstract manager(): DataSource;

  /** One guarded state change with its events; false (nothing written) when the row is not in `from`. */
  private async move(
    em: Q,
    deliveryId: string,
    from: readonly string[],
    to: DeliveryState,
    set: string,
    params: unknown[],
    events: PendingEvent[],
  ): Promise<boolean> {
    const sources = assertDeliveryTransitions(from, to);
    const n = params.length;
    const u = await returning(
      em,
      `UPDATE deliveries SET state = $${n + 1}, ${set}, updated_at = now() WHERE id = $${n + 2} AND state = ANY($${n + 3}) RETURNING id`,
      [...params, to, deliveryId, sources],
    );
    if (u.length) await this.insertEvents(deliveryId, events, em);
    return u.length > 0;
  }

  // ------------------------------------------------------------------ operators

  /**
   * Sends again now (an operator's retry): `to` is `pending`, or `unconfirmed` where the channel is
   * looked up first; a failed or cancelled delivery starts over with a fresh budget.
   */
  retry(em: Q, deliveryId: string, from: DeliveryState, to: DeliveryState, events: PendingEvent[]): Promise<boolean> {
    return this.move(
      em,
      deliveryId,
      [from],
      to,
      `attempts = CASE WHEN state IN ('failed','cancelled') THEN 0 ELSE attempts END, next_attempt_at = now(), due_at = LEAST(due_at, now()),
       last_error_code = NULL, checkpoint = checkpoint - '{acceptedAt,unknownSince,unknownChecks,withdrawAttempts}'::text[]`,
      [],
      events,
    );
  }

  /** Stops a delivery that has not gone out (an operator). */
  cancel(em: Q, deliveryId: string, from: DeliveryState, message: string, events: PendingEvent[]): Promise<boolean> {
    return this.move(em, deliveryId, [from], 'cancelled', `next_attempt_at = NULL, last_error_message = $1`, [message], events);
  }

  /** The operator took a publication down by hand: `withdrawn`, and a withdrawal row beside its ledger row. */
  async markWithdrawn(em: EntityManager, deliveryId: string, from: DeliveryState, note: string, events: PendingEvent[]): Promise<boolean> {
    const ok = await this.move(
      em,
      deliveryId,
      [from],
      'withdrawn',
      `lease_until = NULL, lease_token = NULL, next_attempt_at = NULL, last_error_code = NULL, last_error_message = NULL`,
      [],
      events,
    );
    if (ok) await this.addWithdrawal(em, deliveryId, note);
    return ok;
  }

  private async addWithdrawal(em: Q, deliveryId: string, reason: string | null): Promise<void> {
    await em.query(
      `INSERT INTO publication_withdrawals (publication_record_id, withdrawn_at, reason) SELECT id, now(), $2 FROM publication_records WHERE delivery_id = $1`,
      [deliveryId, reason],
    );
  }

  /** An approved item's publication time moved: its deliveries that have not started follow (no state change). */
  async reschedule(em: Q, itemId: string, versionNo: number, publishAt: Date | null): Promise<(ChangedDelivery & { due_at: Date })[]> {
    return returning(
      em,
      `UPDATE deliveries SET due_at = GREATEST(now(), COALESCE($3::timestamptz, now())), next_attempt_at = NULL, updated_at = now()
        WHERE item_id = $1 AND version_no = $2 AND state = 'pending' AND attempts = 0
        RETURNING id, channel_type, channel_account_id, due_at`,
      [itemId, versionNo, publishAt],
    );
  }

  /** A scheduled publication called off: the item's deliveries that never started are cancelled. */
  async cancelUnstarted(em: Q, itemId: string, message: string, event: (d: ChangedDelivery) => PendingEvent): Promise<ChangedDelivery[]> {
    const rows = await returning<ChangedDelivery>(
      em,
      `UPDATE deliveries SET state = 'cancelled', next_attempt_at = NULL, last_error_message = $2, updated_at = now()
        WHERE item_id = $1 AND state = ANY($3) AND attempts = 0 RETURNING id, channel_type, channel_account_id`,
      [itemId, message, SCHEDULE_CANCELS],
    );
    for (const r of rows) await this.insertEvents(r.id, [event(r)], em);
    return rows;
  }

  // ------------------------------------------------------------------ items

  /**
   * An item withdrawn: deliveries that have not gone out are cancelled, those that went out (or may
   * have) go `withdrawing` with the reason, for their channels to take back. The ledger keeps what was published.
   */
  async withdrawItem(em: Q, itemId: string, reason: string, actorId: string): Promise<{ cancelled: ChangedDelivery[]; withdrawing: ChangedDelivery[] }> {
    const cancelled = await returning<ChangedDelivery>(
      em,
      `UPDATE deliveries SET state = 'cancelled', last_error_message = $2, updated_at = now()
        WHERE item_id = $1 AND state = ANY($3) RETURNING id, channel_type, channel_account_id`,
      [itemId, `信息已撤回：${reason}`, ITEM_WITHDRAW_CANCELS],
    );
    const withdrawing = await returning<ChangedDelivery>(
      em,
      `UPDATE deliveries SET state = 'withdrawing', checkpoint = checkpoint || jsonb_build_object('withdrawReason', $2::text), updated_at = now()
        WHERE item_id = $1 AND state = ANY($3) RETURNING id, channel_type, channel_account_id`,
      [itemId, reason, ITEM_WITHDRAW_TAKES_BACK],
    );
    for (const [rows, to] of [
      [cancelled, 'cancelled'],
      [withdrawing, 'withdrawing'],
    ] as const) {
      for (const d of rows) await this.insertEvents(d.id, [{ kind: 'state', toState: to, message: reason, actorId }], em);
    }
    return { cancelled, withdrawing };
  }

  // ------------------------------------------------------------------ gazette issues

  /** Older versions of an item still waiting for an issue give way to the newest (the gazette prints the latest). */
  async cancelSupersededInIssue(em: Q, accountId: string, actorId: string | null): Promise<string[]> {
    const rows = await returning<{ id: string }>(
      em,
      `UPDATE deliveries d SET state = 'cancelled', last_error_code = 'SUPERSEDED',
              last_error_message = '已被本信息的新版本取代，公报只刊登最新版本', updated_at = now()
        WHERE d.channel_account_id = $1 AND d.state = ANY($2)
          AND EXISTS (SELECT 1 FROM deliveries n WHERE n.channel_account_id = d.channel_account_id AND n.item_id = d.item_id
                        AND n.state = 'awaiting_issue' AND n.version_no > d.version_no)
        RETURNING d.id`,
      [accountId, SUPERSEDED_IN_ISSUE],
    );
    for (const s of rows)
      await this.insertEvents(s.id, [{ kind: 'state', fromState: 'awaiting_issue', toState: 'cancelled', message: '已被新版本取代', actorId }], em);
    return rows.map((r) => r.id);
  }

  // ------------------------------------------------------------------ callbacks

  /** An outside system called back that the publication failed: `failed` from `from`, with the events. */
  async failFromCallback(deliveryId: string, from: DeliveryState[], code: string, message: string, events: PendingEvent[]): Promise<boolean> {
    return this.manager().transaction((em) =>
      this.move(
        em,
        deliveryId,
        from,
        'failed',
        `lease_until = NULL, lease_token = NULL, next_attempt_at = NULL, last_error_code = $1, last_error_message = $2`,
        [code, message],
        events,
      ),
    );
  }

  // ------------------------------------------------------------------ the end of a withdraw step

  /** The publication stays out there: back to `published`, with the reason for the operator. */
  async keepPublished(c: { deliveryId: string; token: string }, code: string, message: string, events: PendingEvent[]): Promise<boolean> {
    assertDeliveryTransition('withdrawing', 'published');
    return this.manager().transaction(async (em) => {
      const u = await returning(
        em,
        `UPDATE deliveries SET state = 'published', lease_until = NULL, lease_token = NULL, next_attempt_at = NULL,
                last_error_code = $3, last_error_message = $4, updated_at = now()
          WHERE id = $1 AND lease_token = $2 AND state = 'withdrawing' RETURNING id`,
        [c.deliveryId, c.token, code, message],
      );
      if (u.length) await this.insertEvents(c.deliveryId, events, em);
      return u.length > 0;
    });
  }

  /** Taken back (`withdrawn`, a withdrawal row beside the ledger row) or never got out (`cancelled`). */
  async endWithdraw(c: { deliveryId: string; token: string }, to: 'withdrawn' | 'cancelled', reason: string | null, events: PendingEvent[]): Promise<boolean> {
    assertDeliveryTransition('withdrawing', to);
    return this.manager().transaction(async (em) => {
      const res = await returning(
        em,
        `UPDATE deliveries SET state = $3, lease_until = NULL, lease_token = NULL, next_attempt_at = NULL,
                last_error_code = NULL, last_error_message = $4, updated_at = now()
          WHERE id = $1 AND lease_token = $2 AND state = 'withdrawing' RETURNING id`,
        [c.deliveryId, c.token, to, to === 'cancelled' ? reason : null],
      );
      if (!res.length) return false;
      if (to === 'withdrawn') await this.addWithdrawal(em, c.deliveryId, reason);
      await this.insertEvents(c.deliveryId, events, em);
      return true;
    });
  }
}
