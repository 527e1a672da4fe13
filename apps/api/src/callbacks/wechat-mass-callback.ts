import { DataSource } from 'typeorm';
import { componentLogger } from '@app/common/logging/logger';
import { DeliveryRunner } from '@app/channels/engine/delivery-runner.service';
import { massEventOutcome, parseMassEvent } from '@app/channels/wechat/wechat-mass-event';
import type { CallbackOutcome } from './wechat-callback.service';

const log = componentLogger('wechat-mass-callback');

/**
 * MASSSENDJOBFINISH for a 群发 delivery (found by its msg_id in the checkpoint). Called by
 * WechatCallbackService after the signature (and decryption) checks: a genuine event is trusted, as
 * PUBLISHJOBFINISH is. The worker's mass/get poll confirms the same outcome if the event is lost.
 */
export class WechatMassCallback {
  constructor(
    private readonly ds: DataSource,
    private readonly runner: DeliveryRunner,
  ) {}

  private find(accountId: string, msgId: string): Promise<{ id: string }[]> {
    return this.ds.query(
      `SELECT id FROM deliveries WHERE channel_account_id = $1 AND channel_type = 'wechat'
          AND (checkpoint->>'massMsgId' = $2 OR (external_id = $2 AND checkpoint->>'publishMode' = 'mass')) ORDER BY created_at DESC LIMIT 1`,
      [accountId, msgId],
    );
  }

  async receive(accountId: string, xml: string): Promise<CallbackOutcome> {
    const event = parseMassEvent(xml);
    if (!event) return 'ignored';
    let rows = await this.find(accountId, event.msgId);
    if (!rows[0]) {
      // a quick job can end before the worker has written the msg_id down: look once more
      await new Promise((r) => setTimeout(r, 1000));
      rows = await this.find(accountId, event.msgId);
    }
    if (!rows[0]) {
      log.info({ accountId, msgId: event.msgId }, 'mass event for no known delivery (sent by hand or by another system)');
      return 'ignored';
    }
    const result = massEventOutcome(event);
    if (result.status === 'failed') {
      // the same mark confirm() leaves (wechat-mass.ts): an operator's retry may then send anew
      await this.ds.query(`UPDATE deliveries SET checkpoint = checkpoint || jsonb_build_object('massFailedMsgId', $2::text) WHERE id = $1 AND checkpoint->>'massMsgId' = $2`, [rows[0].id, event.msgId]);
    }
    const outcome = await this.runner.confirmFromCallback({ deliveryId: rows[0].id }, result);
    log.info({ accountId, msgId: event.msgId, status: event.status, sent: event.sentCount, errors: event.errorCount, deliveryId: rows[0].id, outcome }, 'mass event applied');
    return outcome;
  }
}
