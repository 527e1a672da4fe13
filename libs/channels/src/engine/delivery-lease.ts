import type { DataSource } from 'typeorm';
import type { AppConfig } from '@app/common/config/app-config';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import type { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import type { ChannelRegistry } from '../channel-registry';
import type { AccountLimiter, AccountLimits } from './account-limiter.service';
import type { AccountStore } from './account-store.service';
import { Batcher } from './batcher';
import type { DeliveryContexts } from './delivery-context';
import { Claim, rowToDelivery, StepOutcome } from './delivery-step';
import { liveLeaseSeconds, startHeartbeat } from './lease-heartbeat';

/** States a `deliver` job can claim (besides `processing` whose lease expired). */
export const CLAIMABLE: DeliveryState[] = ['pending', 'unconfirmed', 'awaiting_confirmation'];

/** Where a job's delivery belongs (saves a read), and whether its last worker died running it (BullMQ stalled it). */
export interface StepHint {
  accountId?: string;
  channelType?: string;
  takeover?: boolean;
}

export interface LeaseDeps {
  ds: DataSource;
  config: AppConfig;
  registry: ChannelRegistry;
  accounts: AccountStore;
  limiter: AccountLimiter;
  states: DeliveryStateRepository;
  contexts: DeliveryContexts;
}

/**
 * Who works on a delivery: Postgres decides, with a lease claimed in one UPDATE that also mints a
 * fencing token (claims of concurrent jobs share a statement), so duplicate or stale BullMQ jobs are
 * harmless. Around the claim, a slot of the account's concurrency / rate limit (Redis), taken first so
 * a busy account costs no Postgres round trip, and a heartbeat that keeps both alive while the step runs.
 */
export class DeliveryLeases {
  private readonly claims: Batcher<string, any | null>;

  constructor(private readonly o: LeaseDeps) {
    this.claims = new Batcher(async (ids) => {
      const rows = await o.states.claimMany(ids, this.leaseSeconds, CLAIMABLE, o.contexts.cachedVersionIds());
      for (const r of rows) if (r.version_snapshot) o.contexts.remember(r.item_version_id, Promise.resolve(r.version_snapshot as ItemSnapshot));
      const byId = new Map(rows.map((r) => [r.id as string, r]));
      // A delivery asked for twice in one batch (a duplicate job) is claimed once; the other caller sees it leased.
      return ids.map((id) => {
        const r = byId.get(id) ?? null;
        byId.delete(id);
        return r;
      });
    });
  }

  /** A live step's lease (lease-heartbeat.ts): short, renewed while the step runs. */
  get leaseSeconds() {
    return liveLeaseSeconds(this.o.config.DELIVERY_LEASE_SECONDS);
  }

  /** Claims the delivery if it is due; returns it with the state it had before the claim. */
  async claim(deliveryId: string): Promise<Claim | { notDueUntil: Date } | null> {
    const first = await this.claims.submit(deliveryId);
    if (!first) return this.notClaimed(deliveryId);
    return { d: rowToDelivery(first), prev: first.prev_state, token: first.lease_token };
  }

  /** Why a claim failed: not due yet (come back then), leased by someone else (come back after), or nothing to do. */
  private async notClaimed(deliveryId: string): Promise<{ notDueUntil: Date } | null> {
    const rows = await this.o.ds.query(
      `SELECT d.state, d.due_at, d.next_attempt_at, d.lease_until, a.enabled AND a.status = 'active' AS account_ok
         FROM deliveries d JOIN channel_accounts a ON a.id = d.channel_account_id WHERE d.id = $1`,
      [deliveryId],
    );
    const r = rows[0];
    if (!r || !r.account_ok) return null; // gone, finished, or its account is stopped (the sweeper resumes it)
    if (r.state === 'processing' || r.state === 'withdrawing') {
      return r.lease_until ? { notDueUntil: new Date(new Date(r.lease_until).getTime() + 250) } : null;
    }
    if (!CLAIMABLE.includes(r.state)) return null;
    const when = new Date(Math.max(new Date(r.due_at).getTime(), r.next_attempt_at ? new Date(r.next_attempt_at).getTime() : 0));
    return when.getTime() > Date.now() ? { notDueUntil: when } : null;
  }

  /** Gives a claimed delivery back untouched (its state before the claim; a crashed step's stays to be reconciled). */
  async releaseClaim(c: Claim, delayMs: number) {
    await this.o.states.releaseClaim(c.d.id, c.token, c.prev === 'processing' ? 'unconfirmed' : c.prev, delayMs / 1000);
  }

  async limitsFor(accountId: string, channelType: string): Promise<AccountLimits> {
    const caps = this.o.registry.get(channelType).capabilities;
    const { row } = await this.o.accounts.loadCached(accountId);
    const s = row.settings ?? {};
    const concurrency = Number.isInteger(s.concurrency) && s.concurrency > 0 ? s.concurrency : caps.concurrencyPerAccount;
    const rl = s.rateLimit && s.rateLimit.max > 0 && s.rateLimit.durationMs > 0 ? s.rateLimit : caps.rateLimit;
    return { concurrency, rateLimit: rl };
  }

  /**
   * A slot of the account. A job whose worker died (`takeover`) goes first among this process's waiters
   * and waits longer for its turn: the delivery it stands for may be the account's call in flight,
   * to be reconciled before the account's other deliveries go out.
   */
  private async slot(
    accountId: string,
    channelType: string,
    takeover = false,
  ): Promise<{ token: string; rateLimit?: { durationMs: number } } | { runAt: Date }> {
    const limits = await this.limitsFor(accountId, channelType);
    const lease = this.leaseSeconds * 1000;
    const r = await this.o.limiter.acquire(accountId, limits, lease, takeover ? lease : undefined, takeover);
    if (r.ok) return { token: r.token, rateLimit: limits.rateLimit };
    return { runAt: new Date(Date.now() + r.waitMs) };
  }

  private async accountOf(deliveryId: string): Promise<{ accountId: string; channelType: string } | null> {
    const r = await this.o.ds.query(`SELECT channel_account_id, channel_type FROM deliveries WHERE id = $1`, [deliveryId]);
    return r[0] ? { accountId: r[0].channel_account_id, channelType: r[0].channel_type } : null;
  }

  /**
   * The frame of every step: take a slot of the account's concurrency / rate limit, claim the
   * delivery (a lease in Postgres), keep the lease alive while the step talks to the outside system,
   * then release the slot: as soon as the step's last outside call has answered (`callsDone`, on the
   * paths that only write afterwards), else when the step ends; the delivery's lease lasts until the end.
   * Not due, or nothing to do: the job is told when to look again, or that it is done.
   */
  async leased(
    deliveryId: string,
    hint: StepHint,
    claim: (deliveryId: string) => Promise<Claim | { notDueUntil: Date } | null>,
    step: (c: Claim) => Promise<StepOutcome>,
  ): Promise<StepOutcome> {
    const where = hint.accountId && hint.channelType ? { accountId: hint.accountId, channelType: hint.channelType } : await this.accountOf(deliveryId);
    if (!where) return { done: true };
    const slot = await this.slot(where.accountId, where.channelType, hint.takeover);
    if ('runAt' in slot) return { done: false, runAt: slot.runAt };
    const { limiter, states } = this.o;
    // given back once: when the step says its outside calls are done (Claim.callsDone), else at the end
    let released: Promise<void> | null = null;
    const release = () => (released ??= limiter.release(where.accountId, slot.token));
    try {
      const claimed = await claim(deliveryId);
      if (!claimed) return { done: true };
      if ('notDueUntil' in claimed) return { done: false, runAt: claimed.notDueUntil };
      // The slot was counted when it was taken; the claim and the step's reads come before the outside
      // call, and under load they take a while. Counted at the call itself, an outside system that
      // counts calls as they arrive never sees more than its limit in a window.
      const rateLimit = slot.rateLimit;
      if (rateLimit) claimed.atCall = () => limiter.stamp(where.accountId, slot.token, rateLimit);
      claimed.callsDone = () => void release();
      const leaseSeconds = this.leaseSeconds;
      const stop = startHeartbeat({
        leaseSeconds,
        renewLease: () => states.renewLease(claimed.d.id, claimed.token, leaseSeconds),
        renewSlot: () => (released ? Promise.resolve() : limiter.renew(where.accountId, slot.token, leaseSeconds * 1000)),
      });
      try {
        return await step(claimed);
      } finally {
        stop();
      }
    } finally {
      await release();
    }
  }
}
