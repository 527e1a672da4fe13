import type { DataSource, EntityManager } from 'typeorm';
import { componentLogger } from '@app/common/logging/logger';
import type { Delivery } from '@app/domain/entities/delivery.entity';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import type { PendingEvent } from '@app/persistence/delivery/delivery-events.sql';
import type { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import type { LedgerTags, PublishRow } from '@app/persistence/delivery/publication.sql';
import type { NotificationsService } from '@app/persistence/notifications/notifications.service';
import { Batcher } from './batcher';
import type { Claim, StepOutcome } from './delivery-step';
import type { EngineMetrics } from './engine-metrics.service';
import { UNKNOWN_EPISODE_RESET } from './unknown-outcome';

/** How long a small batch of publications waits for more before it is written. */
const PUBLISH_LINGER_MS = 3;

export type TransitionOptions = {
  externalId?: string | null;
  nextAttemptAt?: Date;
  error?: [string, string];
  attemptsDelta?: number;
  checkpoint?: Record<string, unknown>;
  quiet?: boolean;
  /** A repeated check: its events bump the rows of the checks before it (event-coalescing.ts). */
  coalesce?: boolean;
};

/**
 * Writes a step's outcome through the one writer of delivery states (DeliveryStateRepository): the
 * publication (ledger row, item status; concurrent workers' publications share a statement), a state
 * change fenced by the claim's lease token, or events alone.
 */
export class OutcomeWriter {
  private readonly log = componentLogger('delivery-runner');
  private readonly publications: Batcher<PublishRow, boolean | Error>;

  constructor(
    private readonly ds: DataSource,
    private readonly states: DeliveryStateRepository,
    private readonly metrics: EngineMetrics,
    /** The statistics row and 政务新媒体 flag a channel's ledger rows carry (its adapter's capabilities). */
    private readonly ledgerTags: (channelType: string) => LedgerTags,
    /** Told when a delivery failed or starts waiting for a person (the operators' notifications). */
    private readonly notifications?: Pick<NotificationsService, 'deliveryProblem'>,
  ) {
    this.publications = new Batcher<PublishRow, boolean | Error>(
      async (rows) => {
        try {
          const done = await this.states.publishMany(rows);
          return rows.map((r) => done.has(r.deliveryId));
        } catch (e) {
          // A deadlock between concurrent batches (or any failure of the shared statement): row by row.
          this.log.warn({ err: (e as Error).message, rows: rows.length }, 'batched publication failed; writing one by one');
          return Promise.all(
            rows.map((r) =>
              this.states
                .markPublished({ ...r, guard: { token: r.token }, events: r.events })
                .then((x) => !!x)
                .catch((err: Error) => err),
            ),
          );
        }
        // Two publication statements at a time per process. They share rows (an item's, the statistics
        // rollups'), but each statement takes them in key order: deliveries by id, items by id, the
        // rollup trigger's item-years and rollups sorted; should Postgres still report a deadlock, the
        // statement that lost is written row by row above. A statement costs far more than a row
        // (planning, the rollup and notify triggers, the commit): a small batch waits a moment for more.
      },
      200,
      2,
      { lingerMs: PUBLISH_LINGER_MS, fullAt: 32 },
    );
  }

  /**
   * Delivery published + ledger row + item status, in one transaction, exactly once:
   * - with `token` (a worker's own step): only while it still holds the lease; a delivery the item's
   *   withdrawal turned `withdrawing` meanwhile records its publication (it was out there) and stays
   *   withdrawing, so the withdraw job takes it back;
   * - without (a callback, an operator): only from `fromStates`.
   * Returns whether this call recorded the publication.
   */
  async markPublished(
    d: Pick<Delivery, 'id' | 'itemVersionId' | 'channelType' | 'channelAccountId'>,
    snapshot: ItemSnapshot,
    externalId: string,
    externalUrl: string | null,
    at: Date,
    o: {
      token?: string;
      fromStates?: DeliveryState[];
      actorId?: string | null;
      events?: PendingEvent[];
      inTx?: (em: EntityManager) => Promise<void>;
      attemptsDelta?: number;
    } = {},
  ): Promise<boolean> {
    const events = o.events ? o.events.splice(0) : [];
    const tags = this.ledgerTags(d.channelType);
    const args = {
      ...tags,
      deliveryId: d.id,
      itemVersionId: d.itemVersionId,
      channelType: d.channelType,
      channelAccountId: d.channelAccountId,
      snapshot,
      externalId,
      externalUrl,
      publishedAt: at,
      guard: o.token ? { token: o.token } : { fromStates: o.fromStates ?? [] },
      attemptsDelta: o.attemptsDelta,
      manual: !!o.actorId,
      actorId: o.actorId ?? null,
      events,
    };
    let applied: boolean;
    if (o.token && !o.inTx) {
      const r = await this.publications.submit({
        deliveryId: d.id,
        token: o.token,
        itemVersionId: d.itemVersionId,
        channelType: d.channelType,
        channelAccountId: d.channelAccountId,
        ...tags,
        snapshot,
        externalId,
        externalUrl,
        publishedAt: at,
        attemptsDelta: o.attemptsDelta ?? 0,
        events,
      });
      if (r instanceof Error) {
        o.events?.push(...events);
        throw r;
      }
      applied = r;
    } else if (o.inTx) {
      const inTx = o.inTx;
      applied = await this.ds.transaction(async (em) => {
        const r = await this.states.markPublished(args, em);
        if (r) await inTx(em);
        return !!r;
      });
    } else {
      applied = !!(await this.states.markPublished(args));
    }
    if (applied) this.metrics.countOutcome(d.channelType, 'published');
    else if (o.token) await this.flushEvents(d.id, events);
    return applied;
  }

  async fail(c: Claim, events: PendingEvent[], code: string, message: string): Promise<StepOutcome> {
    await this.transition(c, 'failed', events, { error: [code, message] });
    this.metrics.countOutcome(c.d.channelType, 'failed');
    return { done: true };
  }

  /**
   * Leaves `processing` for `to`, fenced by the claim's token. If the lease was lost, or the item's
   * withdrawal turned the delivery `withdrawing` meanwhile, the state is not touched; what the step
   * learnt (the outside id, checkpoints) is still recorded and the lease released.
   */
  async transition(c: Claim, to: DeliveryState, events: PendingEvent[], o: TransitionOptions) {
    const pending = events.splice(0);
    const stateEvent = !o.quiet || to !== c.prev;
    const withState = stateEvent
      ? [...pending, { kind: 'state', fromState: 'processing', toState: to, errorCode: o.error?.[0], message: o.error?.[1] }]
      : pending;
    const args = {
      deliveryId: c.d.id,
      token: c.token,
      to,
      nextAttemptAt: o.nextAttemptAt ?? null,
      externalId: o.externalId ?? null,
      error: o.error ?? null,
      attemptsDelta: o.attemptsDelta ?? 0,
      checkpoint: { ...(c.answered ? UNKNOWN_EPISODE_RESET : {}), ...(o.checkpoint ?? {}) },
      events: withState,
    };
    const ok = await this.states.transition(args, { coalesce: o.coalesce });
    if (ok) {
      if (to === 'failed') await this.notifyProblem(c.d.id, 'delivery_failed');
      else if (to === 'unconfirmed' && o.checkpoint?.manualCheck && !c.d.checkpoint?.manualCheck) await this.notifyProblem(c.d.id, 'manual_check');
      return;
    }
    await this.states.releaseSuperseded({ deliveryId: c.d.id, token: c.token }, { externalId: o.externalId, checkpoint: o.checkpoint }, [
      ...pending,
      { kind: 'superseded', message: `step outcome ${to} not applied: the delivery changed meanwhile` },
    ]);
  }

  /** A failure, or a delivery now waiting for a person: the operators are told (never fails the step). */
  async notifyProblem(deliveryId: string, kind: 'delivery_failed' | 'manual_check'): Promise<void> {
    await this.notifications?.deliveryProblem(deliveryId, kind).catch(() => undefined);
  }

  private async flushEvents(deliveryId: string, events?: PendingEvent[]) {
    if (!events?.length) return;
    const pending = events.splice(0);
    await this.insertEvents(null, deliveryId, pending).catch(() => undefined);
  }

  /** Appends event rows (one statement for any number). */
  async insertEvents(em: Pick<EntityManager, 'query'> | null, deliveryId: string, events: PendingEvent[]): Promise<void> {
    await this.states.insertEvents(deliveryId, events, em ?? undefined);
  }
}
