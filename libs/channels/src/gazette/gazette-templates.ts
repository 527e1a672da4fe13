import { ITEM_KIND_LABELS, ItemKind } from '@app/domain/enums/domain-enums';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { esc } from '../portal/portal-templates';
import { SITE_BODY_CSS, siteBodyHtml } from '../portal/site-body';
import { IssueNumber, issueLabel, issueSlug } from './gazette-numbering';
import { bookTitle, ERRATA_SECTION } from './gazette-settings';
import type { GazetteToc, TocEntry } from './gazette-reads.types';
import { tocEntries } from './gazette-toc';

/** What the pages say about the gazette itself. */
export interface GazetteSiteInfo {
  title: string;
  organisationName: string;
  publisher: string | null;
  frequencyLabel: string;
  /** Public URL of the gazette directory, no trailing slash (e.g. https://www.sfx.gov.cn/gazette). */
  baseUrl: string;
}

/** A published issue with the frozen versions of its articles (by entry id). */
export interface PublishedIssueView extends IssueNumber {
  id: string;
  publishedAt: string; // ISO
  toc: GazetteToc;
  /** Full frozen versions by entry id: needed to render the issue page. */
  articles: Record<string, ItemSnapshot>;
  /** Light catalogue fields by entry id, enough for the index, feed and open data. */
  catalogue?: Record<string, { category: string | null; validity: string | null }>;
}

export function issuePath(n: Pick<IssueNumber, 'year' | 'issueNo'>): string {
  return `issues/${issueSlug(n)}.html`;
}

export function issueUrl(site: Pick<GazetteSiteInfo, 'baseUrl'>, n: Pick<IssueNumber, 'year' | 'issueNo'>): string {
  return `${site.baseUrl}/${issuePath(n)}`;
}

