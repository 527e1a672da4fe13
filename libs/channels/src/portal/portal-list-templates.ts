import { beijingDay, columnSlug, esc, layout, PortalArticle, SiteInfo } from './portal-templates';

/**
 * The list pages of a portal site (issue 17 point 1). Numbered pages have stable addresses and are
 * numbered from the oldest (page 1 holds numbers 1..pageSize), so a new article only changes the newest
 * page; within a page the newest comes first. Numbered pages never name the page count (it grows): they
 * link the newer and older neighbours, the first page and the landing page, which shows the newest page.
 */

export const catalogueFile = (page: number) => `catalogue/${page}.html`;
export const columnLandingFile = (category: string) => `columns/${columnSlug(category)}.html`;
export const columnPageFile = (category: string, page: number) => `columns/${columnSlug(category)}/${page}.html`;
export const sitemapFile = (k: number) => `sitemaps/${k}.xml`;
export const SITEMAP_COLUMNS_FILE = 'sitemaps/columns.xml';

/** How many older pages a landing page links by number (besides the first). */
const LANDING_PAGE_LINKS = 10;

function listItems(articles: PortalArticle[], rel: string): string {
  return `<ul class="list">${articles
    .map(
      (a) =>
        `<li><a href="${rel}${a.path}">${esc(a.snapshot.title)}</a><time datetime="${esc(a.publishedAt)}">${esc(a.snapshot.publishDate ?? beijingDay(a.publishedAt))}</time></li>`,
    )
    .join('')}</ul>`;
}

function catalogueTable(articles: PortalArticle[], rel: string): string {
  const rows = articles
    .map(
      (a) =>
        `<tr><td>${esc(a.snapshot.indexNo)}</td><td><a href="${rel}${a.path}">${esc(a.snapshot.title)}</a></td><td>${esc(a.snapshot.issuingBody)}</td><td>${esc(a.snapshot.docNo ?? '')}</td><td>${esc(a.snapshot.publishDate ?? beijingDay(a.publishedAt))}</td></tr>`,
    )
    .join('');
  return `<table class="catalogue"><thead><tr><th scope="col">索引号</th><th scope="col">标题</th><th scope="col">发布机构</th><th scope="col">文号</th><th scope="col">发布日期</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Where a list page is, for its navigation: `page` of `pages`, hrefs relative to the page itself. */
export interface PageNav {
  page: number;
  pages: number;
  /** true: the landing page (shows the newest page); false: the numbered page `page`. */
  landing: boolean;
  landingHref: string;
  pageHref: (k: number) => string;
}

function pager(n: PageNav): string {
  const links: string[] = [];
  if (n.landing) {
    links.push(`<span>第 ${n.page} 页，共 ${n.pages} 页</span>`);
    if (n.page > 1) links.push(`<a rel="next" href="${n.pageHref(n.page - 1)}">下一页（较早）</a>`);
    const older: number[] = [];
    for (let k = n.page - 1; k >= 1 && older.length < LANDING_PAGE_LINKS; k--) older.push(k);
    if (older.length && older[older.length - 1] !== 1) older.push(1);
    if (older.length) links.push(`<span>更早的页面：${older.map((k) => `<a href="${n.pageHref(k)}">第 ${k} 页</a>`).join(' ')}</span>`);
  } else {
    links.push(`<span>第 ${n.page} 页</span>`, `<a href="${n.landingHref}">最新信息</a>`);
    if (n.page < n.pages) links.push(`<a rel="prev" href="${n.pageHref(n.page + 1)}">上一页（较新）</a>`);
    if (n.page > 1) links.push(`<a rel="next" href="${n.pageHref(n.page - 1)}">下一页（较早）</a>`);
    if (n.page > 2) links.push(`<a href="${n.pageHref(1)}">最早一页</a>`);
  }
  return `<nav class="pager" aria-label="分页">${links.join('')}</nav>`;
}

const columnMeta = (category: string) => ({
  ColumnName: category,
  ColumnDescription: `${category}类政府信息`,
  ColumnKeywords: category,
  ColumnType: '信息公开',
});

/** A column's landing page (columns/<slug>.html, showing the newest page) or its numbered page (columns/<slug>/<k>.html). */
export function renderColumnPage(site: SiteInfo, category: string, articles: PortalArticle[], page: number, pages: number, landing: boolean): string {
  const rel = landing ? '../' : '../../';
  const slug = columnSlug(category);
  const nav = pager({
    page,
    pages,
    landing,
    landingHref: `../${slug}.html`,
    pageHref: (k) => (landing ? `${slug}/${k}.html` : `${k}.html`),
  });
  const title = landing ? category : `${category}（第${page}页）`;
  const body = `<nav class="crumbs" aria-label="当前位置"><a href="${rel}index.html">信息公开目录</a> &gt; ${landing ? esc(category) : `<a href="../${slug}.html">${esc(category)}</a> &gt; 第${page}页`}</nav>
<main id="content" role="main"><h1>${esc(category)}</h1>${articles.length ? listItems(articles, rel) : '<p>暂无信息。</p>'}${pages > 1 || !landing ? nav : ''}</main>`;
  return layout(site, title, columnMeta(category), body, rel);
}

/** A numbered page of the 信息公开目录 (catalogue/<k>.html). */
export function renderCataloguePage(site: SiteInfo, articles: PortalArticle[], page: number, pages: number): string {
  const nav = pager({ page, pages, landing: false, landingHref: '../index.html', pageHref: (k) => `${k}.html` });
  const body = `<nav class="crumbs" aria-label="当前位置"><a href="../index.html">信息公开目录</a> &gt; 全部信息（第${page}页）</nav>
<main id="content" role="main"><h1>政府信息公开目录（第${page}页）</h1>${articles.length ? catalogueTable(articles, '../') : '<p>本页暂无信息。</p>'}${nav}</main>`;
  return layout(site, `政府信息公开目录（第${page}页）`, { ColumnName: '政府信息公开目录', ColumnType: '信息公开' }, body, '../');
}

export interface IndexColumn {
  category: string;
  liveCount: number;
  latest: PortalArticle[];
}

/** The site's home (index.html): the columns with their counts and newest articles, and the newest of the whole catalogue. */
export function renderIndex(site: SiteInfo, columns: IndexColumn[], newest: PortalArticle[], cataloguePages: number): string {
  const cols = columns.map((c) => `<li><a href="${columnLandingFile(c.category)}">${esc(c.category)}</a>（${c.liveCount}）</li>`).join('');
  const latest = columns
    .map(
      (c) =>
        `<section aria-label="${esc(c.category)}"><h3>${esc(c.category)}</h3>${listItems(c.latest, '')}<p><a href="${columnLandingFile(c.category)}">更多${esc(c.category)}信息</a></p></section>`,
    )
    .join('');
  const more = cataloguePages ? `<p><a href="${catalogueFile(cataloguePages)}">按页浏览全部信息</a></p>` : '';
  const body = `<main id="content" role="main"><h1>政府信息公开目录</h1>
<section aria-labelledby="cols"><h2 id="cols">主题分类</h2><ul>${cols || '<li>暂无</li>'}</ul></section>
<section aria-labelledby="latest"><h2 id="latest">各栏目最新信息</h2>${latest || '<p>暂无信息。</p>'}</section>
<section aria-labelledby="all"><h2 id="all">最新公开信息</h2>
${catalogueTable(newest, '')}${more}</section></main>`;
  return layout(site, '政府信息公开目录', { ColumnName: '政府信息公开目录', ColumnType: '信息公开' }, body, '');
}

function urlset(urls: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `  <url><loc>${esc(u)}</loc></url>`).join('\n')}
</urlset>
`;
}

