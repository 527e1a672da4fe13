import * as crypto from 'crypto';
import sanitizeHtml from 'sanitize-html';
import type { Attachment } from '@app/domain/entities/item.types';
import { charLength, truncateChars, WECHAT_LIMITS } from './wechat-fields';
import { uploadKeyOf } from '../portal/upload-keys';
import { cellSpan, TEXT_ALIGN_VALUE, TEXT_INDENT_VALUE } from '@app/domain/body/body-layout';

/**
 * The article body as the WeChat article editor keeps it. The platform drops scripts, forms, iframes,
 * classes and ids, every <img> whose src is not on its own CDN, and every link that does not point to
 * an mp.weixin.qq.com article. So, before anything is sent:
 * - markup is reduced to what survives (div becomes section, the editor's own container);
 * - every image is replaced by a placeholder to be swapped for the URL media/uploadimg returns;
 * - links that would be dropped are kept as visible text: "label（URL）", so a reader can still find
 *   the portal page or the attachment;
 * - content over the limits (<20,000 characters, <1 MB) is cut at a block boundary with a note that
 *   the full text is behind 阅读原文 (content_source_url, the item's portal page).
 * Layout travels as inline styles, the only styling an article keeps: alignment and first-line indent
 * as stored, tables with borders (an unstyled WeChat table has none), a captioned picture as a centred
 * section with its caption line under it.
 */

const TABLE_STYLE = 'border-collapse:collapse;width:100%;margin:8px 0';
const CELL_STYLE = 'border:1px solid #999999;padding:4px 8px;vertical-align:top';
const HEAD_STYLE = `${CELL_STYLE};background-color:#f3f3f3`;

/** The element as `tag` with `extra` declarations after its own (kept only if allowedStyles allow them). */
const styled =
  (tag: string, extra: string): sanitizeHtml.Transformer =>
  (_name, attribs) => {
    const out: sanitizeHtml.Attributes = { ...attribs, style: [attribs.style, extra].filter(Boolean).join(';') };
    for (const k of ['colspan', 'rowspan']) {
      if (!(k in attribs)) continue;
      const v = cellSpan(attribs[k]);
      if (v) out[k] = v;
      else delete out[k];
    }
    return { tagName: tag, attribs: out };
  };

