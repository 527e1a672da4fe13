import { randomHex } from '../http/sim-http';

/** errmsg texts as the platform words them (a real errmsg also ends with a request id). */
export const WECHAT_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40007: 'invalid media_id',
  40009: 'invalid image size',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40125: 'invalid appsecret',
  40164: 'invalid ip, not in whitelist',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  42001: 'access_token expired',
  44003: 'empty news data',
  44004: 'empty content',
  45002: 'content size out of limit',
  45003: 'title size out of limit',
  45004: 'description size out of limit',
  45005: 'url size out of limit',
  45008: 'article size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  45110: 'author size out of limit',
  45166: 'invalid content',
  47001: 'data format error',
  48001: 'api unauthorized',
  53503: 'draft can not be published, it did not pass the publish check',
  53600: 'Article ID invalid',
};

export function wechatError(errcode: number, detail?: string): { errcode: number; errmsg: string } {
  const base = detail ?? WECHAT_ERRMSG[errcode] ?? 'simulated error';
  return { errcode, errmsg: `${base} rid: ${randomHex(4)}-${randomHex(4)}-${randomHex(4)}` };
}
