import * as path from 'path';
import type { DataSource } from 'typeorm';
import { writeFileAtomic } from '@app/channels/portal/atomic-write';
import { beijingDay, columnSlug, esc, layout, PortalArticle, SiteInfo } from '@app/channels/portal/portal-templates';

/**
 * The portal's list rewrite before issue 17, kept here only as the benchmark's baseline: on every
 * publication, read the signature and every article summary of the site, rewrite index.html (every
 * article on one page), every column page, sitemap.xml (every URL) and rss.xml, then re-read the
 * signature. Same SQL and same page shapes as the old PortalSiteWriter.writeLists.
 */
export async function oldWriteLists(ds: DataSource, siteKey: string, dir: string, site: SiteInfo): Promise<number> {
  let files = 0;
  const write = async (rel: string, s: string) => {
    await writeFileAtomic(path.join(dir, rel), s);
    files++;
  };
  const signature = () =>
    ds.query(
      `SELECT coalesce(string_agg(item_id || ':' || version_no || ':' || withdrawn::int, ',' ORDER BY item_id), '') AS s FROM portal_articles WHERE site_key = $1`,
      [siteKey],
    );
  await signature();
  const rows = await ds.query(`SELECT article #- '{snapshot,bodyHtml}' AS article FROM portal_articles WHERE site_key = $1`, [siteKey]);
  const all: PortalArticle[] = rows.map((r: { article: PortalArticle }) => ({ ...r.article, snapshot: { ...r.article.snapshot, bodyHtml: '' } }));
  const live = all.filter((a) => !a.withdrawn).sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
  const categories = [...new Set(live.map((a) => a.snapshot.category))].sort();
  for (const c of new Set(all.map((a) => a.snapshot.category))) {
    await write(
      `columns/${columnSlug(c)}.html`,
      renderColumn(
        site,
        c,
        live.filter((a) => a.snapshot.category === c),
      ),
    );
  }
  await write('index.html', renderIndex(site, live, categories));
  await write('sitemap.xml', renderSitemap(site, live, categories));
  await write('rss.xml', renderRss(site, live));
  await signature();
  return files;
}

function listItems(articles: PortalArticle[], rel: string): string {
  return `<ul class="list">${articles
    .map(
      (a) =>
        `<li><a href="${rel}${a.path}">${esc(a.snapshot.title)}</a><time datetime="${esc(a.publishedAt)}">${esc(a.snapshot.publishDate ?? beijingDay(a.publishedAt))}</time></li>`,
    )
    .join('')}</ul>`;
}

function renderColumn(site: SiteInfo, category: string, articles: PortalArticle[]): string {
  const body = `<nav class="crumbs" aria-label="当前位置"><a href="../index.html">信息公开目录</a> &gt; ${esc(category)}</nav>
<main id="content" role="main"><h1>${esc(category)}</h1>${articles.length ? listItems(articles, '../') : '<p>暂无信息。</p>'}</main>`;
  return layout(
    site,
    category,
    { ColumnName: category, ColumnDescription: `${category}类政府信息`, ColumnKeywords: category, ColumnType: '信息公开' },
    body,
    '../',
  );
}

function renderIndex(site: SiteInfo, articles: PortalArticle[], categories: string[]): string {
  const cols = categories
    .map((c) => `<li><a href="columns/${columnSlug(c)}.html">${esc(c)}</a>（${articles.filter((a) => a.snapshot.category === c).length}）</li>`)
    .join('');
  const rows = articles
    .map(
      (a) =>
        `<tr><td>${esc(a.snapshot.indexNo)}</td><td><a href="${a.path}">${esc(a.snapshot.title)}</a></td><td>${esc(a.snapshot.issuingBody)}</td><td>${esc(a.snapshot.docNo ?? '')}</td><td>${esc(a.snapshot.publishDate ?? beijingDay(a.publishedAt))}</td></tr>`,
    )
    .join('');
  const body = `<main id="content" role="main"><h1>政府信息公开目录</h1>
<section aria-labelledby="cols"><h2 id="cols">主题分类</h2><ul>${cols || '<li>暂无</li>'}</ul></section>
<section aria-labelledby="all"><h2 id="all">全部信息</h2>
<table class="catalogue"><thead><tr><th scope="col">索引号</th><th scope="col">标题</th><th scope="col">发布机构</th><th scope="col">文号</th><th scope="col">发布日期</th></tr></thead><tbody>${rows}</tbody></table></section></main>`;
  return layout(site, '政府信息公开目录', { ColumnName: '政府信息公开目录', ColumnType: '信息公开' }, body, '');
}

function renderSitemap(site: SiteInfo, articles: PortalArticle[], categories: string[]): string {
  const urls = [`${site.baseUrl}/index.html`, ...categories.map((c) => `${site.baseUrl}/columns/${columnSlug(c)}.html`), ...articles.map((a) => a.url)];
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => `  <url><loc>${esc(u)}</loc></url>`).join('\n')}
</urlset>
`;
}

function renderRss(site: SiteInfo, articles: PortalArticle[]): string {
  const items = articles
    .slice(0, 50)
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