const WECHAT_BODY_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'section',
    'span',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'sub',
    'sup',
    'blockquote',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'ul',
    'ol',
    'li',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'img',
    'hr',
    'pre',
    'code',
    'figure',
    'figcaption',
    'a',
  ],
  allowedAttributes: {
    a: ['href'],
    img: ['src', 'alt'],
    td: ['colspan', 'rowspan', 'style'],
    th: ['colspan', 'rowspan', 'style'],
    table: ['style'],
    p: ['style'],
    span: ['style'],
    section: ['style'],
    ...Object.fromEntries(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => [h, ['style']])),
  },
  allowedStyles: {
    '*': {
      'text-align': [TEXT_ALIGN_VALUE],
      'text-indent': [TEXT_INDENT_VALUE],
      // only what the transforms below write (the stored body has none of these)
      border: [/^1px solid #999999$/],
      'border-collapse': [/^collapse$/],
      width: [/^100%$/],
      margin: [/^(8px 0|12px 0)$/],
      padding: [/^4px 8px$/],
      'vertical-align': [/^top$/],
      'background-color': [/^#f3f3f3$/],
      color: [/^#666666$/],
      'font-size': [/^14px$/],
    },
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'], a: ['http', 'https', 'mailto'] },
  allowProtocolRelative: false,
  // Content of dropped elements that are never text (scripts, styles, embedded objects) goes too.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math'],
  transformTags: {
    div: 'section',
    article: 'section',
    header: 'section',
    footer: 'section',
    main: 'section',
    table: styled('table', TABLE_STYLE),
    td: styled('td', CELL_STYLE),
    th: styled('th', HEAD_STYLE),
    figure: styled('section', 'text-align:center;margin:12px 0'),
    figcaption: styled('p', 'text-align:center;color:#666666;font-size:14px'),
  },
};

export interface BodyImage {
  /** Stable id of the source (sha1 of the src): the checkpoint key of its upload. */
  key: string;
  src: string;
  alt: string;
}

export interface PreparedBody {
  /** Sanitised HTML with image placeholders; attachments and the "full text" note not yet added. */
  html: string;
  images: BodyImage[];
  linksAsText: number;
}

export const PLACEHOLDER_PREFIX = '__WXIMG_';
/** Room reserved per image URL when measuring before upload (mmbiz URLs are ~100-130 characters). */
export const IMAGE_URL_ESTIMATE = 200;

const WECHAT_ARTICLE_HOSTS = ['mp.weixin.qq.com'];

export function imageKey(src: string): string {
  return crypto.createHash('sha1').update(src).digest('hex').slice(0, 20);
}

export function placeholder(key: string): string {
  return `${PLACEHOLDER_PREFIX}${key}__`;
}

/** Step 1: sanitise, placeholder the images, turn droppable links into text. */
export function prepareWechatBody(bodyHtml: string, portalUrl: string): PreparedBody {
  let html = sanitizeHtml(bodyHtml ?? '', WECHAT_BODY_OPTIONS);
  const images = new Map<string, BodyImage>();
  html = html.replace(/<img\b([^>]*)>/gi, (_tag, attrs: string) => {
    const src = decodeEntities(attr(attrs, 'src') ?? '').trim();
    if (!src) return '';
    const alt = decodeEntities(attr(attrs, 'alt') ?? '');
    const key = imageKey(src);
    if (!images.has(key)) images.set(key, { key, src, alt });
    return `<img src="${placeholder(key)}"${alt ? ` alt="${escapeAttr(alt)}"` : ''} style="max-width:100%;">`;
  });
  let linksAsText = 0;
  html = html.replace(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi, (_m, attrs: string, inner: string) => {
    const href = decodeEntities(attr(attrs, 'href') ?? '').trim();
    if (!href) return inner;
    const abs = absolute(href, portalUrl);
    if (abs && isWechatArticleUrl(abs)) return `<a href="${escapeAttr(abs)}">${inner}</a>`;
    if (!abs || /^mailto:/i.test(abs)) return inner;
    linksAsText++;
    const label = decodeEntities(stripTags(inner)).trim();
    if (!label || label === abs || label.includes(abs)) return escapeText(abs);
    return `${inner}（${escapeText(abs)}）`;
  });
  return { html, images: [...images.values()], linksAsText };
}

/** Attachments cannot be linked from an article: listed as text with their portal URLs. */
export function attachmentsHtml(attachments: Attachment[], portalUrl: string): string {
  if (!attachments?.length) return '';
  const rows = attachments.map((a, i) => `<p>${i + 1}. ${escapeText(a.name)}（${escapeText(absolute(a.url, portalUrl) ?? a.url)}）</p>`);
  return `<p><strong>附件：</strong></p>${rows.join('')}`;
}

export const SHORTENED_NOTE = '<p style="text-align:center;">（内容较长，以上为节选。全文及附件请点击文末“阅读原文”查看。）</p>';

export interface FittedBody {
  html: string;
  shortened: boolean;
  /** Image keys still in the article (the ones to upload). */
  imageKeys: string[];
  chars: number;
  bytes: number;
}

export interface ContentLimits {
  maxChars: number;
  maxBytes: number;
}

/** Strictly under the platform's limits, with a margin for what we cannot measure exactly. */
export const DEFAULT_CONTENT_LIMITS: ContentLimits = {
  maxChars: WECHAT_LIMITS.contentChars - 100,
  maxBytes: WECHAT_LIMITS.contentBytes - 4096,
};

/**
 * Step 2: the article as it will be sent (body + attachments), cut at a top-level block when it
 * exceeds the limits. `urlLength(key)` is the length the image URL will have (an estimate before
 * upload, the real length after).
 */
export function fitWechatContent(
  body: string,
  trailer: string,
  urlLength: (key: string) => number = () => IMAGE_URL_ESTIMATE,
  limits: ContentLimits = DEFAULT_CONTENT_LIMITS,
): FittedBody {
  const measure = (s: string) => {
    let chars = charLength(s);
    let bytes = Buffer.byteLength(s, 'utf8');
    for (const key of placeholderKeys(s)) {
      const delta = urlLength(key) - placeholder(key).length;
      chars += delta;
      bytes += delta;
    }
    return { chars, bytes };
  };
  const fits = (m: { chars: number; bytes: number }) => m.chars <= limits.maxChars && m.bytes <= limits.maxBytes;
  const whole = body + trailer;
  const m = measure(whole);
  if (fits(m)) return { html: whole, shortened: false, imageKeys: unique(placeholderKeys(whole)), ...m };

  const tail = SHORTENED_NOTE + trailer;
  const tailM = measure(tail);
  const budget = { chars: limits.maxChars - tailM.chars, bytes: limits.maxBytes - tailM.bytes };
  let kept = '';
  let used = { chars: 0, bytes: 0 };
  for (const block of topLevelBlocks(body)) {
    const b = measure(block);
    if (used.chars + b.chars > budget.chars || used.bytes + b.bytes > budget.bytes) {
      if (!kept) {
        // Not even the first block fits: keep as much of its text as fits.
        const room = Math.max(0, Math.min(budget.chars, Math.floor(budget.bytes / 3)) - 20);
        kept = `<p>${escapeText(truncateChars(decodeEntities(stripTags(block)).replace(/\s+/g, ' ').trim(), room))}</p>`;
      }
      break;
    }
    kept += block;
    used = { chars: used.chars + b.chars, bytes: used.bytes + b.bytes };
  }
  const html = kept + tail;
  return { html, shortened: true, imageKeys: unique(placeholderKeys(html)), ...measure(html) };
}

/** Step 3: placeholders replaced by the uploaded URLs (or, for previews, by the original sources). */
export function finalizeWechatBody(html: string, urlOf: (key: string) => string): string {
  return html.replace(new RegExp(`${PLACEHOLDER_PREFIX}([0-9a-f]{20})__`, 'g'), (_m, key: string) => escapeAttr(urlOf(key)));
}

export function placeholderKeys(html: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`${PLACEHOLDER_PREFIX}([0-9a-f]{20})__`, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) out.push(m[1]);
  return out;
}

const VOID = new Set(['br', 'img', 'hr', 'wbr', 'col', 'source', 'input', 'meta', 'link', 'area', 'base', 'embed', 'param', 'track']);

/**
 * Splits sanitised HTML into its top-level nodes (elements and text runs). Only used on
 * sanitize-html's output, whose tags are well formed and whose attribute values are quoted and
 * escaped, so a tag scanner is exact here.
 */
export function topLevelBlocks(html: string): string[] {
  const blocks: string[] = [];
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(\/?)>/g;
  let depth = 0;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const [tag, closing, nameRaw, selfClosing] = m;
    const name = nameRaw.toLowerCase();
    if (depth === 0 && m.index > start) {
      const text = html.slice(start, m.index);
      if (text.trim()) blocks.push(text);
      start = m.index;
    }
    if (closing) {
      depth = Math.max(0, depth - 1);
    } else if (!VOID.has(name) && !selfClosing) {
      depth++;
      continue;
    }
    if (depth === 0) {
      blocks.push(html.slice(start, m.index + tag.length));
      start = m.index + tag.length;
    }
  }
  if (start < html.length && html.slice(start).trim()) blocks.push(html.slice(start));
  return blocks;
}

export function isWechatArticleUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return WECHAT_ARTICLE_HOSTS.some((h) => host === h || host.endsWith('.' + h));
  } catch {
    return false;
  }
}

function absolute(href: string, base: string): string | null {
  if (/^mailto:/i.test(href)) return href;
  // a private upload is linked by the public copy the item's portal page publishes
  const upload = uploadKeyOf(href);
  if (upload) href = `../uploads/${upload}`;
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

export function stripTags(html: string): string {
  return html.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]+>/g, '');
}

export function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/**
 * Plain text of an article body (for digests, Weibo's text and previews): a line per block, a table row
 * as one line with its cells separated by '｜' (the lines inside a cell joined by a space).
 */
export function bodyText(html: string): string {
  const rows = (html ?? '').replace(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi, (_m, row: string) => {
    const cells = [...row.matchAll(/<t([dh])\b[^>]*>([\s\S]*?)<\/t\1>/gi)].map((c) =>
      stripTags(c[2].replace(/<\/(p|section|h[1-6]|li|blockquote|figcaption)>/gi, ' '))
        .replace(/\s+/g, ' ')
        .trim(),
    );
    return `<p>${cells.join('｜')}</p>`;
  });
  return decodeEntities(stripTags(rows.replace(/<\/(p|section|h[1-6]|li|tr|blockquote|figcaption|caption)>/gi, '$&\n')))
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}
