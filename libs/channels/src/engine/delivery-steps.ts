import type { DataSource } from 'typeorm';
import type { Delivery } from '@app/domain/entities/delivery.entity';
import type { PendingEvent } from '@app/persistence/delivery/delivery-events.sql';
import { ChannelAdapter, ChannelError, ConfirmResult, CredentialsError, DeliverResult, DeliveryContext, ReconcileResult } from '../channel-adapter';
import type { ChannelRegistry } from '../channel-registry';
import type { AccountStore } from './account-store.service';
import type { DeliveryContexts } from './delivery-context';
import type { DeliveryLeases } from './delivery-lease';
import type { Claim, Phase, StepOutcome } from './delivery-step';
import type { EngineMetrics } from './engine-metrics.service';
import { isResendAuthorised } from './manual-check';
import type { OutcomeWriter } from './outcome-writer';
import { acceptedAt, confirmGiveUpMs, maxAttempts, StepFailures } from './step-failures';
import { giveUpMessage } from './unknown-outcome';

export interface StepDeps {
  ds: DataSource;
  registry: ChannelRegistry;
  accounts: AccountStore;
  metrics: EngineMetrics;
  contexts: DeliveryContexts;
  leases: DeliveryLeases;
  outcomes: OutcomeWriter;
  failures: StepFailures;
}

/**
 * One step of a claimed delivery, by the state it had:
 *   - `processing` with an expired lease, or `unconfirmed`: the last call may have taken effect, so
 *     reconcile against the outside system before anything is sent again; until a reconcile answers,
 *     the delivery stays `unconfirmed` (never `pending`, which would resend);
 *   - `awaiting_confirmation`: ask the outside system (confirm); errors keep it awaiting;
 *   - otherwise deliver, resuming after the last checkpoint.
 * What the adapter answers becomes the outcome (outcome-writer.ts); what it throws, step-failures.ts.
 */
export class DeliverySteps {
  constructor(private readonly o: StepDeps) {}

  async step(c: Claim): Promise<StepOutcome> {
    const { d, prev } = c;
    const { registry, contexts, failures } = this.o;
    const adapter = registry.get(d.channelType);
    const events: PendingEvent[] = [];
    let refreshed = false;
    for (;;) {
      let ctx: DeliveryContext;
      try {
        ctx = await contexts.context(d, events);
      } catch (e) {
        // Nothing was sent yet: hand the delivery back rather than hold it until the lease runs out.
        await this.o.leases.releaseClaim(c, 5000).catch(() => undefined);
        throw e;
      }
      let phase: Phase = 'deliver';
      try {
        if (prev === 'processing' || prev === 'unconfirmed') {
          phase = 'reconcile';
          if (!adapter.reconcile) {
            // Nobody can ask the channel: a person decides (an operator's retry after that is the decision to send again).
            if (!(await isResendAuthorised(this.o.ds, d))) {
              return await failures.toManualCheck(
                c,
                events,
                phase,
                'UNCONFIRMED_NO_RECONCILE',
                '上次发送的结果未知，且该渠道无法查询核实，系统不会自动重发，待人工核实。请到该渠道后台查看：已发布的请“标记为已发布”，确认未发布的请“重试”',
              );
            }
            await ctx.saveCheckpoint({ manualCheck: null });
          }
          const r = !adapter.reconcile
            ? ({ found: false } as const)
            : await this.timed(c, () => adapter.reconcile!(ctx)).catch((e) => this.resendIfAuthorised(d, ctx, events, e));
          c.answered = true;
          // found: the step only writes from here (not found sends below)
          if (r.found) c.callsDone?.();
          if (adapter.reconcile) events.push({ kind: 'reconcile', call: 'reconcile', response: JSON.stringify(r) });
          const settled = await this.applyReconcile(c, ctx, events, r);
          if (settled) return settled;
          // Not found: the earlier call did not take effect. Out of attempts: stop here instead of sending again.
          if (d.attempts > maxAttempts(adapter)) {
            return await this.o.outcomes.fail(
              c,
              events,
              d.lastErrorCode ?? 'MAX_ATTEMPTS',
              `重试${d.attempts - 1}次后仍失败：${d.lastErrorMessage ?? '外部系统未接受'}`,
            );
          }
          phase = 'deliver';
        }
        if (prev === 'awaiting_confirmation') {
          phase = 'confirm';
          if (!adapter.confirm) throw new Error(`adapter ${adapter.capabilities.type} has no confirm()`);
          const r = await this.timed(c, () => adapter.confirm!(ctx));
          c.answered = true;
          c.callsDone?.();
          return await this.applyConfirm(c, ctx, events, r);
        }
        const r = await this.timed(c, () => adapter.deliver(ctx));
        c.callsDone?.();
        return await this.applyDeliver(c, ctx, events, adapter, r);
      } catch (e) {
        if (e instanceof CredentialsError && e.refreshable && !refreshed) {
          // Refresh once (new access token) and run the step again; a second failure stops the account.
          refreshed = true;
          events.push({ kind: 'credentials_refresh', errorCode: e.code, message: e.message });
          this.o.accounts.invalidate(d.channelAccountId);
          try {
            await adapter.refreshCredentials?.(ctx.account);
          } catch (re) {
            return failures.apply(c, adapter, phase, re, events, ctx);
          }
          continue;
        }
        return failures.apply(c, adapter, phase, e, events, ctx);
      }
    }
  }

