import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelError } from '@app/channels/channel-adapter';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { CallbackResult, DeliveryRunner } from '@app/channels/engine/delivery-runner.service';
import { parseWechatEvent, publishOutcome, PUBLISH_EVENTS, verifyWechatSignature } from '@app/channels/wechat/wechat-publish';
import { isUuid } from '@app/common/ids/is-uuid';
import { assertGenuineCallback, SignatureQuery } from './wechat-callback-guard';
import { EncryptedQuery, openWechatCallback } from './wechat-callback-crypto';
import { WechatMassCallback } from './wechat-mass-callback';

export type { SignatureQuery };

export type CallbackOutcome = 'published' | 'failed' | 'pending' | 'ignored';

/**
 * The account's server URL on the WeChat platform: PUBLISHJOBFINISH / FREEPUBLISHJOBFINISH events
 * confirm a publication without waiting for the next poll. Only a callback signed with the account's
 * callback Token and freshly timestamped is read at all (wechat-callback-guard.ts); anything else is
 * refused before any outbound call or write, and the delivery's poll confirms as before.
 */
@Injectable()
export class WechatCallbackService {
  private readonly log = componentLogger('wechat-callback');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly accounts: AccountStore,
    private readonly runner: DeliveryRunner,
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

  async receive(accountId: string, q: SignatureQuery & EncryptedQuery, xml: string): Promise<CallbackOutcome> {
    const account = await this.account(accountId);
    const token = this.callbackToken(account);
    assertGenuineCallback(token, q);
    // compatible / safe mode: msg_signature, AES-256-CBC and the appid (wechat-callback-crypto.ts)
    const aesKeys = [account.credentials.encodingAesKey, account.credentials.previousEncodingAesKey].filter((k): k is string => typeof k === 'string' && !!k);
    const message = openWechatCallback({ appid: String(account.credentials.appid ?? account.settings.appid ?? ''), callbackToken: token!, aesKeys }, q, xml);
    let event;
    try {
      event = parseWechatEvent(message);
    } catch (e) {
      throw AppError.badRequest('CALLBACK_BODY_INVALID', `无法解析微信回调内容：${(e as Error).message}`);
    }
    if (event.event === 'MASSSENDJOBFINISH') return new WechatMassCallback(this.ds, this.runner).receive(accountId, message); // 群发 (wechat-mass-callback.ts)
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
      result = publishOutcome(event.info);
    } catch (e) {
      if (!(e instanceof ChannelError) || e.kind !== 'permanent') throw e;
      result = { status: 'failed', code: e.code, message: e.message };
    }
    const outcome = await this.runner.confirmFromCallback({ deliveryId: rows[0].id }, result);
    this.log.info({ accountId, publishId, deliveryId: rows[0].id, outcome }, 'publish event applied');
    return outcome;
  }
}
