import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { DELIVERY_STATE_LABELS, DeliveryState } from '@app/domain/enums/domain-enums';
import { currentVersionRefusal, lockItemOfDelivery } from './delivery-version-guard';
import { AuditService } from '@app/domain/services/audit.service';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { lockItemOfDeliveryForUpdate, reopenItemForRetry, settleItemAfterCancel } from '@app/persistence/items/item-delivery-outcome';
import { ChannelRegistry } from '../channel-registry';
import { AccountStore } from './account-store.service';
import type { AccountRestored } from './delivery-actions.types';
import { DeliveryQueues, EnqueueRequest } from './delivery-queues.service';
import { DeliveryRunner, rowToDelivery } from './delivery-runner.service';
import { isUuid } from '@app/common/ids/is-uuid';

/** Who acts, and a check that they may act on the delivery's / item's organisation (throws if not). */
export interface Actor {
  id: string;
  authorize(organisationId: string): Promise<void>;
}

export function deliveryStateLabel(s: string): string {
  return DELIVERY_STATE_LABELS[s as DeliveryState] ?? s;
}

const OPEN: DeliveryState[] = ['pending', 'processing', 'awaiting_confirmation', 'unconfirmed', 'withdrawing'];

/**
 * What a channel operator (and the scheduling API) can do to deliveries. Each action runs in one
 * transaction with its audit row and an event on the delivery; the queue is touched after commit.
 */
