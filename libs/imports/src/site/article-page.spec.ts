import { parseArticlePage } from './article-page';
import { decodeText } from './html-decode';
import { articleOf, parseChineseDate } from './imported-article';
import { RobotsRules } from './robots';

describe('reading an old article page', () => {
  const page = (table: string, body = '<p>正文内容，共十个字以上。</p>') =>
    `<html><head><meta name="ArticleTitle" content="关于某事的通知"><meta name="PubDate" content="2022年3月5日 14:20">
     <meta name="ColumnName" content="政策解读"><meta name="ContentSource" content="县政府办"></head>
     <body>${table}<div class="nav">首页</div><div id="UCAP-CONTENT">${body}</div></body></html>`;

  it('reads label/value cells with odd spacing and "标签：值" cells', () => {
    const a = parseArticlePage(
      page(`<table><tr><td>索 引 号：</td><td>ABC-2022-01</td><td>文&nbsp;&nbsp;号</td><td>县政发〔2022〕1号</td></tr>
            <tr><td>发布机构：县政府办</td><td>成文日期：2022-03-01</td><td>有 效 性</td><td>有效</td></tr></table>`),
      'http://old.example/a.html',
    );
    expect(a.catalogue).toEqual({ 索引号: 'ABC-2022-01', 文号: '县政发〔2022〕1号', 发布机构: '县政府办', 成文日期: '2022-03-01', 有效性: '有效' });
    expect(a.bodyHtml).toContain('正文内容');
    const it = articleOf(a);
    expect(it).toMatchObject({ kind: 'interpretation', publishDate: '2022-03-05', writtenDate: '2022-03-01', publishedAt: '2022-03-05T06:20:00.000Z' });
  });

  it('falls back to the largest text block, and reports a page without a date', () => {
    const html = `<html><head><meta name="ArticleTitle" content="标题"></head><body><div>短</div><div><p>这是一段很长很长的正文内容。</p><p>第二段。</p></div></body></html>`;
    const a = parseArticlePage(html, 'http://old.example/b.html');
    expect(a.bodyHtml).toContain('第二段');
    expect(articleOf(a)).toEqual({ problem: expect.stringContaining('PubDate') });
  });

  it('decodes GBK pages and Chinese dates', () => {
    const gbk = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]); // 你好 in GBK
    expect(decodeText(gbk, 'text/html; charset=gb2312')).toBe('你好');
    expect(parseChineseDate('2023/12/31')?.toISOString()).toBe('2023-12-30T16:00:00.000Z');
    expect(parseChineseDate('2023-02-30')).toBeNull();
  });

  it('honours robots.txt Disallow for *, with Allow overriding a shorter Disallow', () => {
    const r = RobotsRules.parse('User-agent: Baiduspider\nDisallow: /\n\nUser-agent: *\nDisallow: /private/\nAllow: /private/open/\nDisallow: /*.pdf$\n');
    expect(r.allows('http://x/zwgk/a.html')).toBe(true);
    expect(r.allows('http://x/private/a.html')).toBe(false);
    expect(r.allows('http://x/private/open/a.html')).toBe(true);
    expect(r.allows('http://x/files/a.pdf')).toBe(false);
  });
});
