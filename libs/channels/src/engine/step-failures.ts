import { componentLogger } from '@app/common/logging/logger';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import type { PendingEvent } from '@app/persistence/delivery/delivery-events.sql';
import { ChannelAdapter, ChannelError, DeliveryContext, RateLimitedError } from '../channel-adapter';
import type { AccountLimiter } from './account-limiter.service';
import type { AccountStore } from './account-store.service';
import { backoffMs } from './backoff';
import type { Claim, Phase, StepOutcome } from './delivery-step';
import type { EngineMetrics } from './engine-metrics.service';
import { MANUAL_CHECK_EVENT, MANUAL_CHECK_RECHECK_MS } from './manual-check';
import type { OutcomeWriter } from './outcome-writer';
import { giveUpMessage, UNKNOWN_EPISODE_RESET, unknownCheckDelayMs, unknownGiveUpMs } from './unknown-outcome';

export const MAX_ATTEMPTS = 8;
/** How long an accepted-but-unconfirmed publication is polled before a person takes over (待人工核实). */
export const CONFIRMATION_GIVE_UP_MS = 24 * 3600_000;

export function maxAttempts(adapter: ChannelAdapter): number {
  return adapter.capabilities.maxAttempts ?? MAX_ATTEMPTS;
}

/** How long an accepted publication may wait for confirmation: the account's setting, the channel's, or 24 h. */
export function confirmGiveUpMs(adapter: ChannelAdapter, ctx?: DeliveryContext): number {
  const s = Number(ctx?.account.settings?.confirmGiveUpMs);
  return s > 0 ? s : (adapter.capabilities.confirmGiveUpMs ?? CONFIRMATION_GIVE_UP_MS);
}

/** When the outside system accepted the publication (the checkpoint), else when the delivery was made. */
export function acceptedAt(c: Claim, ctx?: DeliveryContext): number {
  const at = (ctx?.checkpoint ?? c.d.checkpoint)?.acceptedAt;
  return at ? new Date(at).getTime() : c.d.createdAt.getTime();
}

/**
 * What a failed step leads to: maps an error to the next state. The state to come back to depends on
 * the phase: an error while reconciling leaves the delivery `unconfirmed` (it must still be looked up
 * before any resend), an error while confirming leaves it `awaiting_confirmation`; only a delivery
 * whose send definitely did not take effect goes back to `pending`.
 */
export class StepFailures {
  private readonly log = componentLogger('delivery-runner');

  constructor(
    private readonly outcomes: OutcomeWriter,
    private readonly accounts: AccountStore,
    private readonly limiter: AccountLimiter,
    private readonly metrics: EngineMetrics,
  ) {}

  async apply(c: Claim, adapter: ChannelAdapter, phase: Phase, e: unknown, events: PendingEvent[], ctx?: DeliveryContext): Promise<StepOutcome> {
    const { d } = c;
    const err = e instanceof ChannelError ? e : null;
    const code = String(err?.code ?? (e as NodeJS.ErrnoException)?.code ?? 'INTERNAL');
    const message = ((e as Error)?.message ?? String(e)).slice(0, 2000);
    events.push({ kind: 'error', call: phase, errorCode: code, message });
    if (!err) this.log.error({ err: message, stack: (e as Error)?.stack, deliveryId: d.id, phase }, 'unexpected delivery error');
    // An unexpected error while sending may have come after the send took effect: treat it as unknown
    // when the outside system can be asked, so nothing is sent twice.
    const kind = err?.kind ?? (phase === 'deliver' && adapter.reconcile ? 'unknown' : 'retryable');
    this.metrics.countOutcome(d.channelType, kind);
    const resume: DeliveryState = phase === 'confirm' ? 'awaiting_confirmation' : phase === 'reconcile' ? 'unconfirmed' : 'pending';
    const error: [string, string] = [code, message];

    switch (kind) {
      case 'permanent':
        if (phase === 'reconcile') return this.outcomes.fail(c, events, code, `无法核实上次发送的结果：${message}`);
        return this.outcomes.fail(c, events, code, message);
      case 'credentials': {
        await this.accounts.markNeedsAttention(d.channelAccountId, `${code}: ${message}`);
        events.push({ kind: 'account_needs_attention', errorCode: code, message: '账号凭据失效，已暂停该账号的发送，待运维人员修复后自动继续' });
        // Due at once, but the account is stopped: claims skip it; the sweeper resumes its deliveries once it is active again.
        await this.outcomes.transition(c, resume, events, { error, attemptsDelta: -1, nextAttemptAt: new Date() });
        return { done: true };
      }
      case 'manual_check': {
        // The outcome cannot be proven either way: neither resent nor failed, it waits for a person (the
        // message says what to check). Looked up again once a day in case the channel can tell by then.
        const runAt = new Date(Date.now() + MANUAL_CHECK_RECHECK_MS);
        events.push({ kind: MANUAL_CHECK_EVENT, call: phase, errorCode: code, message });
        await this.outcomes.transition(c, 'unconfirmed', events, {
          nextAttemptAt: runAt,
          error,
          checkpoint: { manualCheck: true },
          attemptsDelta: phase === 'deliver' ? 0 : -1,
        });
        return { done: false, runAt };
      }
      case 'rate_limited': {
        const wait = Math.max(1000, (err as RateLimitedError).retryAfterMs);
        await this.limiter.pause(d.channelAccountId, wait, `外部系统限流（${code}）：${message}`.slice(0, 500));
        const runAt = new Date(Date.now() + wait);
        await this.outcomes.transition(c, resume, events, { nextAttemptAt: runAt, error, attemptsDelta: -1 });
        return { done: false, runAt };
      }
      default: {
        if (phase === 'confirm' || phase === 'reconcile' || kind === 'unknown') {
          return this.checkAgainLater(c, adapter, phase, events, error, ctx);
        }
        if (d.attempts >= maxAttempts(adapter)) {
          return this.outcomes.fail(c, events, code, `重试${d.attempts}次后仍失败：${message}`);
        }
        const runAt = new Date(Date.now() + backoffMs(d.attempts));
        await this.outcomes.transition(c, 'pending', events, { nextAttemptAt: runAt, error, attemptsDelta: 0 });
        return { done: false, runAt };
      }
    }
  }

