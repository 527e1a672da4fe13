import { createHash } from 'crypto';
import { ITEM_KIND_LABELS } from '@app/domain/enums/domain-enums';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { SITE_BODY_CSS, siteBodyHtml } from './site-body';

/** The fields of a version the public pages show: nothing else of a snapshot is kept for the portal. */
export const PUBLIC_FIELDS = [
  'itemId',
  'versionNo',
  'title',
  'bodyHtml',
  'summary',
  'indexNo',
  'docNo',
  'issuingBody',
  'writtenDate',
  'publishDate',
  'category',
  'disclosureAttr',
  'validity',
  'repealedDate',
  'kind',
  'policyItemId',
  'attachments',
] as const;
export type PublicArticleFields = Pick<ItemSnapshot, (typeof PUBLIC_FIELDS)[number]>;

export function publicFields(s: PublicArticleFields): PublicArticleFields {
  const out = {} as Record<string, unknown>;
  for (const k of PUBLIC_FIELDS) out[k] = s[k];
  out.attachments = (s.attachments ?? []).map((a) => ({ name: a.name, url: a.url, mime: a.mime, size: a.size }));
  return out as PublicArticleFields;
}

/**
 * What the portal keeps per article (in Postgres, portal_articles), enough to re-render pages and lists.
 * A withdrawn article keeps only what its notice shows (索引号, column, address).
 */
export interface PortalArticle {
  snapshot: PublicArticleFields;
  url: string;
  path: string; // relative to the site root, e.g. articles/<id>.html
  publishedAt: string; // ISO
  withdrawn: boolean;
  withdrawnAt?: string;
}

