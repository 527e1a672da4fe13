import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'crypto';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Raw 32-byte Ed25519 public key of a KeyObject. */
export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** Key id: "ed25519:" + the first 32 hex digits of the sha-256 of the raw public key. */
export function keyIdOf(raw: Buffer): string {
  return `ed25519:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
}

/**
 * A public key as an administrator pastes it: base64 of the raw 32 bytes, base64 of the SPKI DER, or a
 * PEM "PUBLIC KEY" block. Null when it is none of these or not an Ed25519 key.
 */
export function parsePublicKey(text: string): { key: KeyObject; raw: Buffer; keyId: string } | null {
  const s = text.trim();
  try {
    let key: KeyObject;
    if (s.startsWith('-----BEGIN')) key = createPublicKey(s);
    else {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return null;
      const bytes = Buffer.from(s, 'base64');
      const der = bytes.length === 32 ? Buffer.concat([SPKI_PREFIX, bytes]) : bytes;
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
    if (key.asymmetricKeyType !== 'ed25519') return null;
    const raw = rawPublicKey(key);
    return { key, raw, keyId: keyIdOf(raw) };
  } catch {
    return null;
  }
}

export function privateKeyFromPkcs8(base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'pkcs8' });
}

export function signText(text: string, key: KeyObject): string {
  return sign(null, Buffer.from(text, 'utf8'), key).toString('base64');
}

export function verifyText(text: string, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
