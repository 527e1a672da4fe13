import { createHash } from 'crypto';
import type { ItemKind } from '@app/domain/enums/domain-enums';
import { VALIDITIES } from '@app/domain/enums/domain-enums';
import type { ArticlePage } from './article-page';

/** An old article as it becomes an item: its original metadata, its body still with the old site's URLs. */
export interface ImportedArticle {
  url: string;
  title: string;
  /** The original publication time (PubDate), ISO. */
  publishedAt: string;
  /** 发布日期 (Beijing day of PubDate). */
  publishDate: string;
  indexNo: string | null;
  docNo: string | null;
  issuingBody: string | null;
  writtenDate: string | null;
  category: string;
  validity: string;
  kind: ItemKind;
  summary: string;
  columnName: string;
  keywords: string;
  author: string;
  bodyHtml: string;
  images: string[];
  attachments: { url: string; name: string }[];
  links: string[];
}

/** 2023-05-12, 2023-05-12 09:30[:00], 2023/5/12, 2023年5月12日 [09:30] → the instant (Beijing time) or null. */
export function parseChineseDate(s: string | undefined): Date | null {
  const m = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?)?/.exec(s ?? '');
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h - 8, mi, se);
  const back = new Date(t + 8 * 3600_000);
  if (back.getUTCDate() !== d) return null;
  return new Date(t);
}

export function beijingDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function kindOf(column: string, title: string, docNo: string | null): ItemKind {
  const s = `${column} ${title}`;
  if (/解读/.test(s)) return 'interpretation';
  if (/规章/.test(column)) return 'regulation';
  if (/规范性文件/.test(s)) return 'normative';
  if (/人事|任免/.test(s)) return 'personnel';
  if (/回应|关切/.test(s)) return 'response';
  if (/通知|公告|公示/.test(column)) return 'notice';
  if (docNo && /政策|文件/.test(column)) return 'normative';
  return 'other';
}

const none = (s: string | undefined) => (!s || /^(无|暂无|-+|\/)$/.test(s.trim()) ? null : s.trim());

/** The item an article page becomes, or the reason it cannot be one (Chinese). */
export function articleOf(page: ArticlePage): ImportedArticle | { problem: string } {
  const m = page.meta;
  const c = page.catalogue;
  if (!page.title) return { problem: '页面没有文章标题（ArticleTitle）' };
  const at = parseChineseDate(m['pubdate']) ?? parseChineseDate(c['发布日期']);
  if (!at) return { problem: '页面没有可读的发布日期（PubDate）' };
  if (!page.bodyHtml.trim() && !page.attachments.length) return { problem: '页面没有可读的正文' };
  const written = parseChineseDate(c['成文日期']);
  const docNo = none(c['文号']);
  const validity = (VALIDITIES as readonly string[]).find((v) => (c['有效性'] ?? '').includes(v)) ?? '有效';
  return {
    url: page.url,
    title: page.title.slice(0, 200),
    publishedAt: at.toISOString(),
    publishDate: beijingDay(at),
    indexNo: none(c['索引号']),
    docNo,
    issuingBody: none(c['发布机构']) ?? none(m['contentsource']),
    writtenDate: written ? beijingDay(written) : null,
    category: none(c['主题分类']) ?? '其他',
    validity,
    kind: kindOf(m['columnname'] ?? '', page.title, docNo),
    summary: (m['description'] ?? '').slice(0, 500),
    columnName: m['columnname'] ?? '',
    keywords: m['keywords'] ?? '',
    author: m['author'] ?? '',
    bodyHtml: page.bodyHtml,
    images: page.images,
    attachments: page.attachments,
    links: page.links,
  };
}

/** What a second run compares: same hash, nothing to write. */
export function articleHash(a: ImportedArticle): string {
  return createHash('sha256').update(JSON.stringify(a)).digest('hex');
}
