import { defaultDigest, htmlToText, isValidCrop, isWechatImageUrl, stripForeignImages } from './wechat-content';

describe('stripForeignImages', () => {
  it('keeps WeChat CDN images and drops every other image', () => {
    const html =
      '<p>甲</p><img src="http://mmbiz.qpic.cn/sim/abc" alt="a"><img alt="b" src=\'https://example.com/x.png\'>' +
      '<IMG SRC=http://127.0.0.1/p.jpg><img data-src="http://mmbiz.qpic.cn/x"><p>乙</p>';
    const r = stripForeignImages(html);
    expect(r.stripped).toBe(3);
    expect(r.kept).toEqual(['http://mmbiz.qpic.cn/sim/abc']);
    expect(r.html).toBe('<p>甲</p><img src="http://mmbiz.qpic.cn/sim/abc" alt="a"><p>乙</p>');
  });

  it('does not take a look-alike host for the CDN', () => {
    expect(isWechatImageUrl('http://mmbiz.qpic.cn.evil.com/a')).toBe(false);
    expect(isWechatImageUrl('https://mmbiz.qpic.cn/mmbiz_png/x/0')).toBe(true);
  });
});

describe('digest and text', () => {
  it('takes the first 54 characters of the text as the default digest', () => {
    const html = '<p>' + '政'.repeat(60) + '</p>';
    expect(Array.from(defaultDigest(html))).toHaveLength(54);
    expect(htmlToText('<p>a&amp;b</p><script>x</script><br>c')).toBe('a&b\n\nc');
  });
});

describe('isValidCrop', () => {
  it('wants four normalised coordinates with up to 6 decimals', () => {
    expect(isValidCrop('0_0_1_1')).toBe(true);
    expect(isValidCrop('0.1945_0_1_0.5236')).toBe(true);
    expect(isValidCrop('0.1234567_0_1_1')).toBe(false);
    expect(isValidCrop('0_0_1.2_1')).toBe(false);
    expect(isValidCrop('0_0_1')).toBe(false);
  });
});
