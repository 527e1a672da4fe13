import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { PortalSiteWriter } from './portal-site.writer';
import { MemoryPortalState } from './portal-state';
import { articlePath, columnSlug } from './portal-templates';
import { TEST_SITE, testSnapshot } from './testing/portal-fixtures';

/** Issue 17 point 1: paged lists with stable addresses; a change rewrites a bounded set of files. */
const site = TEST_SITE;
const snap = testSnapshot;

const id = (n: number) => `a${String(n).padStart(4, '0')}`;
const EDU = columnSlug('教育');

describe('portal paged lists', () => {
  let dir: string;
  let state: MemoryPortalState;
  let written: string[];
  let w: PortalSiteWriter;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-paging-'));
    state = new MemoryPortalState();
    written = [];
    w = new PortalSiteWriter(dir, site, state, undefined, { pageSize: 20, sitemapSize: 30, rssSize: 50 }, (rel) => written.push(rel));
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  const pub = (n: number, over: Partial<ItemSnapshot> = {}) =>
    w.publish({
      snapshot: snap(id(n), over),
      url: `${site.baseUrl}/${articlePath(id(n))}`,
      path: articlePath(id(n)),
      publishedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
      withdrawn: false,
    });
  const read = (rel: string) => fs.readFile(path.join(dir, rel), 'utf8');
  const there = (rel: string) =>
    fs.stat(path.join(dir, rel)).then(
      () => true,
      () => false,
    );
  const listed = (html: string) => [...html.matchAll(/articles\/(a\d{4})\.html/g)].map((m) => m[1]);
  async function publishMany(from: number, to: number, over: (n: number) => Partial<ItemSnapshot> = () => ({})) {
    for (let n = from; n <= to; n++) await pub(n, over(n));
  }

  it('numbers pages from the oldest, newest first within a page, with correct newer/older links', async () => {
    await publishMany(1, 45);
    expect(listed(await read('catalogue/1.html'))).toEqual(Array.from({ length: 20 }, (_, i) => id(20 - i)));
    expect(listed(await read('catalogue/2.html'))).toEqual(Array.from({ length: 20 }, (_, i) => id(40 - i)));
    expect(listed(await read('catalogue/3.html'))).toEqual([45, 44, 43, 42, 41].map(id));
    expect(await there('catalogue/4.html')).toBe(false);
    for (const k of [1, 2, 3]) expect(listed(await read(`columns/${EDU}/${k}.html`))).toEqual(listed(await read(`catalogue/${k}.html`)));

    const p2 = await read(`columns/${EDU}/2.html`);
    expect(p2).toContain('<a rel="prev" href="3.html">');
    expect(p2).toContain('<a rel="next" href="1.html">');
    expect(p2).toContain(`<a href="../${EDU}.html">最新信息</a>`);
    expect(p2).toContain('href="../../index.html"');
    const p3 = await read(`columns/${EDU}/3.html`);
    expect(p3).not.toContain('rel="prev"');
    expect(p3).toContain('<a href="1.html">最早一页</a>');
    const p1 = await read('catalogue/1.html');
    expect(p1).toContain('<a rel="prev" href="2.html">');
    expect(p1).not.toContain('rel="next"');
    // the landing shows the newest page, links the older ones and keeps its address
    const landing = await read(`columns/${EDU}.html`);
    expect(listed(landing)).toEqual([45, 44, 43, 42, 41].map(id));
    expect(landing).toContain('第 3 页，共 3 页');
    expect(landing).toContain(`<a rel="next" href="${EDU}/2.html">`);
    expect(landing).toContain(`<a href="${EDU}/1.html">第 1 页</a>`);
    // index: the column's count and newest five, the site's newest twenty and a way into the pages
    const index = await read('index.html');
    expect(index).toContain(`<a href="columns/${EDU}.html">教育</a>（45）`);
    expect(index).toContain('href="catalogue/3.html"');
    expect(listed(index).slice(0, 5)).toEqual([45, 44, 43, 42, 41].map(id));
    expect(new Set(listed(index)).size).toBe(20);
    expect(index).not.toContain('<script');
  });

  it('a new article rewrites only its page, the newest list pages, index, RSS and its sitemap file', async () => {
    await publishMany(1, 45);
    written.length = 0;
    await pub(46);
    expect(written.sort()).toEqual(
      [articlePath(id(46)), 'catalogue/3.html', `columns/${EDU}/3.html`, `columns/${EDU}.html`, 'index.html', 'rss.xml', 'sitemaps/2.xml'].sort(),
    );
    await publishMany(47, 60);
    written.length = 0;
    await pub(61); // opens page 4 and sitemap file 3: the previous pages gain their newer link
    expect(written.sort()).toEqual(
      [
        articlePath(id(61)),
        'catalogue/3.html',
        'catalogue/4.html',
        `columns/${EDU}/3.html`,
        `columns/${EDU}/4.html`,
        `columns/${EDU}.html`,
        'index.html',
        'rss.xml',
        'sitemaps/3.xml',
        'sitemap.xml',
      ].sort(),
    );
    expect(await read(`columns/${EDU}/3.html`)).toContain('<a rel="prev" href="4.html">');
    expect(listed(await read('catalogue/4.html'))).toEqual([id(61)]);
  });

  it('the number of files a publication writes does not grow with the site', async () => {
    const costAt = async (n: number) => {
      written.length = 0;
      await pub(n, { category: n % 2 ? '教育' : '交通' });
      return written.length;
    };
    await publishMany(1, 49, (n) => ({ category: n % 2 ? '教育' : '交通' }));
    const at50 = await costAt(50);
    await publishMany(51, 499, (n) => ({ category: n % 2 ? '教育' : '交通' }));
    const at500 = await costAt(500);
    expect(at50).toBeLessThanOrEqual(8);
    expect(at500).toBe(at50);
  });

  it('a withdrawal rewrites only the pages that listed it (and index, RSS when it was among the latest)', async () => {
    await publishMany(1, 45, (n) => ({ category: n <= 30 ? '教育' : '交通' }));
    written.length = 0;
    await w.withdraw(id(3), new Date('2026-02-01T00:00:00Z'));
    expect(written.sort()).toEqual([articlePath(id(3)), 'catalogue/1.html', `columns/${EDU}/1.html`, 'index.html', 'rss.xml', 'sitemaps/1.xml'].sort());
    for (const f of written.filter((f) => f !== articlePath(id(3)))) expect(await read(f)).not.toContain(articlePath(id(3)));
    expect(await read(articlePath(id(3)))).toContain('该信息已撤回');
    expect(await read('index.html')).toContain('教育</a>（29）');
    expect(listed(await read(`columns/${EDU}.html`))).toContain(id(30)); // landing (page 2 of 教育) untouched and still right
    // page numbers stay: the page that held it keeps the others
    expect(listed(await read('catalogue/1.html'))).toHaveLength(19);
    expect(listed(await read('catalogue/2.html'))).toHaveLength(20);
  });

  it('RSS carries the latest 50 live articles, newest first', async () => {
    await publishMany(1, 55);
    const rss = await read('rss.xml');
    const items = [...rss.matchAll(/<link>http:\/\/x\/site\/articles\/(a\d{4})\.html<\/link>/g)].map((m) => m[1]);
    expect(items).toEqual(Array.from({ length: 50 }, (_, i) => id(55 - i)));
    written.length = 0;
    await w.withdraw(id(2), new Date()); // not among the latest 50: RSS stays
    expect(written).not.toContain('rss.xml');
    await w.withdraw(id(54), new Date());
    expect(listed(await read('rss.xml'))).not.toContain(id(54));
    expect(listed(await read('rss.xml'))).toContain(id(5));
  });

  it('the sitemap is an index of bounded files; a withdrawal changes only the file holding it', async () => {
    await publishMany(1, 65);
    const index = await read('sitemap.xml');
    expect(index).toContain('<sitemapindex');
    expect([...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1])).toEqual(
      ['sitemaps/columns.xml', 'sitemaps/1.xml', 'sitemaps/2.xml', 'sitemaps/3.xml'].map((f) => `http://x/site/${f}`),
    );
    expect(listed(await read('sitemaps/1.xml'))).toHaveLength(30);
    expect(listed(await read('sitemaps/3.xml'))).toEqual([61, 62, 63, 64, 65].map(id));
    expect(await read('sitemaps/columns.xml')).toContain(`http://x/site/columns/${EDU}.html`);
    written.length = 0;
    await w.withdraw(id(40), new Date());
    expect(written.filter((f) => f.startsWith('sitemap'))).toEqual(['sitemaps/2.xml']);
    expect(listed(await read('sitemaps/2.xml'))).toHaveLength(29);
  });

  it('a revision moving an article to another column leaves the old column and joins the new one at its newest page', async () => {
    await publishMany(1, 25);
    written.length = 0;
    await pub(3, { category: '交通', versionNo: 2, title: '改了栏目' });
    const traffic = columnSlug('交通');
    expect(written).toEqual(expect.arrayContaining([`columns/${EDU}/1.html`, `columns/${traffic}/1.html`, `columns/${traffic}.html`, 'sitemaps/columns.xml']));
    expect(listed(await read(`columns/${EDU}/1.html`))).not.toContain(id(3));
    expect(listed(await read(`columns/${traffic}.html`))).toEqual([id(3)]);
    expect(await read('catalogue/1.html')).toContain('改了栏目'); // same place in the catalogue
    expect(await read('index.html')).toContain('教育</a>（24）');
  });

  it('the first write to a site of an older layout rebuilds the lists and removes numbered files no longer produced', async () => {
    await publishMany(1, 45);
    await state.locked((st) => st.setLayout(0));
    await fs.rm(path.join(dir, 'catalogue'), { recursive: true });
    await fs.writeFile(path.join(dir, 'sitemap.xml'), '<urlset>old</urlset>');
    await fs.mkdir(path.join(dir, 'sitemaps'), { recursive: true });
    await fs.writeFile(path.join(dir, 'sitemaps', '9.xml'), 'stale');
    const fresh = new PortalSiteWriter(dir, site, state, undefined, { pageSize: 20, sitemapSize: 30 });
    await fresh.publish({
      snapshot: snap(id(46)),
      url: `${site.baseUrl}/${articlePath(id(46))}`,
      path: articlePath(id(46)),
      publishedAt: new Date().toISOString(),
      withdrawn: false,
    });
    expect(listed(await read('catalogue/1.html'))).toHaveLength(20);
    expect(listed(await read('catalogue/3.html'))).toHaveLength(6);
    expect(await read('sitemap.xml')).toContain('<sitemapindex');
    expect(await there('sitemaps/9.xml')).toBe(false);
    expect(await state.layout()).toBeGreaterThan(0);
  });

  it('a full rebuild writes the links between a policy and its interpretations, and withdrawn notices', async () => {
    await pub(1, { kind: 'normative', title: '政策原文' });
    await pub(2, { kind: 'interpretation', policyItemId: id(1), title: '政策解读' });
    await pub(3);
    await w.withdraw(id(3), new Date('2026-02-01T00:00:00Z'));
    await fs.rm(path.join(dir, 'articles'), { recursive: true });
    await w.rebuild({ articles: true });
    expect(await read(articlePath(id(1)))).toContain(`<a href="../${articlePath(id(2))}">政策解读</a>`);
    expect(await read(articlePath(id(2)))).toContain(`相关政策：<a href="../${articlePath(id(1))}">政策原文</a>`);
    expect(await read(articlePath(id(3)))).toContain('该信息已撤回');
  });

  it('a full rebuild rewrites every page, reports progress and converges with publications running meanwhile', async () => {
    await publishMany(1, 70);
    await fs.rm(path.join(dir, 'articles'), { recursive: true });
    const progress: string[] = [];
    const [r] = await Promise.all([w.rebuild({ articles: true, progress: (d, t) => progress.push(`${d}/${t}`) }), publishMany(71, 80)]);
    expect(r.articles).toBeGreaterThanOrEqual(70);
    expect(progress[progress.length - 1]).toMatch(/^(\d+)\/\1$/);
    for (let n = 1; n <= 80; n++) expect(await there(articlePath(id(n)))).toBe(true);
    const all = [
      ...listed(await read('catalogue/1.html')),
      ...listed(await read('catalogue/2.html')),
      ...listed(await read('catalogue/3.html')),
      ...listed(await read('catalogue/4.html')),
    ];
    expect(all.sort()).toEqual(Array.from({ length: 80 }, (_, i) => id(i + 1)));
  });
});
