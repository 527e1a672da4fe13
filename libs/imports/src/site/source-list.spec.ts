import { readSourceList } from './source-list';

const res = (url: string, body: string, contentType = 'application/xml') => ({ url, data: Buffer.from(body), contentType, status: 200 });

/** What an import can be pointed at (issue 18.1): sitemaps, sitemap indexes, RSS and Atom feeds, column pages. */
describe('readSourceList', () => {
  it('reads an Atom feed: its entries’ links, relative ones resolved', () => {
    const atom = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>示范县</title>
      <entry><title>一</title><link href="https://www.sfx.gov.cn/art/2023/1/15/art_1.html"/></entry>
      <entry><title>二</title><link href="/art/2023/2/15/art_2.html"/></entry></feed>`;
    expect(readSourceList(res('https://www.sfx.gov.cn/atom.xml', atom))).toEqual({
      kind: 'feed',
      pages: ['https://www.sfx.gov.cn/art/2023/1/15/art_1.html', 'https://www.sfx.gov.cn/art/2023/2/15/art_2.html'],
      more: [],
    });
  });

  it('reads a sitemap index as more lists to read, and a sitemap without repeats', () => {
    const index = `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://www.sfx.gov.cn/s1.xml</loc></sitemap><sitemap><loc>https://www.sfx.gov.cn/s2.xml</loc></sitemap></sitemapindex>`;
    expect(readSourceList(res('https://www.sfx.gov.cn/index.xml', index))).toEqual({
      kind: 'sitemapindex',
      pages: [],
      more: ['https://www.sfx.gov.cn/s1.xml', 'https://www.sfx.gov.cn/s2.xml'],
    });
    const map = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://www.sfx.gov.cn/a.html</loc></url><url><loc>https://www.sfx.gov.cn/a.html</loc></url><url><loc>javascript:alert(1)</loc></url></urlset>`;
    expect(readSourceList(res('https://www.sfx.gov.cn/s1.xml', map))).toEqual({ kind: 'sitemap', pages: ['https://www.sfx.gov.cn/a.html'], more: [] });
  });

  it('reads a column page: article links on the same host, and its next pages', () => {
    const html = `<html><body><ul><li><a href="t20230115_1.html">一</a></li><li><a href="https://other.example.com/t2.html">外站</a></li>
      <li><a href="/zwgk/tzgg/index.html">栏目首页</a></li></ul><a href="index_1.html">下一页</a></body></html>`;
    expect(readSourceList(res('https://www.sfx.gov.cn/zwgk/tzgg/index.html', html, 'text/html'))).toEqual({
      kind: 'column',
      pages: ['https://www.sfx.gov.cn/zwgk/tzgg/t20230115_1.html'],
      more: ['https://www.sfx.gov.cn/zwgk/tzgg/index_1.html'],
    });
  });
});
