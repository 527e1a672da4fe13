import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { Delivery } from '@app/domain/entities/delivery.entity';
import { DeliveryEvent } from '@app/domain/entities/delivery-event.entity';
import { ItemVersion } from '@app/domain/entities/item-version.entity';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import { recordPublication } from '@app/domain/services/ledger-writer';
import { returning } from '@app/domain/services/sql';
import { PublicationWithdrawal } from '@app/domain/entities/publication-record.entity';
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
import { AccountStore } from './account-store.service';
import { backoffMs } from './backoff';
import { PortalUrls } from './portal-urls.service';

/** What the queue processor should do with the job after one step. */
export type StepOutcome = { done: true } | { done: false; runAt: Date };

const CLAIMABLE: DeliveryState[] = ['pending', 'unconfirmed', 'awaiting_confirmation'];
export const MAX_ATTEMPTS = 8;
/** How long an accepted-but-unconfirmed publication may stay so before it is failed. */
export const CONFIRMATION_GIVE_UP_MS = 24 * 3600_000;

/**
 * Runs one step of a delivery. Postgres decides who works on a delivery (a lease claimed with one
 * UPDATE), so duplicate or stale BullMQ jobs are harmless: at-least-once jobs, exactly-once effects.
 * Order of precedence for the claimed delivery:
 *   - it was `processing` with an expired lease, or `unconfirmed`: the last call may have taken effect,
 *     so reconcile against the outside system before sending anything again;
 *   - `awaiting_confirmation`: ask the outside system (confirm);
 *   - otherwise deliver, resuming after the last checkpoint.
 */
