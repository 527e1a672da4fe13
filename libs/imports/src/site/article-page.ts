import { DomUtils, parseDocument } from 'htmlparser2';
import type { Document, Element } from 'domhandler';

/** What an old article page says, as read from its meta tags, its catalogue table and its content element. */
export interface ArticlePage {
  url: string;
  /** The meta tags (SiteName, SiteIDCode, ColumnName, ArticleTitle, PubDate, ...), by lower-case name. */
  meta: Record<string, string>;
  /** The catalogue table (索引号, 发布机构, 成文日期, 文号, 主题分类, 有效性), by canonical label. */
  catalogue: Partial<Record<CatalogueLabel, string>>;
  title: string;
  /** The content element's inner HTML, unsanitised, URLs as written on the page. */
  bodyHtml: string;
  /** Images (src) and attachment links (href, text) of the body, absolute. */
  images: string[];
  attachments: { url: string; name: string }[];
  /** Other pages the page links to (absolute, without fragment): policy ↔ interpretation. */
  links: string[];
}

export const CATALOGUE_LABELS = ['索引号', '发布机构', '成文日期', '文号', '主题分类', '有效性', '发布日期'] as const;
export type CatalogueLabel = (typeof CATALOGUE_LABELS)[number];

/** The labels as county CMSs print them, spaces and colons removed. */
const LABEL_ALIASES: Record<string, CatalogueLabel> = {
  索引号: '索引号',
  发布机构: '发布机构',
  发文机关: '发布机构',
  发布单位: '发布机构',
  发文单位: '发布机构',
  成文日期: '成文日期',
  成文时间: '成文日期',
  发文日期: '成文日期',
  文号: '文号',
  发文字号: '文号',
  文件编号: '文号',
  主题分类: '主题分类',
  信息分类: '主题分类',
  主题词分类: '主题分类',
  有效性: '有效性',
  时效性: '有效性',
  是否有效: '有效性',
  发布日期: '发布日期',
  发布时间: '发布日期',
};

/** Ids and classes of the article content element in the common county CMSs (TRS, 大汉, 政府网站集约化平台...), best first. */
const CONTENT_SELECTORS = [
  'zoom',
  'ucap-content',
  'trs_editor',
  'trs_ueditor',
  'article-content',
  'articlecontent',
  'pages_content',
  'news_content',
  'detail-content',
  'content-text',
  'contenttext',
  'wzcon',
  'zwnr',
  'xxgk_content',
  'content',
  'article',
  'con',
];

const ATTACHMENT_EXT = /\.(pdf|ofd|docx?|xlsx?|wps|et|zip|rar|7z|txt|pptx?)(\?|$)/i;

const norm = (s: string) => s.replace(/[\s\u00a0\u3000:：]/g, '');
const clean = (s: string) =>
  s
    .replace(/[\u00a0\u3000]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function attrOf(el: Element, name: string): string {
  return String(el.attribs?.[name] ?? '');
}

function absolute(href: string, base: string): string | null {
  const h = href.trim();
  if (!h || /^(javascript|mailto|tel|data):/i.test(h) || h.startsWith('#')) return null;
  try {
    const u = new URL(h, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    u.hash = '';
    return u.toString();
  } catch {
    return null;
  }
}

function readMeta(doc: Document): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of DomUtils.getElementsByTagName('meta', doc, true)) {
    const name = (attrOf(el, 'name') || attrOf(el, 'property')).trim().toLowerCase();
    if (name && !(name in out)) out[name] = clean(attrOf(el, 'content'));
  }
  return out;
}

/** Label/value cells of tables (a label cell followed by its value cell, or "标签：值" in one cell). */
function readCatalogue(doc: Document): Partial<Record<CatalogueLabel, string>> {
  const out: Partial<Record<CatalogueLabel, string>> = {};
  const cells = DomUtils.findAll((e) => e.name === 'td' || e.name === 'th' || e.name === 'dt' || e.name === 'dd', doc.children);
  for (let i = 0; i < cells.length; i++) {
    const text = clean(DomUtils.textContent(cells[i]));
    const whole = LABEL_ALIASES[norm(text)];
    if (whole && !(whole in out) && i + 1 < cells.length) {
      const next = clean(DomUtils.textContent(cells[i + 1]));
      if (!LABEL_ALIASES[norm(next)]) out[whole] = next;
      continue;
    }
    const m = /^([^:：]{2,12})[:：](.*)$/s.exec(text);
    if (m) {
      const label = LABEL_ALIASES[norm(m[1])];
      if (label && !(label in out)) out[label] = clean(m[2]);
    }
  }
  return out;
}

function tokens(el: Element): string[] {
  return [attrOf(el, 'id'), ...attrOf(el, 'class').split(/\s+/)].map((t) => t.toLowerCase()).filter(Boolean);
}

/** Length of the text an element holds itself (text and inline children), not inside nested blocks. */
function ownText(el: Element): number {
  let n = 0;
  for (const c of el.children) {
    if (c.type === 'text') n += clean((c as unknown as { data: string }).data).length;
    else if (c.type === 'tag' && /^(p|span|font|strong|b|em|br|a|u|i|h[1-6]|center)$/.test((c as Element).name)) n += clean(DomUtils.textContent(c)).length;
  }
  return n;
}

function contentElement(doc: Document): Element | null {
  const all = DomUtils.findAll((e) => /^(div|td|article|section|span)$/.test(e.name), doc.children);
  for (const sel of CONTENT_SELECTORS) {
    const hit = all.find(
      (e) => tokens(e).includes(sel) && (clean(DomUtils.textContent(e)).length > 0 || DomUtils.getElementsByTagName('img', e, true).length > 0),
    );
    if (hit) return hit;
  }
  let best: Element | null = null;
  let bestLen = 0;
  for (const e of all) {
    const n = ownText(e);
    if (n > bestLen) [best, bestLen] = [e, n];
  }
  return best;
}

export function parseArticlePage(html: string, url: string): ArticlePage {
  const doc = parseDocument(html, { decodeEntities: true });
  const meta = readMeta(doc);
  const catalogue = readCatalogue(doc);
  const content = contentElement(doc);
  const images: string[] = [];
  const attachments: { url: string; name: string }[] = [];
  if (content) {
    for (const img of DomUtils.getElementsByTagName('img', content, true)) {
      const src = absolute(attrOf(img, 'src'), url);
      if (src && !images.includes(src)) images.push(src);
    }
    for (const a of DomUtils.getElementsByTagName('a', content, true)) {
      const href = absolute(attrOf(a, 'href'), url);
      if (href && ATTACHMENT_EXT.test(new URL(href).pathname) && !attachments.some((x) => x.url === href)) {
        attachments.push({ url: href, name: clean(DomUtils.textContent(a)) || decodeURIComponent(new URL(href).pathname.split('/').pop() ?? '附件') });
      }
    }
  }
  const links = [
    ...new Set(
      DomUtils.getElementsByTagName('a', doc, true)
        .map((a) => absolute(attrOf(a, 'href'), url))
        .filter((h): h is string => !!h && h !== url && !ATTACHMENT_EXT.test(h)),
    ),
  ];
  const titleTag = DomUtils.getElementsByTagName('title', doc, true)[0];
  const title = meta['articletitle'] || clean(titleTag ? DomUtils.textContent(titleTag) : '');
  return {
    url,
    meta,
    catalogue,
    title,
    bodyHtml: content ? DomUtils.getInnerHTML(content, { encodeEntities: 'utf8' }) : '',
    images,
    attachments,
    links,
  };
}
