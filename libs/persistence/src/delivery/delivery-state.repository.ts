import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import { returning } from '@app/domain/services/sql';
import { assertDeliveryTransition, assertDeliveryTransitions } from '@app/domain/state/delivery-state-machine';
import { bumpRepeatedEvents, EVENT_COLUMNS, eventsFrom, eventValues, PendingEvent, V_COLUMNS } from './delivery-events.sql';
import { CLAIM_SQL, CLAIM_WITHDRAW_SQL, RELEASE_CLAIM_SQL, RELEASE_LEASE_SQL, RELEASE_WITHDRAW_SQL, RENEW_LEASE_SQL, transitionSql } from './delivery-step.sql';
import { namedQuery } from '../named-statements';
import { DeliveryStateActions } from './delivery-state-actions';
import { markPublishedStatement, MarkPublishedInput, PUBLISH_MANY_SQL, publishManyParams, PublishRow } from './publication.sql';

type Q = Pick<EntityManager, 'query'>;

export interface TransitionInput {
  deliveryId: string;
  token: string;
  to: DeliveryState;
  nextAttemptAt: Date | null;
  externalId: string | null;
  error: [string, string] | null;
  attemptsDelta: number;
  checkpoint: Record<string, unknown>;
  events: PendingEvent[];
}

/**
 * The one writer of `deliveries.state`, of the publication ledger (`publication_records`,
 * `publication_withdrawals`) and of the delivery history (`delivery_events`). Every write checks its
 * move against the delivery state machine (libs/domain/src/state/delivery-state-machine.ts) before it
 * runs, and its statement is guarded by the source states the table allows, so a row in another state
 * is left alone.
 *
 * The engine's hot path (claims, step outcomes, publications) is hand-written SQL here: one statement
 * per step, run as named prepared statements planned once per session (named-statements.ts). The
 * operators', items', gazette's and callbacks' writes are in DeliveryStateActions
 * (delivery-state-actions.ts), reached through `this` as well.
 */
@Injectable()
export class DeliveryStateRepository extends DeliveryStateActions {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  /** A named prepared statement planned once per session (named-statements.ts); a plain query inside `em`. */
  async q<T = any>(name: string, text: string, values: unknown[], em?: Q): Promise<T[]> {
    if (em) return returning<T>(em, text, values);
    return namedQuery<T>(this.ds, name, text, values);
  }

  protected manager(): DataSource {
    return this.ds;
  }

  // ------------------------------------------------------------------ history

  /** Appends event rows (one statement for any number). */
  async insertEvents(deliveryId: string, events: PendingEvent[], em?: Q): Promise<void> {
    if (!events.length) return;
    const params: unknown[] = [deliveryId];
    const values = eventValues(events, params);
    await this.q(`ev${events.length}`, `INSERT INTO delivery_events (${EVENT_COLUMNS}) SELECT $1::uuid, v.* FROM (VALUES ${values}) ${V_COLUMNS}`, params, em);
  }

  /** A checkpoint patch merged into the delivery, with the events logged so far, in one statement. */
  async saveCheckpoint(deliveryId: string, patch: Record<string, unknown>, events: PendingEvent[]): Promise<void> {
    const params: unknown[] = [deliveryId, JSON.stringify(patch)];
    const insert = eventsFrom('u', events, params);
    await this.q(
      `cp_${events.length}`,
      `WITH u AS (UPDATE deliveries SET checkpoint = checkpoint || $2::jsonb, updated_at = now() WHERE id = $1::uuid RETURNING id) ${insert || 'SELECT id FROM u'}`,
      params,
    );
  }

  // ------------------------------------------------------------------ leases

  /**
   * Claims the due ones among `ids` in one statement (rows locked in id order), moving them from
   * `claimable` (or `processing` whose lease ran out) to `processing` with a fresh lease token. The first
   * row of each version carries the version's snapshot (`version_snapshot`) unless it is among `knownVersions`.
   */
  async claimMany(ids: string[], leaseSeconds: number, claimable: DeliveryState[], knownVersions: string[] = []): Promise<any[]> {
    assertDeliveryTransitions(claimable, 'processing');
    return this.q('claim_many', CLAIM_SQL, [[...new Set(ids)].sort(), leaseSeconds, claimable, knownVersions]);
  }

  /** Gives a claimed delivery back (to `to`: its state before the claim, or `unconfirmed`) while the token holds. */
  async releaseClaim(deliveryId: string, token: string, to: DeliveryState, delaySeconds: number): Promise<void> {
    assertDeliveryTransition('processing', to);
    await this.ds.query(RELEASE_CLAIM_SQL, [deliveryId, token, to, delaySeconds]);
  }

