import { HttpStatus } from '@nestjs/common';
import { AppError } from '@app/common/errors/app-error';
import { verifyWechatSignature } from './wechat-publish';

/**
 * How far a callback's signed timestamp may lie from our clock. The platform signs each push (and each
 * of its retries, seconds apart) with the time of sending, so an honest callback is seconds old; five
 * minutes leaves room for clock drift. A refused callback costs nothing: the delivery's poll confirms.
 */
export const CALLBACK_MAX_SKEW_S = 300;

export interface SignatureQuery {
  signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
}

/**
 * Refuses a callback the WeChat platform cannot have sent, before it costs an outbound call or a write:
 * the platform will not take a server URL without a Token and signs every push with it (sha1 of Token,
 * timestamp, nonce), so an account without a callback Token accepts no callbacks, a missing or wrong
 * signature is refused, and so is a signed one whose timestamp is far from now (a replay of an old push).
 */
export function assertGenuineCallback(callbackToken: string | null, q: SignatureQuery, nowMs = Date.now()): void {
  if (!callbackToken) {
    throw AppError.forbidden('CALLBACK_NOT_CONFIGURED', '该公众号未配置回调 Token（callbackToken），不受理回调');
  }
  if (!verifyWechatSignature(callbackToken, q)) throw AppError.forbidden('CALLBACK_SIGNATURE_INVALID', '微信回调签名校验失败');
  const ts = Number(q.timestamp);
  if (!/^\d{1,12}$/.test(String(q.timestamp)) || Math.abs(nowMs / 1000 - ts) > CALLBACK_MAX_SKEW_S) {
    throw new AppError(HttpStatus.FORBIDDEN, 'CALLBACK_STALE', '微信回调的时间戳与服务器时间相差过大，不予受理', [
      { field: 'timestamp', reason: `与服务器时间相差超过 ${CALLBACK_MAX_SKEW_S} 秒` },
    ]);
  }
}
