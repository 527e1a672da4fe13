import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import type { PendingEvent } from '@app/persistence/delivery/delivery-events.sql';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { NotificationsService } from '@app/persistence/notifications/notifications.service';
import { ChannelRegistry } from '../channel-registry';
import { AccountLimiter, AccountLimits } from './account-limiter.service';
import { AccountStore } from './account-store.service';
import { CallbackConfirmations, CallbackResult } from './callback-confirmation';
import { DeliveryContexts } from './delivery-context';
import { DeliveryLeases, StepHint } from './delivery-lease';
import type { Claim, StepOutcome } from './delivery-step';
import { DeliverySteps } from './delivery-steps';
import { DeliveryWithdraws } from './delivery-withdraw';
import { EngineMetrics } from './engine-metrics.service';
import { OutcomeWriter } from './outcome-writer';
import { PortalUrls } from './portal-urls.service';
import { StepFailures } from './step-failures';

export { rowToDelivery } from './delivery-step';
export type { StepOutcome } from './delivery-step';
export type { StepHint } from './delivery-lease';
export type { CallbackResult } from './callback-confirmation';
export { CONFIRMATION_GIVE_UP_MS, MAX_ATTEMPTS } from './step-failures';

/**
 * The delivery engine's entry points, each a unit of its own (read them in this order):
 *   - delivery-lease.ts: who works on a delivery (a Postgres lease with a fencing token, the account's
 *     slot, the heartbeat): at-least-once jobs, exactly-once effects;
 *   - delivery-steps.ts: one step (reconcile / confirm / deliver) and what the adapter answered;
 *   - step-failures.ts: what an error leads to (retry, unknown outcome, a person, failed);
 *   - outcome-writer.ts: writing outcomes through the one writer of delivery states
 *     (libs/persistence/src/delivery/delivery-state.repository.ts);
 *   - delivery-withdraw.ts: taking publications back;
 *   - callback-confirmation.ts: outside systems that call back.
 * delivery-context.ts builds what an adapter is handed (snapshot cache, account, checkpoint).
 */
@Injectable()
export class DeliveryRunner {
  private readonly contexts: DeliveryContexts;
  private readonly leases: DeliveryLeases;
  private readonly outcomes: OutcomeWriter;
  private readonly steps: DeliverySteps;
  private readonly withdraws: DeliveryWithdraws;
  private readonly callbacks: CallbackConfirmations;

  constructor(
    @InjectDataSource() ds: DataSource,
    @Inject(AppConfig) config: AppConfig,
    registry: ChannelRegistry,
    accounts: AccountStore,
    portalUrls: PortalUrls,
    limiter: AccountLimiter,
    metrics: EngineMetrics,
    states: DeliveryStateRepository,
    @Optional() notifications?: NotificationsService,
  ) {
    this.contexts = new DeliveryContexts(ds, states, accounts, portalUrls);
    this.leases = new DeliveryLeases({ ds, config, registry, accounts, limiter, states, contexts: this.contexts });
    this.outcomes = new OutcomeWriter(
      ds,
      states,
      metrics,
      (type) => {
        const c = registry.get(type).capabilities;
        return { reportRow: c.reportRow, newMedia: c.newMedia ?? false };
      },
      notifications,
    );
    const failures = new StepFailures(this.outcomes, accounts, limiter, metrics);
    this.steps = new DeliverySteps({ ds, registry, accounts, metrics, contexts: this.contexts, leases: this.leases, outcomes: this.outcomes, failures });
    this.withdraws = new DeliveryWithdraws({
      ds,
      states,
      registry,
      accounts,
      metrics,
      leaseSeconds: () => this.leases.leaseSeconds,
      context: (d, events) => this.contexts.context(d, events),
      timed: (c, fn) => this.steps.timed(c, fn),
      markPublished: (d, snapshot, externalId, externalUrl, at, o) => this.markPublished(d, snapshot, externalId, externalUrl, at, o),
    });
    this.callbacks = new CallbackConfirmations(ds, states, this.contexts, this.outcomes, metrics);
  }

  /** Claims the delivery if it is due; returns it with the state it had before the claim. */
  claim(deliveryId: string): Promise<Claim | { notDueUntil: Date } | null> {
    return this.leases.claim(deliveryId);
  }

  /** The account's concurrency and rate limit (its settings, else the channel's). */
  limitsFor(accountId: string, channelType: string): Promise<AccountLimits> {
    return this.leases.limitsFor(accountId, channelType);
  }

  /** One step of a delivery (deliver / confirm / reconcile), in the lease frame. */
  run(deliveryId: string, hint: StepHint = {}): Promise<StepOutcome> {
    return this.leases.leased(
      deliveryId,
      hint,
      (id) => this.leases.claim(id),
      (c) => this.steps.step(c),
    );
  }

  /** Takes one delivery back (delivery-withdraw.ts), in the same frame as every step. */
  runWithdraw(deliveryId: string, hint: StepHint = {}): Promise<StepOutcome> {
    return this.leases.leased(
      deliveryId,
      hint,
      (id) => this.withdraws.claim(id),
      (c) => this.withdraws.step(c),
    );
  }

  /** See OutcomeWriter.markPublished: the publication, its ledger row and the item, exactly once. */
  markPublished(...args: Parameters<OutcomeWriter['markPublished']>): Promise<boolean> {
    return this.outcomes.markPublished(...args);
  }

  /** Appends event rows (one statement for any number). */
  insertEvents(em: Pick<EntityManager, 'query'> | null, deliveryId: string, events: PendingEvent[]): Promise<void> {
    return this.outcomes.insertEvents(em, deliveryId, events);
  }

  /** One event row, outside any step (API actions use it inside their own transaction). */
  event(deliveryId: string, e: PendingEvent, em?: EntityManager): Promise<void> {
    return this.outcomes.insertEvents(em ?? null, deliveryId, [e]);
  }

  /** An outside system's callback (callback-confirmation.ts): idempotent, a late or repeated one is ignored. */
  confirmFromCallback(
    ref: { deliveryId: string } | { channelType: string; externalId: string },
    result: CallbackResult,
  ): Promise<'published' | 'failed' | 'pending' | 'ignored'> {
    return this.callbacks.confirm(ref, result);
  }
}
