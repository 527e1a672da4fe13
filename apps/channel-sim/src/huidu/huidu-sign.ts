import * as crypto from 'crypto';

/**
 * Huidu HTTP SDK request signature: sign = HMAC-MD5(body + sdkKey + date, sdkSecret) as lowercase
 * hex, where body is the exact request body text ("" for a request without one, e.g. the file API).
 */
export function huiduSign(body: string, sdkKey: string, date: string, sdkSecret: string): string {
  return crypto
    .createHmac('md5', Buffer.from(sdkSecret, 'utf8'))
    .update(Buffer.from(body + sdkKey + date, 'utf8'))
    .digest('hex');
}

/** Constant-time comparison, case-insensitive on the hex digits. */
export function huiduSignMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected.toLowerCase());
  const b = Buffer.from(given.trim().toLowerCase());
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
