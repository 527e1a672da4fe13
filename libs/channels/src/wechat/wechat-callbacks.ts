import { AppError } from '@app/common/errors/app-error';
import { AdapterAccount, CallbackEvent, ChannelCallbacks, ChannelError } from '../channel-adapter';
import { assertGenuineCallback, SignatureQuery } from './wechat-callback-guard';
import { EncryptedQuery, openWechatCallback } from './wechat-callback-crypto';
import { massEventOutcome, parseMassEvent } from './wechat-mass-event';
import { parseWechatEvent, publishOutcome, PUBLISH_EVENTS, verifyWechatSignature } from './wechat-publish';

type Query = SignatureQuery & EncryptedQuery;

function callbackToken(account: AdapterAccount): string | null {
  const t = account.credentials.callbackToken ?? account.settings.callbackToken;
  return typeof t === 'string' && t ? t : null;
}

/**
 * The account's server URL on the WeChat platform (plaintext, compatible or safe mode; the last two
 * need the account's encodingAesKey). PUBLISHJOBFINISH / FREEPUBLISHJOBFINISH confirm a publication
 * (found by its publish_id), MASSSENDJOBFINISH a 群发 (by its msg_id) without waiting for the next poll.
 * Only a callback signed with the account's callback Token and freshly timestamped is read at all
 * (wechat-callback-guard.ts); anything else is refused before any write, and the delivery's poll
 * confirms as before.
 */
export const WECHAT_CALLBACKS: ChannelCallbacks = {
  // WeChat only wants a quick "success" (anything else makes it retry).
  reply: 'success',

  verify(account, q: SignatureQuery) {
    const token = callbackToken(account);
    if (!token || !verifyWechatSignature(token, q)) throw AppError.forbidden('CALLBACK_SIGNATURE_INVALID', '微信回调签名校验失败');
    return String(q.echostr ?? '');
  },

  parse(account, q: Query, xml): CallbackEvent {
    const token = callbackToken(account);
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
    if (event.event === 'MASSSENDJOBFINISH') {
      // 群发: the same mark confirm() leaves on a failure (wechat-mass.ts), so an operator's retry may send anew
      const mass = parseMassEvent(message);
      if (!mass) return { kind: 'ignored' };
      const result = massEventOutcome(mass);
      return {
        kind: 'outcome',
        ref: `msg_id ${mass.msgId}`,
        match: [{ checkpoint: { massMsgId: mass.msgId } }, { externalId: mass.msgId, checkpoint: { publishMode: 'mass' } }],
        result,
        failedCheckpoint: { massFailedMsgId: mass.msgId },
      };
    }
    if (!PUBLISH_EVENTS.has(event.event) || !event.info?.publishId) return { kind: 'ignored' };
    const publishId = event.info.publishId;
    let result;
    try {
      result = publishOutcome(event.info);
    } catch (e) {
      if (!(e instanceof ChannelError) || e.kind !== 'permanent') throw e;
      result = { status: 'failed' as const, code: e.code, message: e.message };
    }
    return { kind: 'outcome', ref: `publish_id ${publishId}`, match: [{ checkpoint: { publishId } }, { externalId: publishId }], result };
  },
};
