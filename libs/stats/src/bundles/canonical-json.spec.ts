import { generateKeyPairSync } from 'crypto';
import { canonicalDigest, canonicalJson } from './canonical-json';
import { keyIdOf, parsePublicKey, rawPublicKey, signText, verifyText } from './ed25519-keys';

describe('canonical JSON and Ed25519 keys of report bundles', () => {
  it('serialises keys sorted, without whitespace or undefined members, whatever the input order', () => {
    expect(canonicalJson({ b: 1, a: [2, 'x', null], c: undefined, d: { z: true, y: 0.5 } })).toBe('{"a":[2,"x",null],"b":1,"d":{"y":0.5,"z":true}}');
    expect(canonicalDigest({ x: 1, y: 2 })).toBe(canonicalDigest(JSON.parse('{ "y": 2, "x": 1 }')));
    expect(canonicalDigest({ x: 1 })).not.toBe(canonicalDigest({ x: 2 }));
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('non-finite');
  });

  it('reads a public key as raw base64, SPKI base64 or PEM, with one key id; refuses other keys', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = rawPublicKey(publicKey);
    const id = keyIdOf(raw);
    expect(parsePublicKey(raw.toString('base64'))?.keyId).toBe(id);
    expect(parsePublicKey(publicKey.export({ format: 'der', type: 'spki' }).toString('base64'))?.keyId).toBe(id);
    expect(parsePublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString())?.keyId).toBe(id);
    expect(parsePublicKey('not a key')).toBeNull();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(parsePublicKey(rsa)).toBeNull();
    const sig = signText('{"a":1}', privateKey);
    expect(verifyText('{"a":1}', sig, parsePublicKey(raw.toString('base64'))!.key)).toBe(true);
    expect(verifyText('{"a":2}', sig, publicKey)).toBe(false);
    expect(verifyText('{"a":1}', 'garbage', publicKey)).toBe(false);
  });
});
