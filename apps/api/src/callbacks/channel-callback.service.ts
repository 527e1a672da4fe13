import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { componentLogger } from '@app/common/logging/logger';
import type { AdapterAccount, CallbackEvent, ChannelCallbacks } from '@app/channels/channel-adapter';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { DeliveryRunner } from '@app/channels/engine/delivery-runner.service';

type Query = Record<string, string | undefined>;
type Match = Extract<CallbackEvent, { kind: 'outcome' }>['match'][number];

/**
 * Callbacks of every channel that declares them (ChannelAdapter.callbacks): the channel checks and
 * parses the platform's request; this finds the delivery it is about and lets the engine apply the
 * outcome. Knows no channel.
 */
@Injectable()
export class ChannelCallbackService {
  private readonly log = componentLogger('channel-callback');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    private readonly runner: DeliveryRunner,
  ) {}

  private async target(type: string, accountId: string): Promise<{ callbacks: ChannelCallbacks; account: AdapterAccount }> {
    const callbacks = this.registry.has(type) ? this.registry.get(type).callbacks : undefined;
    if (!callbacks || !isUuid(accountId)) throw AppError.notFound('渠道账号', accountId);
    const loaded = await this.accounts.load(accountId).catch(() => null);
    if (!loaded || loaded.row.channelType !== type) throw AppError.notFound(`${this.registry.get(type).capabilities.label}账号`, accountId);
    return { callbacks, account: loaded.account };
  }

  /** GET: the platform checks the URL. */
  async verify(type: string, accountId: string, q: Query): Promise<string> {
    const { callbacks, account } = await this.target(type, accountId);
    if (!callbacks.verify) throw AppError.notFound('回调地址', accountId);
    return callbacks.verify(account, q);
  }

  /** POST: an event; answers what the platform expects. */
  async receive(type: string, accountId: string, q: Query, body: string): Promise<string> {
    const { callbacks, account } = await this.target(type, accountId);
    const event = callbacks.parse(account, q, body);
    if (event.kind === 'ignored') return callbacks.reply;
    let id = await this.find(type, accountId, event.match);
    if (!id) {
      // A quick job can finish before the worker has written the platform's id down: look once more.
      await new Promise((r) => setTimeout(r, 1000));
      id = await this.find(type, accountId, event.match);
    }
    if (!id) {
      // Published by hand in the platform's console, or by another system: not ours to record.
      this.log.info({ type, accountId, ref: event.ref }, 'callback for no known delivery');
      return callbacks.reply;
    }
    if (event.result.status === 'failed' && event.failedCheckpoint) {
      const guard = Object.entries(event.match[0].checkpoint ?? {});
      await this.ds.query(
        `UPDATE deliveries SET checkpoint = checkpoint || $2::jsonb WHERE id = $1${guard.map((_, i) => ` AND checkpoint->>$${3 + 2 * i} = $${4 + 2 * i}`).join('')}`,
        [id, JSON.stringify(event.failedCheckpoint), ...guard.flat()],
      );
    }
    const outcome = await this.runner.confirmFromCallback({ deliveryId: id }, event.result);
    this.log.info({ type, accountId, ref: event.ref, deliveryId: id, outcome }, 'callback applied');
    return callbacks.reply;
  }

  /** The newest delivery of the account that one of the rules matches. */
  private async find(type: string, accountId: string, rules: Match[]): Promise<string | null> {
    for (const rule of rules) {
      const params: unknown[] = [accountId, type];
      const where = Object.entries(rule.checkpoint ?? {}).map(([k, v]) => `checkpoint->>$${params.push(k)} = $${params.push(v)}`);
      if (rule.externalId !== undefined) where.push(`external_id = $${params.push(rule.externalId)}`);
      if (!where.length) continue;
      const rows: { id: string }[] = await this.ds.query(
        `SELECT id FROM deliveries WHERE channel_account_id = $1 AND channel_type = $2 AND ${where.join(' AND ')} ORDER BY created_at DESC LIMIT 1`,
        params,
      );
      if (rows[0]) return rows[0].id;
    }
    return null;
  }
}
