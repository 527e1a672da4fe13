import { rewriteUploadUrls, uploadKeyOf, uploadKeysIn } from './upload-keys';

const K1 = `2026/11/${'a'.repeat(24)}.png`;
const K2 = `2026/11/${'b'.repeat(24)}.pdf`;

describe('upload keys', () => {
  it('reads the key of a private upload URL and nothing else', () => {
    expect(uploadKeyOf(`/api/v1/uploads/${K1}`)).toBe(K1);
    expect(uploadKeyOf(`/api/v1/uploads/${K1}?x=1#y`)).toBe(K1);
    for (const other of [
      `/site/uploads/${K1}`,
      `http://evil.example/api/v1/uploads/${K1}`,
      '/api/v1/uploads/2026/11/../../../etc/passwd',
      '/api/v1/uploads/2026/11/ab.png',
      '',
      null,
    ]) {
      expect(uploadKeyOf(other)).toBeNull();
    }
  });

  it('finds the keys in a body and rewrites only the chosen ones', () => {
    const html = `<p><img src="/api/v1/uploads/${K1}"><a href='/api/v1/uploads/${K2}'>附件</a> 文字 /api/v1/uploads/${K2}</p>`;
    expect(uploadKeysIn(html)).toEqual([K1, K2]);
    const out = rewriteUploadUrls(html, new Set([K1]), (k) => `https://www.sfx.gov.cn/site/uploads/${k}`);
    expect(out).toBe(`<p><img src="https://www.sfx.gov.cn/site/uploads/${K1}"><a href='/api/v1/uploads/${K2}'>附件</a> 文字 /api/v1/uploads/${K2}</p>`);
  });
});
