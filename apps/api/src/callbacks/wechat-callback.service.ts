import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelError } from '@app/channels/channel-adapter';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { CallbackResult, DeliveryRunner } from '@app/channels/engine/delivery-runner.service';
import { WechatAdapter } from '@app/channels/wechat/wechat.adapter';
import { parseWechatEvent, publishOutcome, PUBLISH_EVENTS, verifyWechatSignature } from '@app/channels/wechat/wechat-publish';
import { isUuid } from '@app/common/ids/is-uuid';

export interface SignatureQuery {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
}

export type CallbackOutcome = 'published' | 'failed' | 'pending' | 'ignored';

/**
 * The account's server URL on the WeChat platform: PUBLISHJOBFINISH / FREEPUBLISHJOBFINISH events
 * confirm a publication without waiting for the next poll. An event is trusted as it stands only when
 * the account has a callback Token and the signature matches; an unsigned event is only a hint, and
 * the outcome is asked of the platform (freepublish/get), so a forged request cannot publish anything.
 */
@Injectable()
export class WechatCallbackService {
  private readonly log = componentLogger('wechat-callback');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly accounts: AccountStore,
    private readonly runner: DeliveryRunner,
    private readonly wechat: WechatAdapter,
  ) {}

  private async account(accountId: string) {
    if (!isUuid(accountId)) throw AppError.notFound('渠道账号', accountId);
    const loaded = await this.accounts.load(accountId).catch(() => null);
    if (!loaded || loaded.row.channelType !== 'wechat') throw AppError.notFound('微信公众号账号', accountId);
    return loaded.account;
  }

  private callbackToken(account: { settings: Record<string, any>; credentials: Record<string, any> }): string | null {
    const t = account.credentials.callbackToken ?? account.settings.callbackToken;
    return typeof t === 'string' && t ? t : null;
  }

  private findDelivery(accountId: string, publishId: string): Promise<{ id: string }[]> {
    return this.ds.query(
      `SELECT id FROM deliveries WHERE channel_account_id = $1 AND channel_type = 'wechat'
          AND (checkpoint->>'publishId' = $2 OR external_id = $2) ORDER BY created_at DESC LIMIT 1`,
      [accountId, publishId],
    );
  }

  /** GET: the platform checks the URL when it is configured, and expects echostr back. */
  async verifyUrl(accountId: string, q: SignatureQuery): Promise<string> {
    const account = await this.account(accountId);
    const token = this.callbackToken(account);
    if (!token || !verifyWechatSignature(token, q)) throw AppError.forbidden('CALLBACK_SIGNATURE_INVALID', '微信回调签名校验失败');
    return String(q.echostr ?? '');
  }

  async receive(accountId: string, q: SignatureQuery, xml: string): Promise<CallbackOutcome> {
    const account = await this.account(accountId);
    const token = this.callbackToken(account);
    const signed = !!token && verifyWechatSignature(token, q);
    if (token && !signed) throw AppError.forbidden('CALLBACK_SIGNATURE_INVALID', '微信回调签名校验失败');
    let event;
    try {
      event = parseWechatEvent(xml);
    } catch (e) {
      throw AppError.badRequest('CALLBACK_BODY_INVALID', `无法解析微信回调内容：${(e as Error).message}`);
    }
    if (!PUBLISH_EVENTS.has(event.event) || !event.info?.publishId) return 'ignored';
    const publishId = event.info.publishId;
    let rows = await this.findDelivery(accountId, publishId);
    if (!rows[0]) {
      // A quick job can finish before the worker has written the publish_id down: look once more.
      await new Promise((r) => setTimeout(r, 1000));
      rows = await this.findDelivery(accountId, publishId);
    }
    if (!rows[0]) {
      // Published by hand in the platform's console, or by another system: not ours to record.
      this.log.info({ accountId, publishId }, 'publish event for no known delivery');
      return 'ignored';
    }
    let result: CallbackResult;
    try {
      result = signed ? publishOutcome(event.info) : await this.wechat.publishOutcomeFor(account, publishId);
    } catch (e) {
      if (!(e instanceof ChannelError) || e.kind !== 'permanent') throw e;
      result = { status: 'failed', code: e.code, message: e.message };
    }
    const outcome = await this.runner.confirmFromCallback({ deliveryId: rows[0].id }, result);
    this.log.info({ accountId, publishId, deliveryId: rows[0].id, signed, outcome }, 'publish event applied');
    return outcome;
  }
}
