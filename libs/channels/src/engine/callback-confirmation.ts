import type { DataSource } from 'typeorm';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import type { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import type { PendingEvent } from '@app/persistence/delivery/delivery-events.sql';
import type { ConfirmResult } from '../channel-adapter';
import type { DeliveryContexts } from './delivery-context';
import { rowToDelivery } from './delivery-step';
import type { EngineMetrics } from './engine-metrics.service';
import type { OutcomeWriter } from './outcome-writer';

/** What an outside system said when it called us back (WeChat's PUBLISHJOBFINISH and the like). */
export type CallbackResult = ConfirmResult | { status: 'failed'; code: string; message: string };

/** The states a callback may settle (a late or repeated callback for any other is ignored). */
const CALLBACK_SETTLES: DeliveryState[] = ['awaiting_confirmation', 'unconfirmed', 'processing', 'pending'];

/**
 * The hook for outside systems that call back: the module receiving the callback identifies the
 * delivery (by id, or by channel type + the external id the adapter stored) and hands over the result.
 * Idempotent: a callback racing a poll records the publication once; a late or repeated callback is ignored.
 */
export class CallbackConfirmations {
  constructor(
    private readonly ds: DataSource,
    private readonly states: DeliveryStateRepository,
    private readonly contexts: DeliveryContexts,
    private readonly outcomes: OutcomeWriter,
    private readonly metrics: EngineMetrics,
  ) {}

  async confirm(
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
    const event: PendingEvent = { kind: 'callback', call: 'callback', response: JSON.stringify(result).slice(0, 2000) };
    if (result.status === 'published') {
      const snapshot = await this.contexts.snapshot(d.itemVersionId);
      const ok = await this.outcomes.markPublished(d, snapshot, result.externalId, result.externalUrl ?? null, result.publishedAt ?? new Date(), {
        fromStates: CALLBACK_SETTLES,
        events: [event],
      });
      return ok ? 'published' : 'ignored';
    }
    if (result.status === 'pending') {
      await this.states.insertEvents(d.id, [event]);
      return 'pending';
    }
    const failed = await this.states.failFromCallback(d.id, CALLBACK_SETTLES, result.code, result.message, [
      event,
      { kind: 'state', fromState: d.state, toState: 'failed', errorCode: result.code, message: result.message },
    ]);
    if (failed) {
      this.metrics.countOutcome(d.channelType, 'failed');
      await this.outcomes.notifyProblem(d.id, 'delivery_failed');
    }
    return failed ? 'failed' : 'ignored';
  }
}