  /** A live lease renewed (heartbeat), fenced by its token. */
  async renewLease(deliveryId: string, token: string, leaseSeconds: number): Promise<void> {
    await this.ds.query(RENEW_LEASE_SQL, [deliveryId, token, leaseSeconds]);
  }

  /** A `withdrawing` delivery leased for its withdraw step (no state change); null when not due or held. */
  async claimWithdraw(deliveryId: string, leaseSeconds: number): Promise<any | null> {
    const rows = await returning(this.ds, CLAIM_WITHDRAW_SQL, [deliveryId, leaseSeconds]);
    return rows[0] ?? null;
  }

  /** The withdraw step's lease, taken again after recording a publication found on the way (which released it). */
  async retakeWithdrawLease(deliveryId: string, token: string, leaseSeconds: number): Promise<void> {
    await this.ds.query(`UPDATE deliveries SET lease_until = now() + make_interval(secs => $3), lease_token = $2 WHERE id = $1`, [
      deliveryId,
      token,
      leaseSeconds,
    ]);
  }

  /** A withdraw step that will run again: its lease released with what it learnt (no state change). */
  async releaseWithdraw(
    c: { deliveryId: string; token: string },
    o: { nextAttemptAt?: Date; externalId?: string; error?: [string, string]; checkpoint?: Record<string, unknown> },
    events: PendingEvent[],
  ): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query(RELEASE_WITHDRAW_SQL, [
        c.deliveryId,
        c.token,
        o.nextAttemptAt ?? null,
        o.externalId ?? null,
        o.error?.[0] ?? null,
        o.error?.[1] ?? null,
        JSON.stringify(o.checkpoint ?? {}),
      ]);
      await this.insertEvents(c.deliveryId, events, em);
    });
  }

  // ------------------------------------------------------------------ step outcomes

  /**
   * Leaves `processing` for `to` while the claim's lease token still holds, with the step's events
   * (`coalesce`: repeated checks bump the rows of the checks before them). Returns false, and writes
   * nothing, when the lease was lost or the delivery changed meanwhile.
   */
  async transition(o: TransitionInput, opts: { coalesce?: boolean; em?: Q } = {}): Promise<boolean> {
    assertDeliveryTransition('processing', o.to);
    if (opts.coalesce) {
      return this.ds.transaction(async (em) => {
        const done = await this.transition({ ...o, events: [] }, { em });
        if (done) await this.insertEvents(o.deliveryId, await bumpRepeatedEvents(em, o.deliveryId, o.events), em);
        return done;
      });
    }
    const params: unknown[] = [
      o.deliveryId,
      o.to,
      o.nextAttemptAt,
      o.externalId,
      o.error?.[0] ?? null,
      o.error?.[1] ?? null,
      o.attemptsDelta,
      JSON.stringify(o.checkpoint),
      o.token,
    ];
    const rows = await this.q<{ n: number }>(`tr_${o.events.length}`, transitionSql(eventsFrom('u', o.events, params)), params, opts.em);
    return rows[0]?.n === 1;
  }

  /** The step's outcome did not apply (lease lost, delivery changed): the lease released, what it learnt and its events kept. */
  async releaseSuperseded(
    c: { deliveryId: string; token: string },
    o: { externalId?: string | null; checkpoint?: Record<string, unknown> },
    events: PendingEvent[],
  ): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query(RELEASE_LEASE_SQL, [c.deliveryId, o.externalId ?? null, JSON.stringify(o.checkpoint ?? {}), c.token]);
      await this.insertEvents(c.deliveryId, events, em);
    });
  }

  /**
   * The delivery published, its ledger row (with the channel's statistics row and 政务新媒体 flag), the
   * item published, the events — all or nothing, exactly once (publication.sql.ts). Guarded by the
   * claim's lease token or by the states it may come from. Returns the previous state, or null when the
   * guard did not hold (nothing was written).
   */
  async markPublished(o: MarkPublishedInput, em?: Q): Promise<{ prev: DeliveryState; state: DeliveryState } | null> {
    const st = markPublishedStatement(o);
    const rows = await this.q<{ state: DeliveryState; prev: DeliveryState }>(st.name, st.text, st.params, em);
    return rows[0] ?? null;
  }

  /**
   * Several workers' publications in one statement: per row exactly what markPublished does with a
   * token guard. The caller retries rows one by one if the statement fails (a deadlock between
   * concurrent batches). Returns the ids it recorded.
   */
  async publishMany(rows: PublishRow[]): Promise<Set<string>> {
    const out = await this.q<{ id: string }>('publish_many', PUBLISH_MANY_SQL, publishManyParams(rows));
    return new Set(out.map((r) => r.id));
  }
}