function beijingDay(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function cnDate(isoDay: string): string {
  const [y, m, d] = isoDay.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const STYLE = `
:root{--fg:#1a1a1a;--bg:#fff;--accent:#b3000c;--muted:#555;--line:#ccc}
html{font-size:112.5%}body{margin:0;font-family:"Noto Serif SC","SimSun","Songti SC",serif;color:var(--fg);background:var(--bg);line-height:1.9}
a{color:#0645ad}a:focus,button:focus,input:focus{outline:3px solid #ffbf47;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#ffbf47;padding:4px 8px}
header.masthead{border-bottom:3px double var(--accent);text-align:center;padding:16px 24px}
header.masthead .name{color:var(--accent);font-size:2rem;font-weight:bold;letter-spacing:.2em;text-decoration:none}
header.masthead .no{font-size:1.1rem;margin-top:4px}
main{max-width:960px;margin:0 auto;padding:16px 24px}nav.toc ol{list-style:none;padding:0}nav.toc li{display:flex;justify-content:space-between;gap:12px;border-bottom:1px dotted var(--line);padding:4px 0}
nav.toc h3{margin:16px 0 4px;color:var(--accent)}article.doc{border-top:1px solid var(--line);margin-top:32px;padding-top:16px}
article.doc h2{text-align:center;font-size:1.5rem;line-height:1.5}p.docno{text-align:center;color:var(--muted)}
.erratum{border:2px solid var(--accent);padding:8px 12px}table.issues{width:100%;border-collapse:collapse}table.issues th,table.issues td{border:1px solid var(--line);padding:4px 8px}
footer{border-top:1px solid var(--line);margin-top:32px;padding:16px 24px;color:var(--muted);font-size:.9rem;text-align:center}
@media (prefers-contrast: more){:root{--fg:#000;--muted:#000;--line:#000}}${SITE_BODY_CSS}`;

function layout(site: GazetteSiteInfo, pageTitle: string, meta: Record<string, string>, headerExtra: string, body: string, rel: string): string {
  const tags = Object.entries({ SiteName: bookTitle(site.title), ColumnName: '政府公报', ColumnType: '政府公报', ...meta })
    .map(([k, v]) => `<meta name="${k}" content="${esc(v)}">`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(pageTitle)}</title>
${tags}
<link rel="alternate" type="application/atom+xml" title="${esc(bookTitle(site.title))}" href="${rel}atom.xml">
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#content">跳到正文</a>
<header class="masthead" role="banner"><a class="name" href="${rel}index.html">${esc(site.title)}</a>${headerExtra}</header>
${body}
<footer role="contentinfo">${esc(bookTitle(site.title))}（${esc(site.frequencyLabel)}）${site.publisher ? ` 编辑出版：${esc(site.publisher)}` : ''} · <a href="${rel}open-data.json">开放数据</a> · <a href="${rel}atom.xml">订阅</a></footer>
</body>
</html>
`;
}

function tocHtml(toc: GazetteToc): string {
  return toc.sections
    .map(
      (s) =>
        `<h3>${esc(s.title)}</h3><ol>${s.entries
          .map((e) => `<li><a href="#${e.anchor}">${esc(e.title)}</a><span>${esc(e.docNo ?? '')}</span></li>`)
          .join('')}</ol>`,
    )
    .join('\n');
}

function articleHtml(e: TocEntry, s: ItemSnapshot | undefined): string {
  if (e.erratum) {
    return `<article class="doc" id="${e.anchor}" aria-labelledby="${e.anchor}-t"><h2 id="${e.anchor}-t">${esc(e.title)}</h2>
<p class="erratum" role="note">${esc(e.erratum.text)}</p></article>`;
  }
  if (!s) return `<article class="doc" id="${e.anchor}"><h2>${esc(e.title)}</h2></article>`;
  const attachments = s.attachments.length
    ? `<section><h3>附件</h3><ul>${s.attachments.map((f) => `<li><a href="${esc(f.url)}">${esc(f.name)}</a></li>`).join('')}</ul></section>`
    : '';
  const sign = [s.issuingBody, s.writtenDate ? cnDate(s.writtenDate) : '']
    .filter(Boolean)
    .map((x) => `<p class="align-right">${esc(x)}</p>`)
    .join('');
  return `<article class="doc" id="${e.anchor}" aria-labelledby="${e.anchor}-t">
<h2 id="${e.anchor}-t">${esc(s.title)}</h2>
${s.docNo ? `<p class="docno">${esc(s.docNo)}</p>` : ''}
<div class="body">${siteBodyHtml(s.bodyHtml)}</div>
${sign}
${attachments}
<p class="docno">索引号：${esc(s.indexNo)} · ${esc(ITEM_KIND_LABELS[s.kind as ItemKind] ?? s.kind)}</p>
</article>`;
}

/** The issue page: masthead with the numbering, table of contents by section, every article in order. */
export function renderIssuePage(site: GazetteSiteInfo, issue: PublishedIssueView): string {
  const label = issueLabel(issue);
  const day = beijingDay(issue.publishedAt);
  const articles = tocEntries(issue.toc)
    .map((e) => articleHtml(e, issue.articles[e.entryId]))
    .join('\n');
  const body = `<main id="content" role="main">
<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">目录</h2>
${tocHtml(issue.toc)}
</nav>
${articles}
<p><a href="../index.html">返回往期目录</a></p>
</main>`;
  return layout(
    site,
    `${bookTitle(site.title)}${label}`,
    { ArticleTitle: `${bookTitle(site.title)}${label}`, PubDate: day, ContentSource: site.organisationName, Url: issueUrl(site, issue) },
    `<div class="no">${esc(label)}</div><div class="no"><time datetime="${esc(issue.publishedAt)}">${esc(cnDate(day))}出版</time></div>`,
    body,
    '../',
  );
}

/** The list of every issue, newest first, grouped by year, with a search over the open data. */
export function renderIndexPage(site: GazetteSiteInfo, issues: PublishedIssueView[]): string {
  const sorted = [...issues].sort((a, b) => b.totalNo - a.totalNo);
  const years = [...new Set(sorted.map((i) => i.year))];
  const rows = years
    .map(
      (y) => `<section aria-labelledby="y${y}"><h2 id="y${y}">${y}年</h2>
<table class="issues"><thead><tr><th scope="col">期号</th><th scope="col">出版日期</th><th scope="col">篇目</th></tr></thead><tbody>
${sorted
  .filter((i) => i.year === y)
  .map((i) => {
    const n = tocEntries(i.toc).length;
    return `<tr><td><a href="${issuePath(i)}">${esc(issueLabel(i))}</a></td><td>${esc(beijingDay(i.publishedAt))}</td><td>${n}篇</td></tr>`;
  })
  .join('\n')}
</tbody></table></section>`,
    )
    .join('\n');
  const search = `<form role="search" id="search" onsubmit="return false"><label for="q">检索往期公报（标题、文号）</label>
<input id="q" name="q" type="search"> <output id="hits" for="q" aria-live="polite"></output></form>
<script>
(function(){var d=null,q=document.getElementById('q'),o=document.getElementById('hits');
q.addEventListener('input',function(){var t=q.value.trim();if(!t){o.innerHTML='';return}
var go=function(){var h=[];d.issues.forEach(function(i){i.articles.forEach(function(a){if((a.title+' '+(a.docNo||'')).indexOf(t)>=0)h.push('<li><a href="'+a.url+'">'+a.title.replace(/[<&]/g,'')+'</a>（'+i.label+'）</li>')})});o.innerHTML=h.length?'<ul>'+h.join('')+'</ul>':'未找到'};
if(d)go();else fetch('open-data.json').then(function(r){return r.json()}).then(function(j){d=j;go()})});})();
</script>`;
  const body = `<main id="content" role="main"><h1>往期目录</h1>${search}
${rows || '<p>尚未出版。</p>'}</main>`;
  return layout(
    site,
    `${bookTitle(site.title)} 往期目录`,
    { ArticleTitle: `${bookTitle(site.title)} 往期目录`, Url: `${site.baseUrl}/index.html` },
    '',
    body,
    '',
  );
}

function xmlEsc(s: unknown): string {
  return esc(s);
}

/** Atom feed (RFC 4287) of issues, newest first: one entry per issue with its table of contents. */
export function renderAtom(site: GazetteSiteInfo, issues: PublishedIssueView[], limit = 100): string {
  const sorted = [...issues].sort((a, b) => b.totalNo - a.totalNo).slice(0, limit);
  const updated = sorted[0]?.publishedAt ?? new Date(0).toISOString();
  const entries = sorted
    .map((i) => {
      const url = issueUrl(site, i);
      const summary = i.toc.sections.map((s) => `${s.title}：${s.entries.map((e) => e.title).join('；')}`).join('\n');
      return `  <entry>
    <id>${xmlEsc(url)}</id>
    <title>${xmlEsc(`${bookTitle(site.title)}${issueLabel(i)}`)}</title>
    <link rel="alternate" type="text/html" href="${xmlEsc(url)}"/>
    <published>${xmlEsc(i.publishedAt)}</published>
    <updated>${xmlEsc(i.publishedAt)}</updated>
${i.toc.sections.map((s) => `    <category term="${xmlEsc(s.title)}"/>`).join('\n')}
    <summary type="text">${xmlEsc(summary)}</summary>
  </entry>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <id>${xmlEsc(`${site.baseUrl}/atom.xml`)}</id>
  <title>${xmlEsc(bookTitle(site.title))}</title>
  <subtitle>${xmlEsc(`${site.organisationName}主办 · ${site.frequencyLabel}`)}</subtitle>
  <link rel="self" type="application/atom+xml" href="${xmlEsc(`${site.baseUrl}/atom.xml`)}"/>
  <link rel="alternate" type="text/html" href="${xmlEsc(`${site.baseUrl}/index.html`)}"/>
  <author><name>${xmlEsc(site.publisher ?? site.organisationName)}</name></author>
  <updated>${xmlEsc(updated)}</updated>
${entries}
</feed>
`;
}

/**
 * The open database of the gazette: every issue back to the first and every article in it, with the
 * 政务公开 catalogue metadata, oldest issue first. Stable field names (documented in README.md).
 */
export function renderOpenData(site: GazetteSiteInfo, issues: PublishedIssueView[], generatedAt: Date): string {
  const sorted = [...issues].sort((a, b) => a.totalNo - b.totalNo);
  const data = {
    format: 'gazette-open-data',
    version: 1,
    gazette: {
      title: site.title,
      organisation: site.organisationName,
      publisher: site.publisher,
      frequency: site.frequencyLabel,
      url: `${site.baseUrl}/index.html`,
    },
    generatedAt: generatedAt.toISOString(),
    issueCount: sorted.length,
    issues: sorted.map((i) => ({
      id: i.id,
      year: i.year,
      issueNo: i.issueNo,
      totalNo: i.totalNo,
      label: issueLabel(i),
      publishedAt: i.publishedAt,
      url: issueUrl(site, i),
      articles: i.toc.sections.flatMap((s) =>
        s.entries.map((e) => {
          const snap = i.catalogue?.[e.entryId] ?? i.articles[e.entryId];
          return {
            position: e.position,
            section: s.title,
            title: e.title,
            url: `${issueUrl(site, i)}#${e.anchor}`,
            itemId: e.itemId,
            versionNo: e.versionNo ?? null,
            indexNo: e.indexNo ?? null,
            docNo: e.docNo,
            issuingBody: e.issuingBody ?? null,
            writtenDate: e.writtenDate ?? null,
            kind: e.kind ?? null,
            kindLabel: e.kind ? (ITEM_KIND_LABELS[e.kind as ItemKind] ?? e.kind) : null,
            category: snap?.category ?? null,
            validity: snap?.validity ?? null,
            erratum: s.title === ERRATA_SECTION && e.erratum ? { text: e.erratum.text, corrects: e.erratum.correctsLabel } : null,
          };
        }),
      ),
    })),
  };
  return JSON.stringify(data, null, 1) + '\n';
}

/** How an article looks in the issue, for the console preview. */
export function renderArticlePreview(site: GazetteSiteInfo, snapshot: ItemSnapshot, section: string, nextLabel: string): string {
  const e: TocEntry = { entryId: 'preview', deliveryId: '', itemId: snapshot.itemId, title: snapshot.title, docNo: snapshot.docNo, position: 1, anchor: 'a1' };
  return layout(
    site,
    `${bookTitle(site.title)}（预览）`,
    { ArticleTitle: snapshot.title },
    `<div class="no">${esc(nextLabel)}（预览）· ${esc(section)}</div>`,
    `<main id="content" role="main">${articleHtml(e, snapshot)}</main>`,
    '',
  );
}
