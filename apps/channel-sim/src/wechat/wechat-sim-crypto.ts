import * as crypto from 'crypto';

/**
 * The simulator's own implementation of the callback encryption (kept apart from the product's
 * libs/channels/src/wechat/wechat-crypto.ts so that a mistake in one is caught by the other), written
 * from the platform's page https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.md
 * and wechatpy/wechatpy wechatpy/crypto/base.py (random 16 + htonl(len) + msg + appid; PKCS#7 to 32,
 * wechatpy/crypto/pkcs7.py) and wechatpy/crypto/__init__.py (key = b64decode(EncodingAESKey + '='),
 * IV = key[:16], signature over token, timestamp, nonce, Encrypt).
 */
export function simEncrypt(encodingAesKey: string, appid: string, xml: string): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must decode to 32 bytes');
  const msg = Buffer.from(xml, 'utf8');
  const head = Buffer.alloc(20);
  crypto.randomBytes(16).copy(head, 0);
  head.writeUInt32BE(msg.length, 16);
  const text = Buffer.concat([head, msg, Buffer.from(appid, 'utf8')]);
  const amount = 32 - (text.length % 32);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([text, Buffer.alloc(amount, amount)])), cipher.final()]).toString('base64');
}

export function simMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return crypto.createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export function simDecrypt(encodingAesKey: string, encrypt: string): { xml: string; appid: string } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = crypto.createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const text = plain.subarray(0, plain.length - plain[plain.length - 1]);
  const len = text.readUInt32BE(16);
  return { xml: text.subarray(20, 20 + len).toString('utf8'), appid: text.subarray(20 + len).toString('utf8') };
}
