import { DomUtils, parseDocument } from 'htmlparser2';
import { decodeText } from './html-decode';
import type { FetchedResource } from './import-fetcher';

export interface SourceList {
  kind: 'sitemap' | 'sitemapindex' | 'feed' | 'column';
  /** Article pages (absolute URLs, in order, without repeats). */
  pages: string[];
  /** Further lists to read: sitemaps of a sitemap index, next pages of a column. */
  more: string[];
}

const ARTICLE_PATH = /\.(s?html?|jhtml|jsp|php|aspx?)$/i;
const INDEX_PAGE = /(^|\/)(index|default|list)(_\d+)?\.(s?html?|jhtml|jsp|php|aspx?)$/i;

function abs(href: string, base: string): string | null {
  try {
    const u = new URL(href.trim(), base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    u.hash = '';
    return u.toString();
  } catch {
    return null;
  }
}

const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))];

/**
 * Reads what the import was pointed at: a sitemap (urlset), a sitemap index, an RSS or Atom feed, or a
 * column list page of the old portal (its article links on the same host, and its next pages).
 */
export function readSourceList(res: FetchedResource): SourceList {
  const text = decodeText(res.data, res.contentType);
  const head = text.slice(0, 1000).toLowerCase();
  if (/<urlset|<sitemapindex|<rss|<feed|<rdf:rdf/.test(head) && !/<html/.test(head)) {
    const doc = parseDocument(text, { xmlMode: true });
    const texts = (tag: string) => DomUtils.getElementsByTagName(tag, doc, true).map((e) => abs(DomUtils.textContent(e), res.url));
    if (/<sitemapindex/.test(head)) {
      const sitemaps = DomUtils.getElementsByTagName('sitemap', doc, true).flatMap((s) => DomUtils.getElementsByTagName('loc', s, true));
      return { kind: 'sitemapindex', pages: [], more: uniq(sitemaps.map((e) => abs(DomUtils.textContent(e), res.url))) };
    }
    if (/<urlset/.test(head)) return { kind: 'sitemap', pages: uniq(texts('loc')), more: [] };
    const items = DomUtils.getElementsByTagName('item', doc, true).flatMap((i) => DomUtils.getElementsByTagName('link', i, true));
    const entries = DomUtils.getElementsByTagName('entry', doc, true).flatMap((i) => DomUtils.getElementsByTagName('link', i, true));
    return {
      kind: 'feed',
      pages: uniq([...items.map((e) => abs(DomUtils.textContent(e), res.url)), ...entries.map((e) => abs(String(e.attribs.href ?? ''), res.url))]),
      more: [],
    };
  }
  const doc = parseDocument(text);
  const host = new URL(res.url).host;
  const pages: string[] = [];
  const more: string[] = [];
  for (const a of DomUtils.getElementsByTagName('a', doc, true)) {
    const href = abs(String(a.attribs.href ?? ''), res.url);
    if (!href || href === res.url || new URL(href).host !== host) continue;
    const path = new URL(href).pathname;
    const label = DomUtils.textContent(a).trim();
    if (/下一页|下页|next/i.test(label) || (INDEX_PAGE.test(path) && path.replace(/[^/]+$/, '') === new URL(res.url).pathname.replace(/[^/]+$/, ''))) {
      more.push(href);
    } else if (ARTICLE_PATH.test(path) && !INDEX_PAGE.test(path)) {
      pages.push(href);
    }
  }
  return { kind: 'column', pages: uniq(pages), more: uniq(more) };
}
