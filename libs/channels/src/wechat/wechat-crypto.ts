import * as crypto from 'crypto';

/**
 * The message encryption of the official account's server URL in 兼容 (compatible) and 安全 (safe)
 * mode, as the platform documents it (https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.md)
 * and the SDKs implement it (wechatpy/wechatpy wechatpy/crypto/__init__.py + base.py + pkcs7.py;
 * binarywang/WxJava weixin-java-common/.../util/crypto/WxCryptUtil.java):
 *
 * - EncodingAESKey: 43 characters of [a-zA-Z0-9]; AESKey = Base64_Decode(EncodingAESKey + "=") (32 bytes);
 * - AES-256-CBC without cipher padding, IV = AESKey[0..16);
 * - plaintext = random(16 bytes) + msg_len (4 bytes, network order) + msg + appid, then PKCS#7 padding to
 *   a multiple of 32 bytes (not 16);
 * - msg_signature = sha1(sort([token, timestamp, nonce, Encrypt]).join('')).
 *
 * WxJava skips the appid comparison ("暂时忽略这段判断"); wechatpy raises InvalidAppIdException. We
 * check it (stricter reading): a message encrypted for another account is not ours.
 */

export const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const BLOCK = 32;

export class WechatCryptoError extends Error {
  constructor(
    readonly code: 'AES_KEY_INVALID' | 'DECRYPT_FAILED' | 'APPID_MISMATCH',
    message: string,
  ) {
    super(message);
  }
}

export function isEncodingAesKey(v: unknown): v is string {
  return typeof v === 'string' && ENCODING_AES_KEY.test(v) && Buffer.from(`${v}=`, 'base64').length === 32;
}

function aesKey(encodingAesKey: string): Buffer {
  if (!isEncodingAesKey(encodingAesKey)) throw new WechatCryptoError('AES_KEY_INVALID', 'EncodingAESKey must be 43 characters of a-z, A-Z, 0-9');
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/** sha1 of the four values sorted lexicographically and joined (wechatpy `_get_signature`). */
export function wechatMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return crypto.createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export function verifyWechatMsgSignature(token: string, q: { msg_signature?: string; timestamp?: string; nonce?: string }, encrypt: string): boolean {
  if (!q.msg_signature || !q.timestamp || !q.nonce) return false;
  const expected = Buffer.from(wechatMsgSignature(token, String(q.timestamp), String(q.nonce), encrypt));
  const given = Buffer.from(String(q.msg_signature).toLowerCase());
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

/** Base64 `Encrypt` value of `msg` for `appid` (random: 16 bytes, for tests only). */
export function encryptWechatMessage(encodingAesKey: string, appid: string, msg: string, random: Buffer = crypto.randomBytes(16)): string {
  const key = aesKey(encodingAesKey);
  const body = Buffer.from(msg, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length, 0);
  const plain = Buffer.concat([random.subarray(0, 16), len, body, Buffer.from(appid, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** The message inside `encrypt` and the appid it was encrypted for; throws WechatCryptoError. */
export function decryptWechatMessage(encodingAesKey: string, encrypt: string): { msg: string; appid: string } {
  const key = aesKey(encodingAesKey);
  let plain: Buffer;
  try {
    const data = Buffer.from(encrypt, 'base64');
    if (!data.length || data.length % 16 !== 0) throw new Error('ciphertext length');
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new WechatCryptoError('DECRYPT_FAILED', 'cannot decrypt the message');
  }
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new WechatCryptoError('DECRYPT_FAILED', 'bad padding (wrong EncodingAESKey?)');
  }
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw new WechatCryptoError('DECRYPT_FAILED', 'message too short');
  const len = content.readUInt32BE(16);
  if (20 + len > content.length) throw new WechatCryptoError('DECRYPT_FAILED', 'bad message length (wrong EncodingAESKey?)');
  return { msg: content.subarray(20, 20 + len).toString('utf8'), appid: content.subarray(20 + len).toString('utf8') };
}