/** sitemap.xml: the index of the bounded sitemap files (the columns' file, then the articles' files 1..files). */
export function renderSitemapIndex(site: SiteInfo, files: number): string {
  const locs = [SITEMAP_COLUMNS_FILE, ...Array.from({ length: files }, (_, i) => sitemapFile(i + 1))];
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${locs.map((l) => `  <sitemap><loc>${esc(`${site.baseUrl}/${l}`)}</loc></sitemap>`).join('\n')}
</sitemapindex>
`;
}

/** sitemaps/columns.xml: the home page and every column's landing page. */
export function renderColumnsSitemap(site: SiteInfo, categories: string[]): string {
  return urlset([`${site.baseUrl}/index.html`, ...categories.map((c) => `${site.baseUrl}/${columnLandingFile(c)}`)]);
}

/** sitemaps/<k>.xml: the live articles numbered in the k-th range. */
export function renderArticlesSitemap(articles: PortalArticle[]): string {
  return urlset(articles.map((a) => a.url));
}

export function renderRss(site: SiteInfo, articles: PortalArticle[]): string {
  const items = articles
    .map(
      (a) => `  <item>
    <title>${esc(a.snapshot.title)}</title>
    <link>${esc(a.url)}</link>
    <guid isPermaLink="true">${esc(a.url)}</guid>
    <pubDate>${new Date(a.publishedAt).toUTCString()}</pubDate>
    <category>${esc(a.snapshot.category)}</category>
    <description>${esc(a.snapshot.summary || a.snapshot.title)}</description>
  </item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>${esc(site.siteName)}</title>
  <link>${esc(site.baseUrl)}/index.html</link>
  <description>${esc(site.siteName)} 政府信息公开</description>
  <language>zh-cn</language>
${items}
</channel>
</rss>
`;
}
