import { decryptWechatMessage, encryptWechatMessage, isEncodingAesKey, verifyWechatMsgSignature, WechatCryptoError, wechatMsgSignature } from './wechat-crypto';

/**
 * Vectors from wechatpy's own tests (wechatpy/wechatpy tests/test_crypto.py): the enterprise variant
 * uses the same algorithm with the corp id in the appid's place.
 */
const TOKEN = '123456';
const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const APPID = 'wx49f0ab532d5d035a';

describe('wechat-crypto', () => {
  it('decrypts wechatpy test_decrypt_message and verifies its msg_signature', () => {
    const encrypt =
      'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=';
    expect(
      verifyWechatMsgSignature(TOKEN, { msg_signature: '74d92dfeb87ba7c714f89d98870ae5eb62dff26d', timestamp: '1411525903', nonce: '461056294' }, encrypt),
    ).toBe(true);
    expect(
      verifyWechatMsgSignature(TOKEN, { msg_signature: '74d92dfeb87ba7c714f89d98870ae5eb62dff26d', timestamp: '1411525903', nonce: '461056295' }, encrypt),
    ).toBe(false);
    const { msg, appid } = decryptWechatMessage(KEY, encrypt);
    expect(appid).toBe(APPID);
    expect(msg).toContain('<Content><![CDATA[test]]></Content>');
    expect(msg).toContain('<FromUserName><![CDATA[messense]]></FromUserName>');
  });

  it('encrypts exactly as wechatpy test_encrypt_message (fixed random "1234567890123456")', () => {
    const reply =
      '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n' +
      '<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>';
    const encrypt = encryptWechatMessage(KEY, APPID, reply, Buffer.from('1234567890123456'));
    expect(encrypt).toBe(
      '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3',
    );
    expect(wechatMsgSignature(TOKEN, '1411525903', '461056294', encrypt)).toBe('407518b7649e86ef23978113f92d27afa9296533');
  });

  it('round-trips Chinese text and names the appid; a wrong key does not open it', () => {
    const enc = encryptWechatMessage(KEY, 'wxabc', '<xml><Event><![CDATA[PUBLISHJOBFINISH]]></Event><t>示范县</t></xml>');
    expect(decryptWechatMessage(KEY, enc)).toEqual({ msg: '<xml><Event><![CDATA[PUBLISHJOBFINISH]]></Event><t>示范县</t></xml>', appid: 'wxabc' });
    const other = 'A'.repeat(43);
    expect(() => decryptWechatMessage(other, enc)).toThrow(WechatCryptoError);
    expect(() => decryptWechatMessage(KEY, 'not base64 at all!')).toThrow(WechatCryptoError);
  });

  it('accepts only 43-character alphanumeric EncodingAESKeys', () => {
    expect(isEncodingAesKey(KEY)).toBe(true);
    expect(isEncodingAesKey(KEY.slice(1))).toBe(false);
    expect(isEncodingAesKey(`${KEY.slice(1)}+`)).toBe(false);
    expect(isEncodingAesKey(undefined)).toBe(false);
  });
});