@Injectable()
export class DeliveryRunner {
  private readonly log = componentLogger('delivery-runner');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    private readonly portalUrls: PortalUrls,
  ) {}

  /** Claims the delivery if it is due; returns it with the state it had before the claim. */
  async claim(deliveryId: string): Promise<{ d: Delivery; prev: DeliveryState } | { notDueUntil: Date } | null> {
    const rows = await returning(
      this.ds,
      `UPDATE deliveries d
          SET state = 'processing', lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1, updated_at = now()
         FROM (SELECT id, state AS prev_state FROM deliveries WHERE id = $1 FOR UPDATE) p, channel_accounts a
        WHERE d.id = p.id AND a.id = d.channel_account_id AND a.enabled AND a.status = 'active'
          AND ((d.state = ANY($3) AND d.due_at <= now() AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now()))
               OR (d.state = 'processing' AND d.lease_until < now()))
        RETURNING d.id, p.prev_state`,
      [deliveryId, this.config.DELIVERY_LEASE_SECONDS, CLAIMABLE],
    );
    const first = rows[0];
    if (!first) return this.notClaimed(deliveryId);
    const d = await this.ds.getRepository(Delivery).findOneByOrFail({ id: deliveryId });
    return { d, prev: first.prev_state };
  }

  private async notClaimed(deliveryId: string): Promise<{ notDueUntil: Date } | null> {
    const d = await this.ds.getRepository(Delivery).findOneBy({ id: deliveryId });
    if (!d || !CLAIMABLE.includes(d.state)) return null;
    const when = new Date(Math.max(d.dueAt.getTime(), d.nextAttemptAt?.getTime() ?? 0));
    return when.getTime() > Date.now() ? { notDueUntil: when } : null;
  }

  async run(deliveryId: string): Promise<StepOutcome> {
    const claimed = await this.claim(deliveryId);
    if (!claimed) return { done: true };
    if ('notDueUntil' in claimed) return { done: false, runAt: claimed.notDueUntil };
    const { d, prev } = claimed;
    const adapter = this.registry.get(d.channelType);
    const ctx = await this.context(d);
    try {
      if ((prev === 'processing' || prev === 'unconfirmed') && adapter.reconcile) {
        const r = await adapter.reconcile(ctx);
        await this.event(d.id, { kind: 'reconcile', call: 'reconcile', response: JSON.stringify(r) });
        const settled = await this.applyReconcile(d, ctx, r);
        if (settled) return settled;
      }
      if (prev === 'awaiting_confirmation' && adapter.confirm) {
        return await this.applyConfirm(d, ctx, await adapter.confirm(ctx));
      }
      return await this.applyDeliver(d, ctx, adapter, await adapter.deliver(ctx));
    } catch (e) {
      return this.applyError(d, adapter, e);
    }
  }

  private async context(d: Delivery): Promise<DeliveryContext> {
    const version = await this.ds.getRepository(ItemVersion).findOneByOrFail({ id: d.itemVersionId });
    const { account } = await this.accounts.load(d.channelAccountId);
    let checkpoint = { ...(d.checkpoint ?? {}) };
    return {
      deliveryId: d.id,
      attempt: d.attempts,
      version: version.snapshot,
      versionId: version.id,
      account,
      get checkpoint() {
        return checkpoint;
      },
      saveCheckpoint: async (patch) => {
        checkpoint = { ...checkpoint, ...patch };
        await this.ds.query(`UPDATE deliveries SET checkpoint = checkpoint || $2::jsonb, updated_at = now() WHERE id = $1`, [
          d.id,
          JSON.stringify(patch),
        ]);
        await this.event(d.id, { kind: 'checkpoint', message: Object.keys(patch).join(',') });
      },
      logAttempt: (entry: AttemptLog) => this.event(d.id, { kind: 'attempt', ...entry }),
      portalUrl: await this.portalUrls.urlFor(version.snapshot.itemId, version.snapshot.organisationId),
      externalId: d.externalId,
      externalUrl: d.externalUrl,
    };
  }

  private async applyReconcile(d: Delivery, ctx: DeliveryContext, r: ReconcileResult): Promise<StepOutcome | null> {
    if (!r.found) return null;
    if (r.status === 'published') {
      await this.markPublished(d, ctx, r.externalId, r.externalUrl ?? null, new Date());
      return { done: true };
    }
    await this.transition(d, 'awaiting_confirmation', { externalId: r.externalId, nextAttemptAt: new Date(Date.now() + 1000) });
    return { done: false, runAt: new Date(Date.now() + 1000) };
  }

  private async applyConfirm(d: Delivery, ctx: DeliveryContext, r: ConfirmResult): Promise<StepOutcome> {
    if (r.status === 'published') {
      await this.markPublished(d, ctx, r.externalId, r.externalUrl ?? null, r.publishedAt ?? new Date());
      return { done: true };
    }
    const acceptedAt = ctx.checkpoint.acceptedAt ? new Date(ctx.checkpoint.acceptedAt).getTime() : d.createdAt.getTime();
    if (Date.now() - acceptedAt > CONFIRMATION_GIVE_UP_MS) {
      await this.fail(d, 'CONFIRMATION_TIMEOUT', '外部系统长时间未确认发布结果，已放弃等待，请人工核实');
      return { done: true };
    }
    const wait = r.pollAfterMs ?? Math.min(60_000, 1000 * 2 ** Math.min(6, d.attempts));
    const runAt = new Date(Date.now() + wait);
    // A poll is not a failed attempt: do not let polling exhaust the retry budget.
    await this.transition(d, 'awaiting_confirmation', { nextAttemptAt: runAt, attemptsDelta: -1 });
    return { done: false, runAt };
  }

  private async applyDeliver(d: Delivery, ctx: DeliveryContext, adapter: ChannelAdapter, r: DeliverResult): Promise<StepOutcome> {
    if (r.status === 'published') {
      await this.markPublished(d, ctx, r.externalId, r.externalUrl ?? null, r.publishedAt ?? new Date());
      return { done: true };
    }
    if (r.status === 'awaiting_issue') {
      await this.transition(d, 'awaiting_issue', {});
      return { done: true };
    }
    if (!ctx.checkpoint.acceptedAt) await ctx.saveCheckpoint({ acceptedAt: new Date().toISOString() });
    const runAt = new Date(Date.now() + (r.pollAfterMs ?? 1000));
    await this.transition(d, 'awaiting_confirmation', { externalId: r.externalId ?? null, nextAttemptAt: runAt });
    if (!adapter.confirm) throw new Error(`adapter ${adapter.capabilities.type} returned awaiting_confirmation without confirm()`);
    return { done: false, runAt };
  }

  private async applyError(d: Delivery, adapter: ChannelAdapter, e: unknown): Promise<StepOutcome> {
    const err = e instanceof ChannelError ? e : null;
    const code = err?.code ?? (e as NodeJS.ErrnoException)?.code ?? 'INTERNAL';
    const message = (e as Error)?.message ?? String(e);
    await this.event(d.id, { kind: 'error', errorCode: String(code), message: message.slice(0, 2000) });
    if (!err) {
      this.log.error({ err: message, stack: (e as Error)?.stack, deliveryId: d.id }, 'unexpected delivery error');
    }
    switch (err?.kind ?? 'retryable') {
      case 'permanent':
        await this.fail(d, code, message);
        return { done: true };
      case 'credentials': {
        await this.accounts.markNeedsAttention(d.channelAccountId, `${code}: ${message}`);
        const runAt = new Date(Date.now() + 60_000);
        await this.transition(d, 'pending', { nextAttemptAt: runAt, error: [code, message], attemptsDelta: -1 });
        return { done: false, runAt };
      }
      case 'rate_limited': {
        const runAt = new Date(Date.now() + Math.max(1000, (err as RateLimitedError).retryAfterMs));
        await this.transition(d, 'pending', { nextAttemptAt: runAt, error: [code, message], attemptsDelta: -1 });
        return { done: false, runAt };
      }
      case 'unknown': {
        const runAt = new Date(Date.now() + backoffMs(d.attempts, 1000, 60_000));
        await this.transition(d, 'unconfirmed', { nextAttemptAt: runAt, error: [code, message] });
        return { done: false, runAt };
      }
      default: {
        if (d.attempts >= (adapter.capabilities as any).maxAttempts || d.attempts >= MAX_ATTEMPTS) {
          await this.fail(d, code, `重试${d.attempts}次后仍失败：${message}`);
          return { done: true };
        }
        const runAt = new Date(Date.now() + backoffMs(d.attempts));
        await this.transition(d, 'pending', { nextAttemptAt: runAt, error: [code, message] });
        return { done: false, runAt };
      }
    }
  }

  /** Delivery published + ledger row + item status, in one transaction. Idempotent. */
  async markPublished(d: Delivery, ctx: DeliveryContext, externalId: string, externalUrl: string | null, at: Date, actorId: string | null = null) {
    await this.ds.transaction(async (em) => {
      const res = await returning(
        em,
        `UPDATE deliveries SET state = 'published', external_id = $2, external_url = $3, published_at = $4,
                lease_until = NULL, next_attempt_at = NULL, last_error_code = NULL, last_error_message = NULL, updated_at = now()
          WHERE id = $1 AND state NOT IN ('published','withdrawing','withdrawn','cancelled','failed') RETURNING id`,
        [d.id, externalId, externalUrl, at],
      );
      if (!res.length) return;
      await recordPublication(em, {
        deliveryId: d.id,
        itemVersionId: d.itemVersionId,
        snapshot: ctx.version,
        channelType: d.channelType,
        channelAccountId: d.channelAccountId,
        publishedAt: at,
        externalUrl,
        manual: actorId !== null,
      });
      await this.event(d.id, { kind: 'state', fromState: d.state, toState: 'published', response: externalUrl ?? externalId, actorId }, em);
    });
  }

  private async fail(d: Delivery, code: string, message: string) {
    await this.transition(d, 'failed', { error: [code, message] });
  }

  private async transition(
    d: Delivery,
    to: DeliveryState,
    o: { externalId?: string | null; nextAttemptAt?: Date; error?: [string, string]; attemptsDelta?: number },
  ) {
    await this.ds.transaction(async (em) => {
      await em.query(
        `UPDATE deliveries SET state = $2, lease_until = NULL, next_attempt_at = $3,
                external_id = COALESCE($4, external_id), last_error_code = COALESCE($5, last_error_code),
                last_error_message = COALESCE($6, last_error_message), attempts = GREATEST(0, attempts + $7), updated_at = now()
          WHERE id = $1`,
        [d.id, to, o.nextAttemptAt ?? null, o.externalId ?? null, o.error?.[0] ?? null, o.error?.[1] ?? null, o.attemptsDelta ?? 0],
      );
      await this.event(d.id, { kind: 'state', fromState: 'processing', toState: to, errorCode: o.error?.[0], message: o.error?.[1] }, em);
    });
  }

  async event(deliveryId: string, e: Partial<DeliveryEvent> & { kind: string }, em?: EntityManager) {
    const repo = (em ?? this.ds.manager).getRepository(DeliveryEvent);
    await repo.insert({
      deliveryId,
      kind: e.kind,
      fromState: e.fromState ?? null,
      toState: e.toState ?? null,
      call: e.call ?? null,
      response: e.response ? String(e.response).slice(0, 4000) : null,
      errorCode: e.errorCode ?? null,
      message: e.message ?? null,
      durationMs: e.durationMs ?? null,
      actorId: e.actorId ?? null,
    });
  }

  /**
   * Takes one published delivery back. The ledger row stays (it was disclosed); a withdrawal row is
   * added beside it. A channel that cannot take it back records why, for the operator.
   */
  async runWithdraw(deliveryId: string): Promise<StepOutcome> {
    const d = await this.ds.getRepository(Delivery).findOneBy({ id: deliveryId });
    if (!d || d.state !== 'withdrawing') return { done: true };
    const adapter = this.registry.get(d.channelType);
    const ctx = await this.context(d);
    if (!adapter.capabilities.canWithdraw || !adapter.withdraw) {
      await this.event(d.id, { kind: 'withdraw_unsupported', message: `${adapter.capabilities.label}不支持撤回，需人工处理` });
      return { done: true };
    }
    try {
      await adapter.withdraw(ctx);
    } catch (e) {
      const err = e instanceof ChannelError ? e : null;
      await this.event(d.id, { kind: 'error', call: 'withdraw', errorCode: err?.code ?? 'INTERNAL', message: (e as Error).message });
      if (err?.kind === 'permanent' || err?.kind === 'credentials') {
        await this.ds.query(`UPDATE deliveries SET last_error_code = $2, last_error_message = $3, updated_at = now() WHERE id = $1`, [
          d.id,
          err.code,
          `撤回失败：${err.message}`,
        ]);
        return { done: true };
      }
      return { done: false, runAt: new Date(Date.now() + backoffMs(1 + (ctx.checkpoint.withdrawAttempts ?? 0))) };
    }
    await this.ds.transaction(async (em) => {
      const res = await returning(em, `UPDATE deliveries SET state = 'withdrawn', updated_at = now() WHERE id = $1 AND state = 'withdrawing' RETURNING id`, [d.id]);
      if (!res.length) return;
      const rec = await em.query(`SELECT id FROM publication_records WHERE delivery_id = $1`, [d.id]);
      if (rec[0]) {
        await em.getRepository(PublicationWithdrawal).insert({ publicationRecordId: rec[0].id, withdrawnAt: new Date(), reason: ctx.checkpoint.withdrawReason ?? null });
      }
      await this.event(d.id, { kind: 'state', fromState: 'withdrawing', toState: 'withdrawn' }, em);
    });
    return { done: true };
  }
}
