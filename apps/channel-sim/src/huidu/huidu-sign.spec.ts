import * as crypto from 'crypto';
import { huiduSign, huiduSignMatches } from './huidu-sign';

describe('huiduSign', () => {
  it('is HMAC-MD5 over body + sdkKey + date keyed with the secret', () => {
    const body = '{"method":"getAll","data":[]}';
    const expected = crypto
      .createHmac('md5', 'sec')
      .update(body + 'key1' + 'Wed, 09 Aug 2023 07:27:44 GMT')
      .digest('hex');
    expect(huiduSign(body, 'key1', 'Wed, 09 Aug 2023 07:27:44 GMT', 'sec')).toBe(expected);
  });

  it('matches a known RFC 2202 HMAC-MD5 vector', () => {
    // key = "Jefe", data = "what do ya want for nothing?"
    expect(huiduSign('what do ya want ', 'for nothing', '?', 'Jefe')).toBe('750c783e6ab0b503eaa86e310a5db738');
  });

  it('changes with any of its inputs', () => {
    const s = huiduSign('{}', 'k', 'd', 's');
    expect(huiduSign('{ }', 'k', 'd', 's')).not.toBe(s);
    expect(huiduSign('{}', 'k2', 'd', 's')).not.toBe(s);
    expect(huiduSign('{}', 'k', 'd2', 's')).not.toBe(s);
    expect(huiduSign('{}', 'k', 'd', 's2')).not.toBe(s);
  });

  it('hashes Chinese text as UTF-8', () => {
    const body = '{"name":"节目1"}';
    expect(huiduSign(body, 'k', 'd', 's')).toBe(
      crypto
        .createHmac('md5', 's')
        .update(Buffer.from(body + 'kd', 'utf8'))
        .digest('hex'),
    );
  });
});

describe('huiduSignMatches', () => {
  it('accepts upper-case hex and rejects anything else', () => {
    const s = huiduSign('{}', 'k', 'd', 's');
    expect(huiduSignMatches(s, s.toUpperCase())).toBe(true);
    expect(huiduSignMatches(s, undefined)).toBe(false);
    expect(huiduSignMatches(s, s.slice(1))).toBe(false);
    expect(huiduSignMatches(s, '0'.repeat(32))).toBe(false);
  });
});
