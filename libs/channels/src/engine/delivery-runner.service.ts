import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { Delivery } from '@app/domain/entities/delivery.entity';
import { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import { returning } from '@app/domain/services/sql';
import {
  AttemptLog,
  ChannelAdapter,
  ChannelError,
  ConfirmResult,
  CredentialsError,
  DeliverResult,
  DeliveryContext,
  RateLimitedError,
  ReconcileResult,
} from '../channel-adapter';
import { isResendAuthorised, MANUAL_CHECK_EVENT, MANUAL_CHECK_RECHECK_MS } from './manual-check';
import { giveUpMessage, UNKNOWN_EPISODE_RESET, unknownCheckDelayMs, unknownGiveUpMs } from './unknown-outcome';
import { ChannelRegistry } from '../channel-registry';
import { AccountLimiter, AccountLimits } from './account-limiter.service';
import { AccountStore } from './account-store.service';
import { backoffMs } from './backoff';
import { EngineMetrics } from './engine-metrics.service';
import { Batcher } from './batcher';
import { claimMany, EngineSql, PendingEvent, saveCheckpointSql } from './engine-sql';
import { PortalUrls } from './portal-urls.service';
import { liveLeaseSeconds, startHeartbeat } from './lease-heartbeat';
import { Claim, Phase, rowToDelivery, StepOutcome } from './delivery-step';
import { OutcomeWriter, TransitionOptions } from './outcome-writer';
import { DeliveryWithdraws } from './delivery-withdraw';

export { rowToDelivery } from './delivery-step';
export type { StepOutcome } from './delivery-step';


/** States a `deliver` job can claim (besides `processing` whose lease expired). */
const CLAIMABLE: DeliveryState[] = ['pending', 'unconfirmed', 'awaiting_confirmation'];
export const MAX_ATTEMPTS = 8;
/** Snapshots kept per process (versions are immutable; a burst's items are what is being sent). */
const MAX_CACHED_VERSIONS = 500;
/** How many of them a claim names (a burst works on its newest items; an older one is just sent again). */
const KNOWN_VERSIONS_SENT = 64;
/** How long an accepted-but-unconfirmed publication is polled before a person takes over (待人工核实). */
export const CONFIRMATION_GIVE_UP_MS = 24 * 3600_000;


/** Where a job's delivery belongs (saves a read), and whether its last worker died running it (BullMQ stalled it). */
export interface StepHint {
  accountId?: string;
  channelType?: string;
  takeover?: boolean;
}

/** What an outside system said when it called us back (WeChat's PUBLISHJOBFINISH and the like). */
export type CallbackResult = ConfirmResult | { status: 'failed'; code: string; message: string };

/**
 * Runs one step of a delivery. Postgres decides who works on a delivery (a lease claimed with one
 * UPDATE that also mints a fencing token), so duplicate or stale BullMQ jobs are harmless: at-least-once
 * jobs, exactly-once effects. For the claimed delivery, by the state it had:
 *   - `processing` with an expired lease, or `unconfirmed`: the last call may have taken effect, so
 *     reconcile against the outside system before anything is sent again; until a reconcile answers,
 *     the delivery stays `unconfirmed` (never `pending`, which would resend);
 *   - `awaiting_confirmation`: ask the outside system (confirm); errors keep it awaiting;
 *   - otherwise deliver, resuming after the last checkpoint.
 * The per-account limiter is taken before the claim, so a busy account costs no Postgres round trip.
 */
@Injectable()
export class DeliveryRunner {
  private readonly log = componentLogger('delivery-runner');
  /** Versions are immutable: cache their snapshots. */
  private versions = new Map<string, Promise<ItemSnapshot>>();
  private readonly snapshots = new Batcher<string, ItemSnapshot | null>(async (ids) => {
    const rows: { id: string; snapshot: ItemSnapshot }[] = await this.sql.q('versions_many', `SELECT id, snapshot FROM item_versions WHERE id = ANY($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r.snapshot]));
    return ids.map((id) => byId.get(id) ?? null);
  }, 100, 2);
  private readonly sql: EngineSql;
  /** Claims and publications of concurrent jobs share statements (group commit). */
  private readonly claims: Batcher<string, any | null>;
  private readonly outcomes: OutcomeWriter;
  private readonly withdraws: DeliveryWithdraws;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    private readonly portalUrls: PortalUrls,
    private readonly limiter: AccountLimiter,
    private readonly metrics: EngineMetrics,
  ) {
    this.sql = new EngineSql(ds);
    this.withdraws = new DeliveryWithdraws({
      ds,
      registry,
      accounts,
      metrics,
      leaseSeconds: () => this.leaseSeconds,
      context: (d, events) => this.context(d, events),
      timed: (c, fn) => this.timed(c, fn),
      markPublished: (d, snapshot, externalId, externalUrl, at, o) => this.markPublished(d, snapshot, externalId, externalUrl, at, o),
      insertEvents: (em, id, events) => this.insertEvents(em, id, events),
    });
    this.claims = new Batcher(async (ids) => {
      const rows = await claimMany(this.sql, ids, this.leaseSeconds, CLAIMABLE, this.cachedVersionIds());
      for (const r of rows) if (r.version_snapshot) this.remember(r.item_version_id, Promise.resolve(r.version_snapshot as ItemSnapshot));
      const byId = new Map(rows.map((r) => [r.id as string, r]));
      // A delivery asked for twice in one batch (a duplicate job) is claimed once; the other caller sees it leased.
      return ids.map((id) => {
        const r = byId.get(id) ?? null;
        byId.delete(id);
        return r;
      });
    });
    this.outcomes = new OutcomeWriter(ds, this.sql, metrics);
  }

  /** A live step's lease (lease-heartbeat.ts): short, renewed while the step runs. */
  private get leaseSeconds() {
    return liveLeaseSeconds(this.config.DELIVERY_LEASE_SECONDS);
  }

  // ------------------------------------------------------------------ claiming

  /** Claims the delivery if it is due; returns it with the state it had before the claim. */
  async claim(deliveryId: string): Promise<Claim | { notDueUntil: Date } | null> {
    const first = await this.claims.submit(deliveryId);
    if (!first) return this.notClaimed(deliveryId);
    return { d: rowToDelivery(first), prev: first.prev_state, token: first.lease_token };
  }

  /** Why a claim failed: not due yet (come back then), leased by someone else (come back after), or nothing to do. */
  private async notClaimed(deliveryId: string): Promise<{ notDueUntil: Date } | null> {
    const rows = await this.ds.query(
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

  // ------------------------------------------------------------------ limits

  async limitsFor(accountId: string, channelType: string): Promise<AccountLimits> {
    const caps = this.registry.get(channelType).capabilities;
    const { row } = await this.accounts.loadCached(accountId);
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
  private async slot(accountId: string, channelType: string, takeover = false): Promise<{ token: string; rateLimit?: { durationMs: number } } | { runAt: Date }> {
    const limits = await this.limitsFor(accountId, channelType);
    const r = await this.limiter.acquire(accountId, limits, this.leaseSeconds * 1000, takeover ? this.leaseSeconds * 1000 : undefined, takeover);
    if (r.ok) return { token: r.token, rateLimit: limits.rateLimit };
    return { runAt: new Date(Date.now() + r.waitMs) };
  }

  private async accountOf(deliveryId: string): Promise<{ accountId: string; channelType: string } | null> {
    const r = await this.ds.query(`SELECT channel_account_id, channel_type FROM deliveries WHERE id = $1`, [deliveryId]);
    return r[0] ? { accountId: r[0].channel_account_id, channelType: r[0].channel_type } : null;
  }

  // ------------------------------------------------------------------ deliver / confirm / reconcile

  async run(deliveryId: string, hint: StepHint = {}): Promise<StepOutcome> {
    return this.leased(deliveryId, hint, (id) => this.claim(id), (c) => this.step(c));
  }

  /**
   * The frame of every step: take a slot of the account's concurrency / rate limit, claim the
   * delivery (a lease in Postgres), keep the lease alive while the step talks to the outside system,
   * then release the slot. Not due, or nothing to do: the job is told when to look again, or that it is done.
   */
  private async leased(
    deliveryId: string,
    hint: StepHint,
    claim: (deliveryId: string) => Promise<Claim | { notDueUntil: Date } | null>,
    step: (c: Claim) => Promise<StepOutcome>,
  ): Promise<StepOutcome> {
    const where = hint.accountId && hint.channelType ? { accountId: hint.accountId, channelType: hint.channelType } : await this.accountOf(deliveryId);
    if (!where) return { done: true };
    const slot = await this.slot(where.accountId, where.channelType, hint.takeover);
    if ('runAt' in slot) return { done: false, runAt: slot.runAt };
    try {
      const claimed = await claim(deliveryId);
      if (!claimed) return { done: true };
      if ('notDueUntil' in claimed) return { done: false, runAt: claimed.notDueUntil };
      // The slot was counted when it was taken; the claim and the step's reads come before the outside
      // call, and under load they take a while. Counted at the call itself, an outside system that
      // counts calls as they arrive never sees more than its limit in a window.
      const rateLimit = slot.rateLimit;
      if (rateLimit) claimed.atCall = () => this.limiter.stamp(where.accountId, slot.token, rateLimit);
      const stop = startHeartbeat({
        ds: this.ds,
        deliveryId: claimed.d.id,
        token: claimed.token,
        leaseSeconds: this.leaseSeconds,
        renewSlot: () => this.limiter.renew(where.accountId, slot.token, this.leaseSeconds * 1000),
      });
      try {
        return await step(claimed);
      } finally {
        stop();
      }
    } finally {
      await this.limiter.release(where.accountId, slot.token);
    }
  }

  private async step(c: Claim): Promise<StepOutcome> {
    const { d, prev } = c;
    const adapter = this.registry.get(d.channelType);
    const events: PendingEvent[] = [];
    let refreshed = false;
    for (;;) {
      let ctx: DeliveryContext;
      try {
        ctx = await this.context(d, events);
      } catch (e) {
        // Nothing was sent yet: hand the delivery back rather than hold it until the lease runs out.
        await this.releaseClaim(c, 5000).catch(() => undefined);
        throw e;
      }
      let phase: Phase = 'deliver';
      try {
        if (prev === 'processing' || prev === 'unconfirmed') {
          phase = 'reconcile';
          if (!adapter.reconcile) {
            // Nobody can ask the channel: a person decides (an operator's retry after that is the decision to send again).
            if (!(await isResendAuthorised(this.ds, d))) {
              return await this.toManualCheck(c, events, phase, 'UNCONFIRMED_NO_RECONCILE', '上次发送的结果未知，且该渠道无法查询核实，系统不会自动重发，待人工核实。请到该渠道后台查看：已发布的请“标记为已发布”，确认未发布的请“重试”');
            }
            await ctx.saveCheckpoint({ manualCheck: null });
          }
          const r = !adapter.reconcile ? ({ found: false } as const) : await this.timed(c, () => adapter.reconcile!(ctx)).catch((e) => this.resendIfAuthorised(d, ctx, events, e));
          c.answered = true;
          if (adapter.reconcile) events.push({ kind: 'reconcile', call: 'reconcile', response: JSON.stringify(r) });
          const settled = await this.applyReconcile(c, ctx, events, r);
          if (settled) return settled;
          // Not found: the earlier call did not take effect. Out of attempts: stop here instead of sending again.
          if (d.attempts > this.maxAttempts(adapter)) {
            return await this.fail(c, events, d.lastErrorCode ?? 'MAX_ATTEMPTS', `重试${d.attempts - 1}次后仍失败：${d.lastErrorMessage ?? '外部系统未接受'}`);
          }
          phase = 'deliver';
        }
        if (prev === 'awaiting_confirmation') {
          phase = 'confirm';
          if (!adapter.confirm) throw new Error(`adapter ${adapter.capabilities.type} has no confirm()`);
          const r = await this.timed(c, () => adapter.confirm!(ctx));
          c.answered = true;
          return await this.applyConfirm(c, ctx, events, r);
        }
        const r = await this.timed(c, () => adapter.deliver(ctx));
        return await this.applyDeliver(c, ctx, events, adapter, r);
      } catch (e) {
        if (e instanceof CredentialsError && e.refreshable && !refreshed) {
          // Refresh once (new access token) and run the step again; a second failure stops the account.
          refreshed = true;
          events.push({ kind: 'credentials_refresh', errorCode: e.code, message: e.message });
          this.accounts.invalidate(d.channelAccountId);
          try {
            await adapter.refreshCredentials?.(ctx.account);
          } catch (re) {
            return this.applyError(c, adapter, phase, re, events, ctx);
          }
          continue;
        }
        return this.applyError(c, adapter, phase, e, events, ctx);
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
    if (!(e instanceof ChannelError && e.kind === 'manual_check') || !(await isResendAuthorised(this.ds, d))) throw e;
    events.push({ kind: 'reconcile', call: 'reconcile', errorCode: e.code, message: `${e.message}（运维人员已人工核实并要求重新发送）` });
    await ctx.saveCheckpoint({ manualCheck: null });
    return { found: false };
  }

  /** Gives a claimed delivery back untouched (its state before the claim; a crashed step's stays to be reconciled). */
  private async releaseClaim(c: Claim, delayMs: number) {
    await this.ds.query(
      `UPDATE deliveries SET state = $3, lease_until = NULL, lease_token = NULL, attempts = GREATEST(0, attempts - 1),
              next_attempt_at = now() + make_interval(secs => $4), updated_at = now()
        WHERE id = $1 AND lease_token = $2 AND state = 'processing'`,
      [c.d.id, c.token, c.prev === 'processing' ? 'unconfirmed' : c.prev, delayMs / 1000],
    );
  }

  private maxAttempts(adapter: ChannelAdapter): number {
    return adapter.capabilities.maxAttempts ?? MAX_ATTEMPTS;
  }

  /** An outside call: counted in the account's rate window from now, and its duration measured. */
  private async timed<T>(c: Claim, fn: () => Promise<T>): Promise<T> {
    await c.atCall?.();
    const channel = c.d.channelType;
    const started = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      this.metrics.observeAttempt(channel, Number(process.hrtime.bigint() - started) / 1e6);
    }
  }

  /**
   * The frozen version a delivery sends. Claims bring the snapshots of versions not cached yet; other
   * paths read them here, and concurrent reads share a statement (and a pending read is shared).
   */
  private snapshot(versionId: string): Promise<ItemSnapshot> {
    const cached = this.versions.get(versionId);
    if (cached) return cached;
    const s = this.snapshots.submit(versionId).then((snap) => {
      if (!snap) throw new Error(`item version ${versionId} not found`);
      return snap;
    });
    // a failed read is not remembered
    s.catch(() => this.versions.delete(versionId));
    this.remember(versionId, s);
    return s;
  }

  private remember(versionId: string, s: Promise<ItemSnapshot>) {
    if (this.versions.size >= MAX_CACHED_VERSIONS && !this.versions.has(versionId)) {
      // oldest first (Map keeps insertion order)
      this.versions.delete(this.versions.keys().next().value!);
    }
    this.versions.set(versionId, s);
  }

  /** The most recent versions whose snapshot this process holds (a claim need not send them again). */
  private cachedVersionIds(): string[] {
    return [...this.versions.keys()].slice(-KNOWN_VERSIONS_SENT);
  }

  private async context(d: Delivery, events: PendingEvent[]): Promise<DeliveryContext> {
    const snapshot = await this.snapshot(d.itemVersionId);
    const { account } = await this.accounts.loadCached(d.channelAccountId);
    let previous: DeliveryContext['previous'] = null;
    if (d.versionNo > 1) {
      const p = await this.ds.query(
        `SELECT version_no, external_id, external_url FROM deliveries
          WHERE item_id = $1 AND channel_account_id = $2 AND version_no < $3 AND state = 'published'
          ORDER BY version_no DESC LIMIT 1`,
        [d.itemId, d.channelAccountId, d.versionNo],
      );
      if (p[0]) previous = { versionNo: p[0].version_no, externalId: p[0].external_id, externalUrl: p[0].external_url };
    }
    let checkpoint = { ...(d.checkpoint ?? {}) };
    return {
      deliveryId: d.id,
      attempt: d.attempts,
      version: snapshot,
      versionId: d.itemVersionId,
      account,
      get checkpoint() {
        return checkpoint;
      },
      // Durable before the next step runs, together with the attempts logged so far (unfenced: the
      // step took effect outside whoever holds the lease now).
      saveCheckpoint: async (patch) => {
        checkpoint = { ...checkpoint, ...patch };
        const pending = events.splice(0);
        pending.push({ kind: 'checkpoint', message: Object.keys(patch).join(',') });
        await saveCheckpointSql(this.sql, d.id, patch, pending);
      },
      // Buffered and written with the step's outcome: one round trip instead of one per call.
      logAttempt: async (entry: AttemptLog) => {
        events.push({ kind: 'attempt', ...entry });
      },
      portalUrl: await this.portalUrls.urlFor(snapshot.itemId, snapshot.organisationId),
      externalId: d.externalId,
      externalUrl: d.externalUrl,
      previous,
    };
  }

  private async applyReconcile(c: Claim, ctx: DeliveryContext, events: PendingEvent[], r: ReconcileResult): Promise<StepOutcome | null> {
    if (!r.found) return null;
    if (r.status === 'published') {
      await this.markPublished(c.d, ctx.version, r.externalId, r.externalUrl ?? null, new Date(), { token: c.token, events });
      return { done: true };
    }
    const runAt = new Date(Date.now() + 1000);
    await this.transition(c, 'awaiting_confirmation', events, {
      externalId: r.externalId,
      nextAttemptAt: runAt,
      checkpoint: ctx.checkpoint.acceptedAt ? undefined : { acceptedAt: new Date().toISOString() },
    });
    this.metrics.countOutcome(c.d.channelType, 'awaiting_confirmation');
    return { done: false, runAt };
  }

  private confirmGiveUpMs(adapter: ChannelAdapter, ctx: DeliveryContext): number {
    const s = Number(ctx.account.settings?.confirmGiveUpMs);
    return s > 0 ? s : adapter.capabilities.confirmGiveUpMs ?? CONFIRMATION_GIVE_UP_MS;
  }

  private acceptedAt(c: Claim, ctx?: DeliveryContext): number {
    const at = (ctx?.checkpoint ?? c.d.checkpoint)?.acceptedAt;
    return at ? new Date(at).getTime() : c.d.createdAt.getTime();
  }

  private async applyConfirm(c: Claim, ctx: DeliveryContext, events: PendingEvent[], r: ConfirmResult): Promise<StepOutcome> {
    if (r.status === 'published') {
      // The confirming poll is not a send attempt.
      await this.markPublished(c.d, ctx.version, r.externalId, r.externalUrl ?? null, r.publishedAt ?? new Date(), { token: c.token, events, attemptsDelta: -1 });
      return { done: true };
    }
    const adapter = this.registry.get(c.d.channelType);
    const elapsed = Date.now() - this.acceptedAt(c, ctx);
    const giveUp = this.confirmGiveUpMs(adapter, ctx);
    if (elapsed > giveUp) return this.toManualCheck(c, events, 'confirm', 'CONFIRMATION_TIMEOUT', giveUpMessage('confirm', giveUp, '仍显示处理中'));
    // Polling backs off with the time already waited: quick answers are caught quickly, slow ones cost few calls.
    const wait = r.pollAfterMs ?? Math.min(5 * 60_000, Math.max(1000, Math.round(elapsed / 4)));
    const runAt = new Date(Date.now() + Math.min(wait, Math.max(1000, giveUp - elapsed + 1000)));
    // A poll is not a failed attempt: do not let polling exhaust the retry budget.
    await this.transition(c, 'awaiting_confirmation', events, { nextAttemptAt: runAt, attemptsDelta: -1, quiet: true, coalesce: true });
    return { done: false, runAt };
  }

  private async applyDeliver(c: Claim, ctx: DeliveryContext, events: PendingEvent[], adapter: ChannelAdapter, r: DeliverResult): Promise<StepOutcome> {
    if (r.status === 'published') {
      await this.markPublished(c.d, ctx.version, r.externalId, r.externalUrl ?? null, r.publishedAt ?? new Date(), { token: c.token, events });
      return { done: true };
    }
    if (r.status === 'awaiting_issue') {
      await this.transition(c, 'awaiting_issue', events, {});
      return { done: true };
    }
    if (!adapter.confirm) throw new Error(`adapter ${adapter.capabilities.type} returned awaiting_confirmation without confirm()`);
    const runAt = new Date(Date.now() + (r.pollAfterMs ?? 1000));
    await this.transition(c, 'awaiting_confirmation', events, {
      externalId: r.externalId ?? null,
      nextAttemptAt: runAt,
      checkpoint: ctx.checkpoint.acceptedAt ? undefined : { acceptedAt: new Date().toISOString() },
    });
    this.metrics.countOutcome(c.d.channelType, 'awaiting_confirmation');
    return { done: false, runAt };
  }

  /**
   * Maps an error to the next state. The state to come back to depends on the phase: an error while
   * reconciling leaves the delivery `unconfirmed` (it must still be looked up before any resend), an
   * error while confirming leaves it `awaiting_confirmation`; only a delivery whose send definitely
   * did not take effect goes back to `pending`.
   */
  private async applyError(c: Claim, adapter: ChannelAdapter, phase: Phase, e: unknown, events: PendingEvent[], ctx?: DeliveryContext): Promise<StepOutcome> {
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
        if (phase === 'reconcile') return this.fail(c, events, code, `无法核实上次发送的结果：${message}`);
        return this.fail(c, events, code, message);
      case 'credentials': {
        await this.accounts.markNeedsAttention(d.channelAccountId, `${code}: ${message}`);
        events.push({ kind: 'account_needs_attention', errorCode: code, message: '账号凭据失效，已暂停该账号的发送，待运维人员修复后自动继续' });
        // Due at once, but the account is stopped: claims skip it; the sweeper resumes its deliveries once it is active again.
        await this.transition(c, resume, events, { error, attemptsDelta: -1, nextAttemptAt: new Date() });
        return { done: true };
      }
      case 'manual_check': {
        // The outcome cannot be proven either way: neither resent nor failed, it waits for a person (the
        // message says what to check). Looked up again once a day in case the channel can tell by then.
        const runAt = new Date(Date.now() + MANUAL_CHECK_RECHECK_MS);
        events.push({ kind: MANUAL_CHECK_EVENT, call: phase, errorCode: code, message });
        await this.transition(c, 'unconfirmed', events, { nextAttemptAt: runAt, error, checkpoint: { manualCheck: true }, attemptsDelta: phase === 'deliver' ? 0 : -1 });
        return { done: false, runAt };
      }
      case 'rate_limited': {
        const wait = Math.max(1000, (err as RateLimitedError).retryAfterMs);
        await this.limiter.pause(d.channelAccountId, wait, `外部系统限流（${code}）：${message}`.slice(0, 500));
        const runAt = new Date(Date.now() + wait);
        await this.transition(c, resume, events, { nextAttemptAt: runAt, error, attemptsDelta: -1 });
        return { done: false, runAt };
      }
      default: {
        if (phase === 'confirm' || phase === 'reconcile' || kind === 'unknown') {
          return this.checkAgainLater(c, adapter, phase, events, error, ctx);
        }
        if (d.attempts >= this.maxAttempts(adapter)) {
          return this.fail(c, events, code, `重试${d.attempts}次后仍失败：${message}`);
        }
        return this.retryLater(c, 'pending', events, error, backoffMs(d.attempts), 0);
      }
    }
  }

  /**
   * An outcome still unknown after a failed check (unknown-outcome.ts): checked again with exponential
   * backoff, its events coalesced; at the channel's give-up time it waits for a person, never `failed`.
   */
  private async checkAgainLater(c: Claim, adapter: ChannelAdapter, phase: Phase, events: PendingEvent[], error: [string, string], ctx?: DeliveryContext): Promise<StepOutcome> {
    const { d } = c;
    if (phase === 'reconcile' && d.checkpoint?.manualCheck) {
      // Waiting for a person already: a failed daily look-up changes nothing (and keeps the message).
      const runAt = new Date(Date.now() + MANUAL_CHECK_RECHECK_MS);
      await this.transition(c, 'unconfirmed', events, { nextAttemptAt: runAt, attemptsDelta: -1, coalesce: true, quiet: true });
      return { done: false, runAt };
    }
    // A check answered earlier in this step (reconcile said "not found", the resend is unknown again) starts a new episode.
    const checks = c.answered ? 1 : Number(d.checkpoint?.unknownChecks ?? 0) + 1;
    if (phase === 'confirm') {
      // The publication was accepted; only the question failed. Keep asking until the give-up time.
      const giveUp = ctx ? this.confirmGiveUpMs(adapter, ctx) : adapter.capabilities.confirmGiveUpMs ?? CONFIRMATION_GIVE_UP_MS;
      if (Date.now() - this.acceptedAt(c, ctx) > giveUp) return this.toManualCheck(c, events, phase, 'CONFIRMATION_TIMEOUT', giveUpMessage('confirm', giveUp, error[1]));
      const runAt = new Date(Date.now() + unknownCheckDelayMs(checks));
      await this.transition(c, 'awaiting_confirmation', events, { nextAttemptAt: runAt, error, attemptsDelta: -1, checkpoint: { unknownChecks: checks }, coalesce: true, quiet: true });
      return { done: false, runAt };
    }
    // The outcome stays unknown until the outside system can be asked. Lookups failing (an outage) do
    // not use up the send budget; the time since it became unknown decides when a person takes over.
    const since = d.checkpoint?.unknownSince && !c.answered ? new Date(d.checkpoint.unknownSince).getTime() : Date.now();
    const giveUp = unknownGiveUpMs(adapter, ctx, 'unknown');
    if (Date.now() - since > giveUp) return this.toManualCheck(c, events, phase, 'UNCONFIRMED_GIVE_UP', giveUpMessage('unknown', giveUp, error[1]));
    const runAt = new Date(Date.now() + unknownCheckDelayMs(checks));
    await this.transition(c, 'unconfirmed', events, {
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
  private async toManualCheck(c: Claim, events: PendingEvent[], phase: Phase, code: string, message: string): Promise<StepOutcome> {
    const runAt = new Date(Date.now() + MANUAL_CHECK_RECHECK_MS);
    events.push({ kind: MANUAL_CHECK_EVENT, call: phase, errorCode: code, message });
    await this.transition(c, 'unconfirmed', events, {
      nextAttemptAt: runAt,
      error: [code, message],
      checkpoint: { manualCheck: true, ...UNKNOWN_EPISODE_RESET },
      attemptsDelta: phase === 'deliver' ? 0 : -1,
      coalesce: phase !== 'deliver',
    });
    this.metrics.countOutcome(c.d.channelType, 'manual_check');
    return { done: false, runAt };
  }

  private async retryLater(c: Claim, to: DeliveryState, events: PendingEvent[], error: [string, string], waitMs: number, attemptsDelta: number): Promise<StepOutcome> {
    const runAt = new Date(Date.now() + waitMs);
    await this.transition(c, to, events, { nextAttemptAt: runAt, error, attemptsDelta });
    return { done: false, runAt };
  }

  // ------------------------------------------------------------------ writing outcomes (outcome-writer.ts)

  /** See OutcomeWriter.markPublished: the publication, its ledger row and the item, exactly once. */
  markPublished(...args: Parameters<OutcomeWriter['markPublished']>): Promise<boolean> {
    return this.outcomes.markPublished(...args);
  }

  private fail(c: Claim, events: PendingEvent[], code: string, message: string): Promise<StepOutcome> {
    return this.outcomes.fail(c, events, code, message);
  }

  private transition(c: Claim, to: DeliveryState, events: PendingEvent[], o: TransitionOptions): Promise<void> {
    return this.outcomes.transition(c, to, events, o);
  }

  /** Appends event rows (one statement for any number). */
  insertEvents(em: Pick<EntityManager, 'query'> | null, deliveryId: string, events: PendingEvent[]): Promise<void> {
    return this.outcomes.insertEvents(em, deliveryId, events);
  }

  /** One event row, outside any step (API actions use it inside their own transaction). */
  event(deliveryId: string, e: PendingEvent, em?: EntityManager): Promise<void> {
    return this.outcomes.insertEvents(em ?? null, deliveryId, [e]);
  }

  // ------------------------------------------------------------------ callbacks

  /**
   * The hook for outside systems that call back (WeChat's publish-finished event and the like): the
   * module receiving the callback identifies the delivery (by id, or by channel type + the external id
   * the adapter stored) and hands over the result. Idempotent: a callback racing a poll records the
   * publication once; a late or repeated callback is ignored.
   */
  async confirmFromCallback(
    ref: { deliveryId: string } | { channelType: string; externalId: string },
    result: CallbackResult,
  ): Promise<'published' | 'failed' | 'pending' | 'ignored'> {
    const rows: any[] =
      'deliveryId' in ref
        ? await this.ds.query(`SELECT * FROM deliveries WHERE id = $1`, [ref.deliveryId])
        : await this.ds.query(
            `SELECT * FROM deliveries WHERE channel_type = $1 AND external_id = $2 AND state IN ('awaiting_confirmation','unconfirmed','processing','pending','withdrawing') ORDER BY created_at DESC LIMIT 1`,
            [ref.channelType, ref.externalId],
          );
    if (!rows[0]) return 'ignored';
    const d = rowToDelivery(rows[0]);
    const from: DeliveryState[] = ['awaiting_confirmation', 'unconfirmed', 'processing', 'pending'];
    const event: PendingEvent = { kind: 'callback', call: 'callback', response: JSON.stringify(result).slice(0, 2000) };
    if (result.status === 'published') {
      const ok = await this.markPublished(d, await this.snapshot(d.itemVersionId), result.externalId, result.externalUrl ?? null, result.publishedAt ?? new Date(), {
        fromStates: from,
        events: [event],
      });
      return ok ? 'published' : 'ignored';
    }
    if (result.status === 'pending') {
      await this.event(d.id, event);
      return 'pending';
    }
    const res = await this.ds.transaction(async (em) => {
      const u = await returning(
        em,
        `UPDATE deliveries SET state = 'failed', lease_until = NULL, lease_token = NULL, next_attempt_at = NULL,
                last_error_code = $2, last_error_message = $3, updated_at = now()
          WHERE id = $1 AND state = ANY($4) RETURNING id`,
        [d.id, result.code, result.message, from],
      );
      if (u.length) await this.insertEvents(em, d.id, [event, { kind: 'state', fromState: d.state, toState: 'failed', errorCode: result.code, message: result.message }]);
      return u.length > 0;
    });
    if (res) this.metrics.countOutcome(d.channelType, 'failed');
    return res ? 'failed' : 'ignored';
  }

  // ------------------------------------------------------------------ withdraw

  /** Takes one delivery back (delivery-withdraw.ts), in the same frame as every step. */
  async runWithdraw(deliveryId: string, hint: StepHint = {}): Promise<StepOutcome> {
    return this.leased(deliveryId, hint, (id) => this.withdraws.claim(id), (c) => this.withdraws.step(c));
  }
}
