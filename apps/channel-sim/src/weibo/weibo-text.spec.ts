import { extractUrls, hasSafeDomainUrl, hasTopic, hostOnDomains, shortLink, weiboDate, weiboLength, withShortLinks } from './weibo-text';

describe('weiboLength', () => {
  it('counts a Chinese character as 1', () => {
    expect(weiboLength('政务公开')).toBe(4);
  });

  it('counts two ASCII characters as 1, rounding up', () => {
    expect(weiboLength('ab')).toBe(1);
    expect(weiboLength('abc')).toBe(2);
    expect(weiboLength('')).toBe(0);
  });

  it('adds both kinds', () => {
    // 4 CJK + "http://a.cn" (11 ASCII -> 6)
    expect(weiboLength('县政府令http://a.cn')).toBe(10);
  });

  it('treats emoji and full-width punctuation as one character each', () => {
    expect(weiboLength('好！😀')).toBe(3);
  });

  it('puts the limit between 140 and 141', () => {
    expect(weiboLength('字'.repeat(140))).toBe(140);
    expect(weiboLength('字'.repeat(139) + 'ab')).toBe(140);
    expect(weiboLength('字'.repeat(139) + 'abc')).toBe(141);
  });
});

describe('safe domains', () => {
  it('finds URLs and stops at full-width punctuation', () => {
    expect(extractUrls('详见http://127.0.0.1:8080/a/1.html，欢迎查阅')).toEqual(['http://127.0.0.1:8080/a/1.html']);
  });

  it('accepts the domain and its subdomains only', () => {
    expect(hostOnDomains('www.gov.cn', ['gov.cn'])).toBe(true);
    expect(hostOnDomains('gov.cn', ['gov.cn'])).toBe(true);
    expect(hostOnDomains('evilgov.cn', ['gov.cn'])).toBe(false);
  });

  it('needs at least one URL on a bound domain', () => {
    expect(hasSafeDomainUrl('通知 http://example.com/x', ['127.0.0.1'])).toBe(false);
    expect(hasSafeDomainUrl('通知 http://example.com/x http://127.0.0.1:4000/p', ['127.0.0.1'])).toBe(true);
    expect(hasSafeDomainUrl('没有链接', ['127.0.0.1'])).toBe(false);
  });
});

describe('weiboDate', () => {
  it('formats in Beijing time like the API', () => {
    expect(weiboDate(Date.UTC(2011, 4, 31, 9, 46, 55))).toBe('Tue May 31 17:46:55 +0800 2011');
  });
});

describe('t.cn links and topics, as Weibo treats them', () => {
  it('shows every URL as a t.cn link, the same URL as the same link', () => {
    const a = withShortLinks('一 http://127.0.0.1:4000/a.html，二 https://www.gov.cn/x');
    expect(a).toMatch(/^一 http:\/\/t\.cn\/[0-9A-Za-z]{7}，二 http:\/\/t\.cn\/[0-9A-Za-z]{7}$/);
    expect(shortLink('http://127.0.0.1:4000/a.html')).toBe(a.slice(2, 2 + 19));
    expect(shortLink('http://127.0.0.1:4000/a.html')).not.toBe(shortLink('http://127.0.0.1:4000/b.html'));
  });
  it('a topic is text between two half-width #; a single #, ＃ or a URL fragment is not', () => {
    expect(hasTopic('#示范县发布# 通知')).toBe(true);
    expect(hasTopic('第#3号')).toBe(false);
    expect(hasTopic('＃示范县发布＃')).toBe(false);
    expect(hasTopic('见 http://127.0.0.1/a#x 与 http://127.0.0.1/b#y')).toBe(false);
  });
});