  /**
   * An outcome still unknown after a failed check (unknown-outcome.ts): checked again with exponential
   * backoff, its events coalesced; at the channel's give-up time it waits for a person, never `failed`.
   */
  private async checkAgainLater(
    c: Claim,
    adapter: ChannelAdapter,
    phase: Phase,
    events: PendingEvent[],
    error: [string, string],
    ctx?: DeliveryContext,
  ): Promise<StepOutcome> {
    const { d } = c;
    if (phase === 'reconcile' && d.checkpoint?.manualCheck) {
      // Waiting for a person already: a failed daily look-up changes nothing (and keeps the message).
      const runAt = new Date(Date.now() + MANUAL_CHECK_RECHECK_MS);
      await this.outcomes.transition(c, 'unconfirmed', events, { nextAttemptAt: runAt, attemptsDelta: -1, coalesce: true, quiet: true });
      return { done: false, runAt };
    }
    // A check answered earlier in this step (reconcile said "not found", the resend is unknown again) starts a new episode.
    const checks = c.answered ? 1 : Number(d.checkpoint?.unknownChecks ?? 0) + 1;
    if (phase === 'confirm') {
      // The publication was accepted; only the question failed. Keep asking until the give-up time.
      const giveUp = confirmGiveUpMs(adapter, ctx);
      if (Date.now() - acceptedAt(c, ctx) > giveUp)
        return this.toManualCheck(c, events, phase, 'CONFIRMATION_TIMEOUT', giveUpMessage('confirm', giveUp, error[1]));
      const runAt = new Date(Date.now() + unknownCheckDelayMs(checks));
      await this.outcomes.transition(c, 'awaiting_confirmation', events, {
        nextAttemptAt: runAt,
        error,
        attemptsDelta: -1,
        checkpoint: { unknownChecks: checks },
        coalesce: true,
        quiet: true,
      });
      return { done: false, runAt };
    }
    // The outcome stays unknown until the outside system can be asked. Lookups failing (an outage) do
    // not use up the send budget; the time since it became unknown decides when a person takes over.
    const since = d.checkpoint?.unknownSince && !c.answered ? new Date(d.checkpoint.unknownSince).getTime() : Date.now();
    const giveUp = unknownGiveUpMs(adapter, ctx, 'unknown');
    if (Date.now() - since > giveUp) return this.toManualCheck(c, events, phase, 'UNCONFIRMED_GIVE_UP', giveUpMessage('unknown', giveUp, error[1]));
    const runAt = new Date(Date.now() + unknownCheckDelayMs(checks));
    await this.outcomes.transition(c, 'unconfirmed', events, {
      nextAttemptAt: runAt,
      error,
      checkpoint: { unknownSince: new Date(since).toISOString(), unknownChecks: checks },
      attemptsDelta: phase === 'reconcile' ? -1 : 0,
      // the first check that fails says so (a state event); the ones after it are counted on its rows
      coalesce: phase === 'reconcile',
      quiet: true,
    });
    return { done: false, runAt };
  }

  /** 待人工核实: `unconfirmed`, marked for a person (manual-check.ts), looked up again once a day, never resent on its own. */
  async toManualCheck(c: Claim, events: PendingEvent[], phase: Phase, code: string, message: string): Promise<StepOutcome> {
    const runAt = new Date(Date.now() + MANUAL_CHECK_RECHECK_MS);
    events.push({ kind: MANUAL_CHECK_EVENT, call: phase, errorCode: code, message });
    await this.outcomes.transition(c, 'unconfirmed', events, {
      nextAttemptAt: runAt,
      error: [code, message],
      checkpoint: { manualCheck: true, ...UNKNOWN_EPISODE_RESET },
      attemptsDelta: phase === 'deliver' ? 0 : -1,
      coalesce: phase !== 'deliver',
    });
    this.metrics.countOutcome(c.d.channelType, 'manual_check');
    return { done: false, runAt };
  }
}
