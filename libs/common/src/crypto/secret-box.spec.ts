import { SecretBox } from './secret-box';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox('11'.repeat(32));

  it('round-trips and never stores the plain text', () => {
    const sealed = box.sealJson({ appid: 'wx123', secret: '机密的secret' });
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain('wx123');
    expect(box.openJson(sealed)).toEqual({ appid: 'wx123', secret: '机密的secret' });
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('a')).not.toBe(box.seal('a'));
  });

  it('refuses a wrong key or a tampered value', () => {
    const sealed = box.seal('hello');
    expect(() => new SecretBox('22'.repeat(32)).open(sealed)).toThrow();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open('v1:' + raw.toString('base64'))).toThrow();
  });
});