export interface SiteInfo {
  siteName: string;
  siteDomain: string;
  siteIdCode: string;
  baseUrl: string; // public base URL of the site root, no trailing slash
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The Beijing (Asia/Shanghai) calendar day of an ISO instant: 2019-02-25T16:30Z is 2019-02-26. */
export function beijingDay(iso: string | undefined | null): string {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? '' : new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

export function columnSlug(category: string): string {
  return 'c-' + createHash('sha1').update(category).digest('hex').slice(0, 10);
}

export function articlePath(itemId: string): string {
  return `articles/${itemId}.html`;
}

const STYLE = `
:root{--fg:#1a1a1a;--bg:#fff;--accent:#b3000c;--muted:#555;--line:#ccc}
html{font-size:112.5%}body{margin:0;font-family:"Noto Sans SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg);line-height:1.8}
a{color:#0645ad}a:focus,button:focus{outline:3px solid #ffbf47;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#ffbf47;padding:4px 8px}
header.site{background:var(--accent);color:#fff;padding:12px 24px}header.site a{color:#fff;text-decoration:none;font-size:1.4rem}
nav.crumbs{padding:8px 24px;font-size:.9rem}main{max-width:960px;margin:0 auto;padding:16px 24px}
table.meta{width:100%;border-collapse:collapse;margin:16px 0;font-size:.95rem}table.meta th,table.meta td{border:1px solid var(--line);padding:6px 10px;text-align:left}
table.meta th{background:#f3f3f3;width:8em;font-weight:normal}h1{font-size:1.6rem;text-align:center;line-height:1.4}
.status{border:2px solid var(--accent);color:var(--accent);padding:8px 12px;margin:12px 0;font-weight:bold}
.body img{max-width:100%;height:auto}ul.list{list-style:none;padding:0}ul.list li{display:flex;justify-content:space-between;border-bottom:1px dashed var(--line);padding:6px 0;gap:12px}
ul.list time{color:var(--muted);white-space:nowrap}footer{border-top:1px solid var(--line);margin-top:32px;padding:16px 24px;color:var(--muted);font-size:.9rem;text-align:center}
nav.pager{margin:16px 0;display:flex;flex-wrap:wrap;gap:4px 16px}table.catalogue{width:100%;border-collapse:collapse}table.catalogue th,table.catalogue td{border:1px solid var(--line);padding:4px 8px;font-size:.9rem}
@media (prefers-contrast: more){:root{--fg:#000;--muted:#000;--line:#000}}${SITE_BODY_CSS}`;

function metaTags(site: SiteInfo, m: Record<string, string>): string {
  const base: Record<string, string> = { SiteName: site.siteName, SiteDomain: site.siteDomain, SiteIDCode: site.siteIdCode };
  return Object.entries({ ...base, ...m })
    .map(([k, v]) => `<meta name="${k}" content="${esc(v)}">`)
    .join('\n');
}

export function layout(site: SiteInfo, title: string, meta: Record<string, string>, body: string, rel = ''): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - ${esc(site.siteName)}</title>
${metaTags(site, meta)}
<link rel="alternate" type="application/rss+xml" title="${esc(site.siteName)}" href="${rel}rss.xml">
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#content">跳到正文</a>
<header class="site" role="banner"><a href="${rel}index.html">${esc(site.siteName)}</a></header>
${body}
<footer role="contentinfo">${esc(site.siteName)} 网站标识码：${esc(site.siteIdCode)}</footer>
</body>
</html>
`;
}

const STATUS_NOTES: Record<string, string> = {
  修改: '本文件已被修改，请以修改后的版本为准。',
  废止: '本文件已废止。',
  失效: '本文件已失效。',
};

export function renderArticle(site: SiteInfo, a: PortalArticle, links: { policy?: PortalArticle; interpretations: PortalArticle[] }): string {
  const s = a.snapshot;
  const pub = (s.publishDate ?? beijingDay(a.publishedAt)) as string;
  const meta = {
    ColumnName: s.category,
    ColumnDescription: `${s.category}类政府信息`,
    ColumnKeywords: s.category,
    ColumnType: '信息公开',
    ArticleTitle: s.title,
    PubDate: pub,
    ContentSource: s.issuingBody,
    Keywords: [s.category, ITEM_KIND_LABELS[s.kind]].join(','),
    Author: s.issuingBody,
    Description: s.summary || s.title,
    Url: a.url,
  };
  const rows: [string, string | null][] = [
    ['索引号', s.indexNo],
    ['主题分类', s.category],
    ['发布机构', s.issuingBody],
    ['成文日期', s.writtenDate],
    ['发布日期', pub],
    ['文号', s.docNo],
    ['公开属性', s.disclosureAttr],
    ['有效性', s.validity + (s.repealedDate ? `（废止日期：${s.repealedDate}）` : '')],
    ['信息类别', ITEM_KIND_LABELS[s.kind]],
  ];
  const metaTable = `<table class="meta" aria-label="政府信息公开目录元数据"><tbody>${rows
    .map(([k, v]) => `<tr><th scope="row">${k}</th><td>${esc(v ?? '')}</td></tr>`)
    .join('')}</tbody></table>`;
  const statusNote = STATUS_NOTES[s.validity] ? `<p class="status" role="note">${STATUS_NOTES[s.validity]}</p>` : '';
  const policyLink = links.policy ? `<p>相关政策：<a href="../${links.policy.path}">${esc(links.policy.snapshot.title)}</a></p>` : '';
  const interp = links.interpretations.length
    ? `<section aria-labelledby="interp"><h2 id="interp">政策解读</h2><ul>${links.interpretations
        .map((i) => `<li><a href="../${i.path}">${esc(i.snapshot.title)}</a></li>`)
        .join('')}</ul></section>`
    : '';
  const attachments = s.attachments.length
    ? `<section aria-labelledby="att"><h2 id="att">附件</h2><ul>${s.attachments
        .map((f) => `<li><a href="${esc(f.url)}">${esc(f.name)}</a></li>`)
        .join('')}</ul></section>`
    : '';
  const body = `<nav class="crumbs" aria-label="当前位置"><a href="../index.html">信息公开目录</a> &gt; <a href="../columns/${columnSlug(s.category)}.html">${esc(s.category)}</a></nav>
<main id="content" role="main">
<article>
${metaTable}
<h1>${esc(s.title)}</h1>
${statusNote}
<div class="body">${siteBodyHtml(s.bodyHtml)}</div>
${attachments}
${policyLink}
${interp}
</article>
</main>`;
  return layout(site, s.title, meta, body, '../');
}

export function renderWithdrawn(site: SiteInfo, a: PortalArticle): string {
  const body = `<main id="content" role="main"><h1>该信息已撤回</h1>
<p class="status" role="note">索引号 ${esc(a.snapshot.indexNo)} 的政府信息已于 ${esc(beijingDay(a.withdrawnAt))} 撤回，不再公开。</p>
<p><a href="../index.html">返回信息公开目录</a></p></main>`;
  return layout(site, '该信息已撤回', { ColumnName: a.snapshot.category, ArticleTitle: '该信息已撤回', Url: a.url }, body, '../');
}