  /**
   * A delivery waiting for a person (the channel could not prove the outcome, ManualCheckError) that an
   * operator then retried: the operator checked by hand and asked for it to be sent again, so an outcome
   * the channel still cannot prove lets the send through, once (the mark is cleared; the next unprovable
   * outcome waits for a person again). Any other error stands.
   */
  private async resendIfAuthorised(d: Delivery, ctx: DeliveryContext, events: PendingEvent[], e: unknown): Promise<ReconcileResult> {
    if (!(e instanceof ChannelError && e.kind === 'manual_check') || !(await isResendAuthorised(this.o.ds, d))) throw e;
    events.push({ kind: 'reconcile', call: 'reconcile', errorCode: e.code, message: `${e.message}（运维人员已人工核实并要求重新发送）` });
    await ctx.saveCheckpoint({ manualCheck: null });
    return { found: false };
  }

  /** An outside call: counted in the account's rate window from now, and its duration measured. */
  async timed<T>(c: Claim, fn: () => Promise<T>): Promise<T> {
    await c.atCall?.();
    const started = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      this.o.metrics.observeAttempt(c.d.channelType, Number(process.hrtime.bigint() - started) / 1e6);
    }
  }

  /** Accepted, not yet published: polled from `awaiting_confirmation` (the time it was accepted is kept). */
  private async awaitConfirmation(c: Claim, ctx: DeliveryContext, events: PendingEvent[], externalId: string | null, runAt: Date): Promise<StepOutcome> {
    await this.o.outcomes.transition(c, 'awaiting_confirmation', events, {
      externalId,
      nextAttemptAt: runAt,
      checkpoint: ctx.checkpoint.acceptedAt ? undefined : { acceptedAt: new Date().toISOString() },
    });
    this.o.metrics.countOutcome(c.d.channelType, 'awaiting_confirmation');
    return { done: false, runAt };
  }

  private async applyReconcile(c: Claim, ctx: DeliveryContext, events: PendingEvent[], r: ReconcileResult): Promise<StepOutcome | null> {
    if (!r.found) return null;
    if (r.status === 'published') {
      await this.o.outcomes.markPublished(c.d, ctx.version, r.externalId, r.externalUrl ?? null, new Date(), { token: c.token, events });
      return { done: true };
    }
    return this.awaitConfirmation(c, ctx, events, r.externalId, new Date(Date.now() + 1000));
  }

  private async applyConfirm(c: Claim, ctx: DeliveryContext, events: PendingEvent[], r: ConfirmResult): Promise<StepOutcome> {
    if (r.status === 'published') {
      // The confirming poll is not a send attempt.
      await this.o.outcomes.markPublished(c.d, ctx.version, r.externalId, r.externalUrl ?? null, r.publishedAt ?? new Date(), {
        token: c.token,
        events,
        attemptsDelta: -1,
      });
      return { done: true };
    }
    const adapter = this.o.registry.get(c.d.channelType);
    const elapsed = Date.now() - acceptedAt(c, ctx);
    const giveUp = confirmGiveUpMs(adapter, ctx);
    if (elapsed > giveUp) return this.o.failures.toManualCheck(c, events, 'confirm', 'CONFIRMATION_TIMEOUT', giveUpMessage('confirm', giveUp, '仍显示处理中'));
    // Polling backs off with the time already waited: quick answers are caught quickly, slow ones cost few calls.
    const wait = r.pollAfterMs ?? Math.min(5 * 60_000, Math.max(1000, Math.round(elapsed / 4)));
    const runAt = new Date(Date.now() + Math.min(wait, Math.max(1000, giveUp - elapsed + 1000)));
    // A poll is not a failed attempt: do not let polling exhaust the retry budget.
    await this.o.outcomes.transition(c, 'awaiting_confirmation', events, { nextAttemptAt: runAt, attemptsDelta: -1, quiet: true, coalesce: true });
    return { done: false, runAt };
  }

  private async applyDeliver(c: Claim, ctx: DeliveryContext, events: PendingEvent[], adapter: ChannelAdapter, r: DeliverResult): Promise<StepOutcome> {
    if (r.status === 'published') {
      await this.o.outcomes.markPublished(c.d, ctx.version, r.externalId, r.externalUrl ?? null, r.publishedAt ?? new Date(), { token: c.token, events });
      return { done: true };
    }
    if (r.status === 'awaiting_issue') {
      await this.o.outcomes.transition(c, 'awaiting_issue', events, {});
      return { done: true };
    }
    if (!adapter.confirm) throw new Error(`adapter ${adapter.capabilities.type} returned awaiting_confirmation without confirm()`);
    return this.awaitConfirmation(c, ctx, events, r.externalId ?? null, new Date(Date.now() + (r.pollAfterMs ?? 1000)));
  }
}
