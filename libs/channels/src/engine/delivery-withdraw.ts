import type { DataSource } from 'typeorm';
import type { Delivery } from '@app/domain/entities/delivery.entity';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { PendingEvent } from '@app/persistence/delivery/delivery-events.sql';
import type { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { ChannelError, DeliveryContext, RateLimitedError } from '../channel-adapter';
import type { ChannelRegistry } from '../channel-registry';
import type { AccountStore } from './account-store.service';
import { backoffMs } from './backoff';
import type { EngineMetrics } from './engine-metrics.service';
import { MANUAL_CHECK_RECHECK_MS } from './manual-check';
import { Claim, rowToDelivery, StepOutcome } from './delivery-step';

const MAX_WITHDRAW_ATTEMPTS = 8;

/** What a withdrawal needs from the runner: its services and the frame of a step. */
export interface WithdrawHost {
  ds: DataSource;
  states: DeliveryStateRepository;
  registry: ChannelRegistry;
  accounts: AccountStore;
  metrics: EngineMetrics;
  leaseSeconds(): number;
  context(d: Delivery, events: PendingEvent[]): Promise<DeliveryContext>;
  timed<T>(c: Claim, fn: () => Promise<T>): Promise<T>;
  markPublished(
    d: Pick<Delivery, 'id' | 'itemVersionId' | 'channelType' | 'channelAccountId'>,
    snapshot: ItemSnapshot,
    externalId: string,
    externalUrl: string | null,
    at: Date,
    o: { token?: string; events?: PendingEvent[] },
  ): Promise<boolean>;
}

/**
 * The withdraw steps of the delivery engine (claimed and run in DeliveryRunner's frame: account slot,
 * lease, heartbeat): takes publications back, or cancels what never got out.
 */
export class DeliveryWithdraws {
  constructor(private readonly h: WithdrawHost) {}

  async claim(deliveryId: string): Promise<Claim | { notDueUntil: Date } | null> {
    const row = await this.h.states.claimWithdraw(deliveryId, this.h.leaseSeconds());
    if (row) return { d: rowToDelivery(row), prev: 'withdrawing', token: row.lease_token };
    const r = (await this.h.ds.query(`SELECT state, lease_until, next_attempt_at FROM deliveries WHERE id = $1`, [deliveryId]))[0];
    if (!r || r.state !== 'withdrawing') return null;
    const when = Math.max(r.lease_until ? new Date(r.lease_until).getTime() + 250 : 0, r.next_attempt_at ? new Date(r.next_attempt_at).getTime() : 0);
    return when > Date.now() ? { notDueUntil: new Date(when) } : null;
  }

  /**
   * Takes one delivery back. The ledger row stays (it was disclosed); a withdrawal row is added beside
   * it. A delivery that never got out is cancelled instead. A channel that cannot take a publication
   * back, or refuses to, leaves it `published` with the reason (last_error_*) and an event, for the
   * operator, who removes it by hand and records that (mark withdrawn).
   */
  async step(c: Claim): Promise<StepOutcome> {
    const { d } = c;
    const adapter = this.h.registry.get(d.channelType);
    const events: PendingEvent[] = [];
    const ctx = await this.h.context(d, events);
    const withdrawAttempts = Number(d.checkpoint?.withdrawAttempts ?? 0);
    try {
      let recorded = (await this.h.ds.query(`SELECT id FROM publication_records WHERE delivery_id = $1`, [d.id])).length > 0;
      if (!recorded) {
        // Never confirmed published: find out whether it is out there before taking anything back.
        if (!adapter.reconcile) {
          if (!d.externalId) return this.endWithdraw(c, events, 'cancelled', '撤回时尚未发布，已取消');
        } else {
          const r = await this.h.timed(c, () => adapter.reconcile!(ctx));
          events.push({ kind: 'reconcile', call: 'reconcile', response: JSON.stringify(r) });
          if (!r.found) return this.endWithdraw(c, events, 'cancelled', '撤回时尚未发布，已取消');
          if (r.status === 'pending') {
            const runAt = new Date(Date.now() + 2000);
            await this.releaseWithdraw(c, events, { nextAttemptAt: runAt, externalId: r.externalId });
            return { done: false, runAt };
          }
          // It did get out: it counts (it was disclosed), then it is taken back.
          await this.h.markPublished(d, ctx.version, r.externalId, r.externalUrl ?? null, new Date(), { token: c.token, events });
          await this.h.states.retakeWithdrawLease(d.id, c.token, this.h.leaseSeconds());
          ctx.externalId = r.externalId;
          ctx.externalUrl = r.externalUrl ?? null;
          recorded = true;
        }
      }
      if (!(adapter.capabilities.canWithdraw || adapter.capabilities.withdrawsByCorrection) || !adapter.withdraw) {
        const msg = `${adapter.capabilities.label}不支持撤回已发布的内容，请到该渠道后台人工删除，完成后在此“标记为已撤回”`;
        events.push({ kind: 'withdraw_unsupported', message: msg });
        return this.keepPublished(c, events, 'WITHDRAW_UNSUPPORTED', msg);
      }
      await this.h.timed(c, () => adapter.withdraw!(ctx));
      return this.endWithdraw(c, events, 'withdrawn', ctx.checkpoint.withdrawReason ?? null);
    } catch (e) {
      const err = e instanceof ChannelError ? e : null;
      const code = String(err?.code ?? (e as NodeJS.ErrnoException)?.code ?? 'INTERNAL');
      const message = (e as Error)?.message ?? String(e);
      events.push({ kind: 'error', call: 'withdraw', errorCode: code, message });
      if (err?.kind === 'permanent') return this.keepPublished(c, events, code, `撤回失败：${message}`);
      if (err?.kind === 'manual_check') {
        // Whether it went out cannot be proven: a person checks, removes it if it is there, and records that.
        const runAt = new Date(Date.now() + MANUAL_CHECK_RECHECK_MS);
        await this.releaseWithdraw(c, events, {
          nextAttemptAt: runAt,
          error: [code, `撤回时无法确认是否已发布。${message}。如已发出，请到该渠道人工删除，完成后“标记为已撤回”`],
        });
        return { done: false, runAt };
      }
      if (err?.kind === 'credentials') {
        await this.h.accounts.markNeedsAttention(d.channelAccountId, `${code}: ${message}`);
        await this.releaseWithdraw(c, events, { error: [code, `撤回失败（账号凭据失效，修复后自动继续）：${message}`] });
        return { done: true };
      }
      if (withdrawAttempts + 1 >= MAX_WITHDRAW_ATTEMPTS) return this.keepPublished(c, events, code, `撤回重试${withdrawAttempts + 1}次后仍失败：${message}`);
      const wait = err?.kind === 'rate_limited' ? Math.max(1000, (err as RateLimitedError).retryAfterMs) : backoffMs(withdrawAttempts + 1);
      const runAt = new Date(Date.now() + wait);
      await this.releaseWithdraw(c, events, { nextAttemptAt: runAt, error: [code, message], checkpoint: { withdrawAttempts: withdrawAttempts + 1 } });
      return { done: false, runAt };
    }
  }

  private async releaseWithdraw(
    c: Claim,
    events: PendingEvent[],
    o: { nextAttemptAt?: Date; externalId?: string; error?: [string, string]; checkpoint?: Record<string, unknown> },
  ) {
    await this.h.states.releaseWithdraw({ deliveryId: c.d.id, token: c.token }, o, events.splice(0));
  }

  /** The publication stays out there: back to `published`, with the reason for the operator. */
  private async keepPublished(c: Claim, events: PendingEvent[], code: string, message: string): Promise<StepOutcome> {
    const pending = events.splice(0);
    pending.push({ kind: 'state', fromState: 'withdrawing', toState: 'published', errorCode: code, message });
    await this.h.states.keepPublished({ deliveryId: c.d.id, token: c.token }, code, message, pending);
    this.h.metrics.countOutcome(c.d.channelType, 'withdraw_failed');
    return { done: true };
  }

  private async endWithdraw(c: Claim, events: PendingEvent[], to: 'withdrawn' | 'cancelled', reason: string | null): Promise<StepOutcome> {
    const pending = events.splice(0);
    pending.push({ kind: 'state', fromState: 'withdrawing', toState: to, message: reason });
    await this.h.states.endWithdraw({ deliveryId: c.d.id, token: c.token }, to, reason, pending);
    this.h.metrics.countOutcome(c.d.channelType, to);
    return { done: true };
  }
}
