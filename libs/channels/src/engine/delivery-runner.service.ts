import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { Delivery } from '@app/domain/entities/delivery.entity';
import { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { PublicationWithdrawal } from '@app/domain/entities/publication-record.entity';
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
import { ChannelRegistry } from '../channel-registry';
import { AccountLimiter, AccountLimits } from './account-limiter.service';
import { AccountStore } from './account-store.service';
import { backoffMs } from './backoff';
import { EngineMetrics } from './engine-metrics.service';
import { Batcher } from './batcher';
import { claimMany, EngineSql, PendingEvent, publishMany, PublishRow, saveCheckpointSql } from './engine-sql';
import { PortalUrls } from './portal-urls.service';

/** What the queue processor should do with the job after one step. */
export type StepOutcome = { done: true } | { done: false; runAt: Date };

/** States a `deliver` job can claim (besides `processing` whose lease expired). */
const CLAIMABLE: DeliveryState[] = ['pending', 'unconfirmed', 'awaiting_confirmation'];
export const MAX_ATTEMPTS = 8;
/** Snapshots kept per process (versions are immutable; a burst's items are what is being sent). */
const MAX_CACHED_VERSIONS = 500;
/** How many of them a claim names (a burst works on its newest items; an older one is just sent again). */
const KNOWN_VERSIONS_SENT = 64;
/** How long a small batch of publications waits for more before it is written. */
const PUBLISH_LINGER_MS = 3;
/** How long an accepted-but-unconfirmed publication may stay so before it is failed. */
export const CONFIRMATION_GIVE_UP_MS = 24 * 3600_000;
/** How long an outcome may stay unknown (the outside system cannot be asked) before it is failed. */
export const UNCONFIRMED_GIVE_UP_MS = 24 * 3600_000;
const MAX_WITHDRAW_ATTEMPTS = 8;

/** A delivery claimed by this process: `token` fences every write against a takeover. */
interface Claim {
  d: Delivery;
  prev: DeliveryState;
  token: string;
  /** Rate-limited accounts: moves this step's mark in the account's rate window to now, before each outside call. */
  atCall?: () => Promise<void>;
}

type Phase = 'reconcile' | 'confirm' | 'deliver' | 'withdraw';

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
  private readonly publications: Batcher<PublishRow, boolean | Error>;

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
    this.claims = new Batcher(async (ids) => {
      const rows = await claimMany(this.sql, ids, this.config.DELIVERY_LEASE_SECONDS, CLAIMABLE, this.cachedVersionIds());
      for (const r of rows) if (r.version_snapshot) this.remember(r.item_version_id, Promise.resolve(r.version_snapshot as ItemSnapshot));
      const byId = new Map(rows.map((r) => [r.id as string, r]));
      // A delivery asked for twice in one batch (a duplicate job) is claimed once; the other caller sees it leased.
      return ids.map((id) => {
        const r = byId.get(id) ?? null;
        byId.delete(id);
        return r;
      });
    });
    this.publications = new Batcher(async (rows) => {
      try {
        const done = await publishMany(this.sql, rows);
        return rows.map((r) => done.has(r.deliveryId));
      } catch (e) {
        // A deadlock between concurrent batches (or any failure of the shared statement): row by row.
        this.log.warn({ err: (e as Error).message, rows: rows.length }, 'batched publication failed; writing one by one');
        return Promise.all(
          rows.map((r) =>
            this.sql
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
    }, 200, 2, { lingerMs: PUBLISH_LINGER_MS, fullAt: 32 });
  }

  private get leaseMs() {
    return this.config.DELIVERY_LEASE_SECONDS * 1000;
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

  /** Keeps the lease alive while a call is in flight, so only a dead worker's lease ever expires. */
  private heartbeat(c: Claim): () => void {
    const t = setInterval(
      () => {
        this.ds
          .query(
            `UPDATE deliveries SET lease_until = now() + make_interval(secs => $3) WHERE id = $1 AND lease_token = $2 AND state IN ('processing','withdrawing')`,
            [c.d.id, c.token, this.config.DELIVERY_LEASE_SECONDS],
          )
          .catch(() => undefined);
      },
      Math.max(1000, this.leaseMs / 3),
    );
    t.unref();
    return () => clearInterval(t);
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

  private async slot(accountId: string, channelType: string): Promise<{ token: string; rateLimit?: { durationMs: number } } | { runAt: Date }> {
    const limits = await this.limitsFor(accountId, channelType);
    const r = await this.limiter.acquire(accountId, limits, this.leaseMs);
    if (r.ok) return { token: r.token, rateLimit: limits.rateLimit };
    return { runAt: new Date(Date.now() + r.waitMs) };
  }

  private async accountOf(deliveryId: string): Promise<{ accountId: string; channelType: string } | null> {
    const r = await this.ds.query(`SELECT channel_account_id, channel_type FROM deliveries WHERE id = $1`, [deliveryId]);
    return r[0] ? { accountId: r[0].channel_account_id, channelType: r[0].channel_type } : null;
  }

  // ------------------------------------------------------------------ deliver / confirm / reconcile

  async run(deliveryId: string, hint: { accountId?: string; channelType?: string } = {}): Promise<StepOutcome> {
    return this.leased(deliveryId, hint, (id) => this.claim(id), (c) => this.step(c));
  }

  /**
   * The frame of every step: take a slot of the account's concurrency / rate limit, claim the
   * delivery (a lease in Postgres), keep the lease alive while the step talks to the outside system,
   * then release the slot. Not due, or nothing to do: the job is told when to look again, or that it is done.
   */
  private async leased(
    deliveryId: string,
    hint: { accountId?: string; channelType?: string },
    claim: (deliveryId: string) => Promise<Claim | { notDueUntil: Date } | null>,
    step: (c: Claim) => Promise<StepOutcome>,
  ): Promise<StepOutcome> {
    const where = hint.accountId && hint.channelType ? { accountId: hint.accountId, channelType: hint.channelType } : await this.accountOf(deliveryId);
    if (!where) return { done: true };
    const slot = await this.slot(where.accountId, where.channelType);
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
      const stop = this.heartbeat(claimed);
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
            return await this.fail(c, events, 'UNCONFIRMED_NO_RECONCILE', '上次发送的结果未知，且该渠道无法查询核实。请到该渠道后台核实：已发布的请“标记为已发布”，未发布的请“重试”');
          }
          const r = await this.timed(c, () => adapter.reconcile!(ctx));
          events.push({ kind: 'reconcile', call: 'reconcile', response: JSON.stringify(r) });
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

  private acceptedAt(c: Claim, ctx: DeliveryContext): number {
    return ctx.checkpoint.acceptedAt ? new Date(ctx.checkpoint.acceptedAt).getTime() : c.d.createdAt.getTime();
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
    if (elapsed > giveUp) {
      return this.fail(c, events, 'CONFIRMATION_TIMEOUT', `外部系统已受理但${formatDuration(giveUp)}内未确认发布，已停止等待。请到该渠道后台核实：已发布的请“标记为已发布”，未发布的请“重试”`);
    }
    // Polling backs off with the time already waited: quick answers are caught quickly, slow ones cost few calls.
    const wait = r.pollAfterMs ?? Math.min(5 * 60_000, Math.max(1000, Math.round(elapsed / 4)));
    const runAt = new Date(Date.now() + Math.min(wait, Math.max(1000, giveUp - elapsed + 1000)));
    // A poll is not a failed attempt: do not let polling exhaust the retry budget.
    await this.transition(c, 'awaiting_confirmation', events, { nextAttemptAt: runAt, attemptsDelta: -1, quiet: true });
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
        // No next_attempt_at: the account is stopped; the sweeper resumes its deliveries once it is active again.
        await this.transition(c, resume, events, { error, attemptsDelta: -1 });
        return { done: true };
      }
      case 'rate_limited': {
        const wait = Math.max(1000, (err as RateLimitedError).retryAfterMs);
        await this.limiter.pause(d.channelAccountId, wait);
        const runAt = new Date(Date.now() + wait);
        await this.transition(c, resume, events, { nextAttemptAt: runAt, error, attemptsDelta: -1 });
        return { done: false, runAt };
      }
      default: {
        if (phase === 'confirm') {
          // The publication was accepted; only the question failed. Keep asking until the give-up time.
          const elapsed = Date.now() - (d.checkpoint?.acceptedAt ? new Date(d.checkpoint.acceptedAt).getTime() : d.createdAt.getTime());
          const giveUp = ctx ? this.confirmGiveUpMs(adapter, ctx) : adapter.capabilities.confirmGiveUpMs ?? CONFIRMATION_GIVE_UP_MS;
          if (elapsed > giveUp) return this.fail(c, events, 'CONFIRMATION_TIMEOUT', `外部系统长时间未确认发布结果（${message}），已停止等待。请到该渠道后台核实：已发布的请“标记为已发布”，未发布的请“重试”`);
          return this.retryLater(c, resume, events, error, backoffMs(3, 1000, 60_000), -1);
        }
        if (phase === 'reconcile' || kind === 'unknown') {
          // The outcome stays unknown until the outside system can be asked. Lookups failing (an outage)
          // do not use up the send budget; a very long silence ends in `failed` with instructions.
          const since = d.checkpoint?.unknownSince ? new Date(d.checkpoint.unknownSince).getTime() : Date.now();
          if (Date.now() - since > UNCONFIRMED_GIVE_UP_MS) {
            return this.fail(c, events, 'UNCONFIRMED_GIVE_UP', `发送结果长时间无法核实（${message}）。请到该渠道后台核实：已发布的请“标记为已发布”，未发布的请“重试”`);
          }
          const runAt = new Date(Date.now() + backoffMs(Math.min(d.attempts, 7), 1000, 60_000));
          await this.transition(c, 'unconfirmed', events, {
            nextAttemptAt: runAt,
            error,
            checkpoint: d.checkpoint?.unknownSince ? undefined : { unknownSince: new Date(since).toISOString() },
            attemptsDelta: phase === 'reconcile' ? -1 : 0,
          });
          return { done: false, runAt };
        }
        if (d.attempts >= this.maxAttempts(adapter)) {
          return this.fail(c, events, code, `重试${d.attempts}次后仍失败：${message}`);
        }
        return this.retryLater(c, 'pending', events, error, backoffMs(d.attempts), 0);
      }
    }
  }

  private async retryLater(c: Claim, to: DeliveryState, events: PendingEvent[], error: [string, string], waitMs: number, attemptsDelta: number): Promise<StepOutcome> {
    const runAt = new Date(Date.now() + waitMs);
    await this.transition(c, to, events, { nextAttemptAt: runAt, error, attemptsDelta });
    return { done: false, runAt };
  }

  // ------------------------------------------------------------------ writing outcomes

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
    o: { token?: string; fromStates?: DeliveryState[]; actorId?: string | null; events?: PendingEvent[]; inTx?: (em: EntityManager) => Promise<void>; attemptsDelta?: number } = {},
  ): Promise<boolean> {
    const events = o.events ? o.events.splice(0) : [];
    const args = {
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
        const r = await this.sql.markPublished(args, em);
        if (r) await inTx(em);
        return !!r;
      });
    } else {
      applied = !!(await this.sql.markPublished(args));
    }
    if (applied) this.metrics.countOutcome(d.channelType, 'published');
    else if (o.token) await this.flushEvents(d.id, events);
    return applied;
  }

  private async fail(c: Claim, events: PendingEvent[], code: string, message: string): Promise<StepOutcome> {
    await this.transition(c, 'failed', events, { error: [code, message] });
    this.metrics.countOutcome(c.d.channelType, 'failed');
    return { done: true };
  }

  /**
   * Leaves `processing` for `to`, fenced by the claim's token. If the lease was lost, or the item's
   * withdrawal turned the delivery `withdrawing` meanwhile, the state is not touched; what the step
   * learnt (the outside id, checkpoints) is still recorded and the lease released.
   */
  private async transition(
    c: Claim,
    to: DeliveryState,
    events: PendingEvent[],
    o: { externalId?: string | null; nextAttemptAt?: Date; error?: [string, string]; attemptsDelta?: number; checkpoint?: Record<string, unknown>; quiet?: boolean },
  ) {
    const pending = events.splice(0);
    const stateEvent = !o.quiet || to !== c.prev;
    const withState = stateEvent ? [...pending, { kind: 'state', fromState: 'processing', toState: to, errorCode: o.error?.[0], message: o.error?.[1] }] : pending;
    const ok = await this.sql.transition({
      deliveryId: c.d.id,
      token: c.token,
      to,
      nextAttemptAt: o.nextAttemptAt ?? null,
      externalId: o.externalId ?? null,
      error: o.error ?? null,
      attemptsDelta: o.attemptsDelta ?? 0,
      checkpoint: o.checkpoint ?? {},
      events: withState,
    });
    if (ok) return;
    await this.ds.transaction(async (em) => {
      await em.query(
        `UPDATE deliveries SET lease_until = NULL, lease_token = NULL, external_id = COALESCE($2, external_id),
                checkpoint = checkpoint || $3::jsonb, updated_at = now() WHERE id = $1 AND lease_token = $4`,
        [c.d.id, o.externalId ?? null, JSON.stringify(o.checkpoint ?? {}), c.token],
      );
      await this.insertEvents(em, c.d.id, [...pending, { kind: 'superseded', message: `step outcome ${to} not applied: the delivery changed meanwhile` }]);
    });
  }

  private async flushEvents(deliveryId: string, events?: PendingEvent[]) {
    if (!events?.length) return;
    const pending = events.splice(0);
    await this.insertEvents(null, deliveryId, pending).catch(() => undefined);
  }

  /** Appends event rows (one statement for any number). */
  async insertEvents(em: Pick<EntityManager, 'query'> | null, deliveryId: string, events: PendingEvent[]): Promise<void> {
    await this.sql.insertEvents(deliveryId, events, em ?? undefined);
  }

  /** One event row, outside any step (API actions use it inside their own transaction). */
  async event(deliveryId: string, e: PendingEvent, em?: EntityManager) {
    await this.insertEvents(em ?? null, deliveryId, [e]);
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

  private async claimWithdraw(deliveryId: string): Promise<Claim | { notDueUntil: Date } | null> {
    const rows = await returning(
      this.ds,
      `UPDATE deliveries d SET lease_until = now() + make_interval(secs => $2), lease_token = gen_random_uuid(), updated_at = now()
         FROM channel_accounts a
        WHERE d.id = $1 AND a.id = d.channel_account_id AND a.enabled AND a.status = 'active' AND d.state = 'withdrawing'
          AND (d.lease_until IS NULL OR d.lease_until < now()) AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now())
        RETURNING d.*`,
      [deliveryId, this.config.DELIVERY_LEASE_SECONDS],
    );
    if (rows[0]) return { d: rowToDelivery(rows[0]), prev: 'withdrawing', token: rows[0].lease_token };
    const r = (await this.ds.query(`SELECT state, lease_until, next_attempt_at FROM deliveries WHERE id = $1`, [deliveryId]))[0];
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
  async runWithdraw(deliveryId: string, hint: { accountId?: string; channelType?: string } = {}): Promise<StepOutcome> {
    return this.leased(deliveryId, hint, (id) => this.claimWithdraw(id), (c) => this.withdrawStep(c));
  }

  private async withdrawStep(c: Claim): Promise<StepOutcome> {
    const { d } = c;
    const adapter = this.registry.get(d.channelType);
    const events: PendingEvent[] = [];
    const ctx = await this.context(d, events);
    const withdrawAttempts = Number(d.checkpoint?.withdrawAttempts ?? 0);
    try {
      let recorded = (await this.ds.query(`SELECT id FROM publication_records WHERE delivery_id = $1`, [d.id])).length > 0;
      if (!recorded) {
        // Never confirmed published: find out whether it is out there before taking anything back.
        if (!adapter.reconcile) {
          if (!d.externalId) return this.endWithdraw(c, events, 'cancelled', '撤回时尚未发布，已取消');
        } else {
          const r = await this.timed(c, () => adapter.reconcile!(ctx));
          events.push({ kind: 'reconcile', call: 'reconcile', response: JSON.stringify(r) });
          if (!r.found) return this.endWithdraw(c, events, 'cancelled', '撤回时尚未发布，已取消');
          if (r.status === 'pending') {
            const runAt = new Date(Date.now() + 2000);
            await this.releaseWithdraw(c, events, { nextAttemptAt: runAt, externalId: r.externalId });
            return { done: false, runAt };
          }
          // It did get out: it counts (it was disclosed), then it is taken back.
          await this.markPublished(d, ctx.version, r.externalId, r.externalUrl ?? null, new Date(), { token: c.token, events });
          await this.ds.query(`UPDATE deliveries SET lease_until = now() + make_interval(secs => $3), lease_token = $2 WHERE id = $1`, [d.id, c.token, this.config.DELIVERY_LEASE_SECONDS]);
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
      await this.timed(c, () => adapter.withdraw!(ctx));
      return this.endWithdraw(c, events, 'withdrawn', ctx.checkpoint.withdrawReason ?? null);
    } catch (e) {
      const err = e instanceof ChannelError ? e : null;
      const code = String(err?.code ?? (e as NodeJS.ErrnoException)?.code ?? 'INTERNAL');
      const message = (e as Error)?.message ?? String(e);
      events.push({ kind: 'error', call: 'withdraw', errorCode: code, message });
      if (err?.kind === 'permanent') return this.keepPublished(c, events, code, `撤回失败：${message}`);
      if (err?.kind === 'credentials') {
        await this.accounts.markNeedsAttention(d.channelAccountId, `${code}: ${message}`);
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

  private async releaseWithdraw(c: Claim, events: PendingEvent[], o: { nextAttemptAt?: Date; externalId?: string; error?: [string, string]; checkpoint?: Record<string, unknown> }) {
    const pending = events.splice(0);
    await this.ds.transaction(async (em) => {
      await em.query(
        `UPDATE deliveries SET lease_until = NULL, lease_token = NULL, next_attempt_at = $3, external_id = COALESCE($4, external_id),
                last_error_code = COALESCE($5, last_error_code), last_error_message = COALESCE($6, last_error_message),
                checkpoint = checkpoint || $7::jsonb, updated_at = now()
          WHERE id = $1 AND lease_token = $2 AND state = 'withdrawing'`,
        [c.d.id, c.token, o.nextAttemptAt ?? null, o.externalId ?? null, o.error?.[0] ?? null, o.error?.[1] ?? null, JSON.stringify(o.checkpoint ?? {})],
      );
      await this.insertEvents(em, c.d.id, pending);
    });
  }

  /** The publication stays out there: back to `published`, with the reason for the operator. */
  private async keepPublished(c: Claim, events: PendingEvent[], code: string, message: string): Promise<StepOutcome> {
    const pending = events.splice(0);
    pending.push({ kind: 'state', fromState: 'withdrawing', toState: 'published', errorCode: code, message });
    await this.ds.transaction(async (em) => {
      const u = await returning(
        em,
        `UPDATE deliveries SET state = 'published', lease_until = NULL, lease_token = NULL, next_attempt_at = NULL,
                last_error_code = $3, last_error_message = $4, updated_at = now()
          WHERE id = $1 AND lease_token = $2 AND state = 'withdrawing' RETURNING id`,
        [c.d.id, c.token, code, message],
      );
      if (u.length) await this.insertEvents(em, c.d.id, pending);
    });
    this.metrics.countOutcome(c.d.channelType, 'withdraw_failed');
    return { done: true };
  }

  private async endWithdraw(c: Claim, events: PendingEvent[], to: 'withdrawn' | 'cancelled', reason: string | null): Promise<StepOutcome> {
    const pending = events.splice(0);
    pending.push({ kind: 'state', fromState: 'withdrawing', toState: to, message: reason });
    await this.ds.transaction(async (em) => {
      const res = await returning(
        em,
        `UPDATE deliveries SET state = $3, lease_until = NULL, lease_token = NULL, next_attempt_at = NULL,
                last_error_code = NULL, last_error_message = $4, updated_at = now()
          WHERE id = $1 AND lease_token = $2 AND state = 'withdrawing' RETURNING id`,
        [c.d.id, c.token, to, to === 'cancelled' ? reason : null],
      );
      if (!res.length) return;
      if (to === 'withdrawn') {
        const rec = await em.query(`SELECT id FROM publication_records WHERE delivery_id = $1`, [c.d.id]);
        if (rec[0]) await em.getRepository(PublicationWithdrawal).insert({ publicationRecordId: rec[0].id, withdrawnAt: new Date(), reason });
      }
      await this.insertEvents(em, c.d.id, pending);
    });
    this.metrics.countOutcome(c.d.channelType, to);
    return { done: true };
  }
}

/** A raw `deliveries` row (snake_case, from RETURNING / SELECT *) as the entity. */
export function rowToDelivery(r: any): Delivery {
  const d = new Delivery();
  d.id = r.id;
  d.itemId = r.item_id;
  d.itemVersionId = r.item_version_id;
  d.versionNo = r.version_no;
  d.channelAccountId = r.channel_account_id;
  d.channelType = r.channel_type;
  d.organisationId = r.organisation_id;
  d.state = r.state;
  d.dueAt = new Date(r.due_at);
  d.attempts = r.attempts;
  d.checkpoint = r.checkpoint ?? {};
  d.externalId = r.external_id;
  d.externalUrl = r.external_url;
  d.lastErrorCode = r.last_error_code;
  d.lastErrorMessage = r.last_error_message;
  d.leaseUntil = r.lease_until ? new Date(r.lease_until) : null;
  d.nextAttemptAt = r.next_attempt_at ? new Date(r.next_attempt_at) : null;
  d.publishedAt = r.published_at ? new Date(r.published_at) : null;
  d.createdAt = new Date(r.created_at);
  d.updatedAt = new Date(r.updated_at);
  return d;
}

function formatDuration(ms: number): string {
  if (ms >= 3600_000) return `${Math.round(ms / 3600_000)}小时`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)}分钟`;
  return `${Math.round(ms / 1000)}秒`;
}
