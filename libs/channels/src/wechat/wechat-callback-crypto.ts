import { XMLParser } from 'fast-xml-parser';
import { AppError } from '@app/common/errors/app-error';
import { decryptWechatMessage, isEncodingAesKey, verifyWechatMsgSignature, WechatCryptoError } from './wechat-crypto';

export interface EncryptedQuery {
  timestamp?: string;
  nonce?: string;
  encrypt_type?: string;
  msg_signature?: string;
}

export interface CallbackKeys {
  appid: string;
  callbackToken: string;
  /** current and previous EncodingAESKey (the platform's FAQ: keep the previous one while rotating) */
  aesKeys: string[];
}

const outer = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true, processEntities: false });

/**
 * The event XML of a push in any of the three modes
 * (https://developers.weixin.qq.com/doc/subscription/guide/dev/push/encryption.md):
 * - 明文: the body as is — unless the account has an EncodingAESKey: then the platform is in 兼容 or 安全
 *   mode and always adds <Encrypt>, so an unencrypted body (whose content no signature covers) is refused;
 * - 兼容 (plain fields + <Encrypt>) and 安全 (<Encrypt> only): msg_signature over token, timestamp, nonce
 *   and Encrypt is verified, the message decrypted (current key, then the previous one) and its appid
 *   compared with the account's; the decrypted message is what is read, never the plain copy.
 * Every refusal is a 400 before anything is asked of the platform or written.
 */
export function openWechatCallback(keys: CallbackKeys, q: EncryptedQuery, xml: string): string {
  let encrypt: unknown;
  try {
    encrypt = outer.parse(xml)?.xml?.Encrypt;
  } catch (e) {
    throw AppError.badRequest('CALLBACK_BODY_INVALID', `无法解析微信回调内容：${(e as Error).message}`);
  }
  const encrypted = q.encrypt_type === 'aes' || encrypt !== undefined;
  const aesKeys = keys.aesKeys.filter((k) => isEncodingAesKey(k));
  if (!encrypted) {
    if (aesKeys.length) {
      throw AppError.badRequest('CALLBACK_PLAINTEXT_REFUSED', '该公众号已配置 EncodingAESKey，只受理兼容模式或安全模式的加密推送', [
        { field: 'encrypt_type', reason: 'missing: the account expects encrypted pushes' },
      ]);
    }
    return xml;
  }
  if (typeof encrypt !== 'string' || !encrypt) {
    throw AppError.badRequest('CALLBACK_BODY_INVALID', '微信回调声明了加密（encrypt_type=aes），但内容中没有 Encrypt', [
      { field: 'Encrypt', reason: 'missing' },
    ]);
  }
  if (!aesKeys.length) {
    throw AppError.badRequest(
      'CALLBACK_AES_KEY_MISSING',
      '收到加密的微信回调，但该公众号未配置 EncodingAESKey：请在渠道账号凭据中填写公众平台“服务器配置”里的消息加解密密钥',
      [{ field: 'credentials.encodingAesKey', reason: 'required for compatible and safe mode' }],
    );
  }
  if (!verifyWechatMsgSignature(keys.callbackToken, q, encrypt)) {
    throw AppError.badRequest('CALLBACK_MSG_SIGNATURE_INVALID', '微信回调的消息签名（msg_signature）校验失败', [
      { field: 'msg_signature', reason: 'does not match Token, timestamp, nonce and Encrypt' },
    ]);
  }
  for (const key of aesKeys) {
    let opened: { msg: string; appid: string };
    try {
      opened = decryptWechatMessage(key, encrypt);
    } catch (e) {
      if (e instanceof WechatCryptoError) continue;
      throw e;
    }
    if (opened.appid !== keys.appid) {
      throw AppError.badRequest('CALLBACK_APPID_MISMATCH', '微信回调的消息属于另一个公众号（AppID 不符），不予受理', [
        { field: 'Encrypt', reason: 'appid differs from the account' },
      ]);
    }
    return opened.msg;
  }
  throw AppError.badRequest('CALLBACK_DECRYPT_FAILED', '无法解密微信回调：EncodingAESKey 与公众平台的不一致', [
    { field: 'credentials.encodingAesKey', reason: 'does not open the message' },
  ]);
}