@Injectable()
export class DeliveryActions {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly queues: DeliveryQueues,
    private readonly runner: DeliveryRunner,
    private readonly registry: ChannelRegistry,
    private readonly audit: AuditService,
    private readonly accounts: AccountStore,
    private readonly states: DeliveryStateRepository,
  ) {}

  private async lock(em: EntityManager, deliveryId: string) {
    if (!isUuid(deliveryId)) throw AppError.notFound('发送任务', deliveryId);
    const rows = await em.query(
      `SELECT d.*, a.status AS account_status, a.enabled AS account_enabled, a.name AS account_name, i.status AS item_status,
              i.current_version_no AS item_version_no
         FROM deliveries d JOIN channel_accounts a ON a.id = d.channel_account_id JOIN items i ON i.id = d.item_id
        WHERE d.id = $1 FOR UPDATE OF d`,
      [deliveryId],
    );
    if (!rows[0]) throw AppError.notFound('发送任务', deliveryId);
    return rows[0];
  }

  private refuse(code: string, state: string, what: string): never {
    throw AppError.conflict(code, `发送任务当前状态为「${deliveryStateLabel(state)}」，不能${what}`, [{ field: 'state', reason: state }]);
  }

  /**
   * Sends again now: a failed or cancelled delivery starts over with a fresh budget, a waiting one
   * skips the rest of its backoff. Where the outside system can be asked, the retry first looks the
   * publication up (a failure may have followed a send that took effect).
   */
  async retry(actor: Actor, deliveryId: string) {
    let job: EnqueueRequest | null = null;
    const out = await this.ds.transaction(async (em) => {
      // The item first (shared): a reviewer calling the publication off waits, or is waited for.
      await lockItemOfDelivery(em, deliveryId);
      const r = await this.lock(em, deliveryId);
      await actor.authorize(r.organisation_id);
      if (r.account_status !== 'active' || !r.account_enabled) {
        throw AppError.conflict('ACCOUNT_NOT_ACTIVE', `渠道账号「${r.account_name}」已暂停（需要处理），请先修复账号后再重试`);
      }
      const adapter = this.registry.get(r.channel_type);
      let to: DeliveryState;
      if (r.state === 'failed' || r.state === 'cancelled') {
        if (r.item_status === 'withdrawn') throw AppError.conflict('ITEM_WITHDRAWN', '该信息已撤回，不能重新发送');
        to = adapter.reconcile ? 'unconfirmed' : 'pending';
      } else if (r.state === 'pending' || r.state === 'unconfirmed' || r.state === 'awaiting_confirmation') {
        to = r.state;
      } else this.refuse('INVALID_DELIVERY_STATE', r.state, '重试');
      // Only the version the item stands at, approved or published, may go out.
      // every delivery of the item had been cancelled (未发布): sending one again approves it again
      if (r.item_status === 'not_published' && r.state === 'cancelled' && (await reopenItemForRetry(em, r.item_id))) r.item_status = 'approved';
      const stale = currentVersionRefusal(r, '重新发送');
      if (stale) throw stale;
      await this.states.retry(em, r.id, r.state, to, [{ kind: 'operator_retry', fromState: r.state, toState: to, actorId: actor.id }]);
      await this.audit.record(em, {
        actorId: actor.id,
        action: 'delivery.retry',
        entityType: 'delivery',
        entityId: r.id,
        itemId: r.item_id,
        organisationId: r.organisation_id,
        details: { from: r.state, to },
      });
      job = { deliveryId: r.id, channelType: r.channel_type, accountId: r.channel_account_id };
      return { id: r.id, state: to };
    });
    if (job) await this.queues.reschedule(job);
    return out;
  }

  /** Stops a delivery that has not gone out (pending, failed, waiting for an issue). */
  async cancel(actor: Actor, deliveryId: string, reason: string) {
    const out = await this.ds.transaction(async (em) => {
      // The item first: the item's last cancellation settles it (未发布), seeing every other one.
      await lockItemOfDeliveryForUpdate(em, deliveryId);
      const r = await this.lock(em, deliveryId);
      await actor.authorize(r.organisation_id);
      if (r.state === 'awaiting_confirmation' || r.state === 'unconfirmed') {
        throw AppError.conflict(
          'MAY_BE_PUBLISHED',
          `发送任务状态为「${deliveryStateLabel(r.state)}」，外部系统可能已发布，不能直接取消；请等待核实结果，或撤回该信息`,
        );
      }
      if (!['pending', 'failed', 'awaiting_issue'].includes(r.state)) this.refuse('INVALID_DELIVERY_STATE', r.state, '取消');
      await this.states.cancel(em, r.id, r.state, `已由渠道运维取消：${reason}`, [
        { kind: 'state', fromState: r.state, toState: 'cancelled', message: reason, actorId: actor.id },
      ]);
      await this.audit.record(em, {
        actorId: actor.id,
        action: 'delivery.cancel',
        entityType: 'delivery',
        entityId: r.id,
        itemId: r.item_id,
        organisationId: r.organisation_id,
        details: { from: r.state, reason },
      });
      if (await settleItemAfterCancel(em, r.item_id)) {
        await this.audit.record(em, {
          actorId: actor.id,
          action: 'item.not_published',
          entityType: 'item',
          entityId: r.item_id,
          itemId: r.item_id,
          organisationId: r.organisation_id,
          details: { reason: `各渠道的发布均已取消（最后取消：${r.account_name}）` },
        });
      }
      return { id: r.id, state: 'cancelled' as const, channelType: r.channel_type };
    });
    await this.queues.removeJob({ deliveryId: out.id, channelType: out.channelType });
    return { id: out.id, state: out.state };
  }

  /**
   * The operator published by hand (the outside system was down, or the engine could not confirm):
   * records the external URL, audited, and counted in the ledger like any publication (manual = true).
   */
  async markPublished(actor: Actor, deliveryId: string, o: { externalUrl: string; externalId?: string; note?: string }) {
    const from: DeliveryState[] = ['failed', 'pending', 'unconfirmed', 'awaiting_confirmation', 'awaiting_issue'];
    const r = await this.ds.transaction(async (em) => this.lock(em, deliveryId));
    await actor.authorize(r.organisation_id);
    if (r.item_status === 'withdrawn') throw AppError.conflict('ITEM_WITHDRAWN', '该信息已撤回，不能标记为已发布');
    if (!from.includes(r.state)) this.refuse('INVALID_DELIVERY_STATE', r.state, '标记为已发布');
    const stale = currentVersionRefusal(r, '标记为已发布');
    if (stale) throw stale;
    const d = rowToDelivery(r);
    const snapshot = (await this.ds.query(`SELECT snapshot FROM item_versions WHERE id = $1`, [d.itemVersionId]))[0].snapshot;
    const ok = await this.runner.markPublished(d, snapshot, o.externalId ?? o.externalUrl, o.externalUrl, new Date(), {
      fromStates: from,
      actorId: actor.id,
      events: [{ kind: 'operator_mark_published', message: o.note ?? null, actorId: actor.id }],
      inTx: async (em) => {
        // Checked again under the item's lock, inside the publication's transaction: a reviewer who
        // called the item off meanwhile rolls it back.
        const now = await em.query(`SELECT status AS item_status, current_version_no AS item_version_no FROM items WHERE id = $1 FOR SHARE`, [d.itemId]);
        const changed = currentVersionRefusal({ ...now[0], version_no: r.version_no }, '标记为已发布');
        if (changed) throw changed;
        await this.audit.record(em, {
          actorId: actor.id,
          action: 'delivery.mark_published',
          entityType: 'delivery',
          entityId: d.id,
          itemId: d.itemId,
          organisationId: d.organisationId,
          details: { from: r.state, externalUrl: o.externalUrl, externalId: o.externalId ?? null, note: o.note ?? null },
        });
      },
    });
    if (!ok) throw AppError.conflict('DELIVERY_CHANGED', '发送任务状态已变化，请刷新后重试');
    await this.queues.removeJob({ deliveryId: d.id, channelType: d.channelType });
    return { id: d.id, state: 'published' as const };
  }

  /** The operator took a publication down by hand (a channel that cannot withdraw, or refused to). */
  async markWithdrawn(actor: Actor, deliveryId: string, note: string) {
    let job: { deliveryId: string; channelType: string; op: 'withdraw' } | null = null;
    const out = await this.ds.transaction(async (em) => {
      const r = await this.lock(em, deliveryId);
      await actor.authorize(r.organisation_id);
      if (r.state !== 'published' && r.state !== 'withdrawing') this.refuse('INVALID_DELIVERY_STATE', r.state, '标记为已撤回');
      if (r.state === 'withdrawing' && r.lease_until && new Date(r.lease_until) > new Date()) {
        throw AppError.conflict('DELIVERY_BUSY', '正在自动撤回，请稍后再试');
      }
      await this.states.markWithdrawn(em, r.id, r.state, note, [
        { kind: 'state', fromState: r.state, toState: 'withdrawn', message: `人工撤回：${note}`, actorId: actor.id },
      ]);
      await this.audit.record(em, {
        actorId: actor.id,
        action: 'delivery.mark_withdrawn',
        entityType: 'delivery',
        entityId: r.id,
        itemId: r.item_id,
        organisationId: r.organisation_id,
        details: { from: r.state, note },
      });
      if (r.state === 'withdrawing') job = { deliveryId: r.id, channelType: r.channel_type, op: 'withdraw' };
      return { id: r.id, state: 'withdrawn' as const };
    });
    if (job) await this.queues.removeJob(job);
    return out;
  }

  /**
   * Sets when an item goes out. Before approval this is just the item's publishAt; after approval the
   * deliveries that have not started move to the new time (null or a past time: now), their delayed
   * jobs replaced. Refused once anything went out.
   */
  async schedule(actor: Actor, itemId: string, publishAt: Date | null) {
    let jobs: EnqueueRequest[] = [];
    const out = await this.ds.transaction(async (em) => {
      const item = await this.lockItem(em, itemId);
      await actor.authorize(item.organisation_id);
      if (['published', 'withdrawn'].includes(item.status)) {
        throw AppError.conflict('ALREADY_PUBLISHED', '信息已发布或已撤回，不能再调整发布时间');
      }
      await em.query(`UPDATE items SET publish_at = $2, updated_at = now() WHERE id = $1`, [itemId, publishAt]);
      let moved: any[] = [];
      if (item.status === 'approved') {
        moved = await this.states.reschedule(em, itemId, item.current_version_no, publishAt);
        for (const m of moved)
          await this.runner.event(m.id, { kind: 'rescheduled', message: `发布时间调整为 ${new Date(m.due_at).toISOString()}`, actorId: actor.id }, em);
        jobs = moved.map((m) => ({ deliveryId: m.id, channelType: m.channel_type, accountId: m.channel_account_id, runAt: new Date(m.due_at) }));
      }
      await this.audit.record(em, {
        actorId: actor.id,
        action: 'item.schedule',
        entityType: 'item',
        entityId: itemId,
        itemId,
        organisationId: item.organisation_id,
        details: { from: item.publish_at, to: publishAt?.toISOString() ?? null, deliveries: moved.length },
      });
      return { itemId, publishAt, deliveriesRescheduled: moved.length };
    });
    for (const j of jobs) await this.queues.reschedule(j).catch(() => undefined);
    return out;
  }

  /**
   * Calls off a scheduled publication before its time: the deliveries that have not started are
   * cancelled; if nothing of the item went out, it returns to draft so it can be changed and reviewed again.
   */
  async cancelSchedule(actor: Actor, itemId: string, reason: string) {
    let jobs: { deliveryId: string; channelType: string }[] = [];
    const out = await this.ds.transaction(async (em) => {
      const item = await this.lockItem(em, itemId);
      await actor.authorize(item.organisation_id);
      if (item.status !== 'approved') throw AppError.conflict('NOT_SCHEDULED', '只有已审核、尚未发布的信息可以取消定时发布');
      const cancelled = await this.states.cancelUnstarted(em, itemId, `定时发布已取消：${reason}`, () => ({
        kind: 'state',
        fromState: 'pending',
        toState: 'cancelled',
        message: reason,
        actorId: actor.id,
      }));
      const others = await em.query(`SELECT count(*)::int AS n FROM deliveries WHERE item_id = $1 AND state <> 'cancelled'`, [itemId]);
      const backToDraft = others[0].n === 0;
      if (backToDraft) await em.query(`UPDATE items SET status = 'draft', review_level = 0, updated_at = now() WHERE id = $1`, [itemId]);
      await this.audit.record(em, {
        actorId: actor.id,
        action: 'item.schedule_cancel',
        entityType: 'item',
        entityId: itemId,
        itemId,
        organisationId: item.organisation_id,
        details: { reason, cancelled: cancelled.length, backToDraft },
      });
      jobs = cancelled.map((c: any) => ({ deliveryId: c.id, channelType: c.channel_type }));
      return { itemId, cancelled: cancelled.length, itemStatus: backToDraft ? 'draft' : item.status };
    });
    for (const j of jobs) await this.queues.removeJob(j);
    return out;
  }

  private async lockItem(em: EntityManager, itemId: string) {
    if (!isUuid(itemId)) throw AppError.notFound('信息', itemId);
    const rows = await em.query(`SELECT id, organisation_id, status, publish_at, current_version_no FROM items WHERE id = $1 FOR UPDATE`, [itemId]);
    if (!rows[0]) throw AppError.notFound('信息', itemId);
    return rows[0];
  }

  /** The operator fixed an account (new credentials, permission granted): it sends again at once. */
  async restoreAccount(actor: Actor, accountId: string): Promise<AccountRestored> {
    if (!isUuid(accountId)) throw AppError.notFound('渠道账号', accountId);
    await this.ds.transaction(async (em) => {
      const rows = await em.query(`SELECT id, organisation_id, status, status_reason FROM channel_accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      if (!rows[0]) throw AppError.notFound('渠道账号', accountId);
      await actor.authorize(rows[0].organisation_id);
      await em.query(`UPDATE channel_accounts SET status = 'active', status_reason = NULL, updated_at = now() WHERE id = $1`, [accountId]);
      await this.audit.record(em, {
        actorId: actor.id,
        action: 'channel_account.restore',
        entityType: 'channel_account',
        entityId: accountId,
        organisationId: rows[0].organisation_id,
        details: { previous: rows[0].status, reason: rows[0].status_reason },
      });
    });
    this.accounts.invalidate(accountId);
    const resumed = await this.resumeAccount(accountId);
    return { id: accountId, status: 'active', resumed };
  }

  /** Enqueues every open delivery of an account (instead of waiting for the sweeper's next pass). */
  async resumeAccount(accountId: string): Promise<number> {
    const rows = await this.ds.query(
      `SELECT id, channel_type, state, GREATEST(due_at, COALESCE(next_attempt_at, due_at), COALESCE(lease_until, due_at)) AS run_at
         FROM deliveries WHERE channel_account_id = $1 AND state = ANY($2)`,
      [accountId, OPEN],
    );
    await this.queues.ensureJobs(
      rows.map((r: any) => ({
        deliveryId: r.id,
        channelType: r.channel_type,
        accountId,
        op: r.state === 'withdrawing' ? 'withdraw' : 'deliver',
        runAt: new Date(r.run_at),
      })),
    );
    return rows.length;
  }
}
