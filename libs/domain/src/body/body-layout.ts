/**
 * The markup an item body may carry, and its layout: paragraph alignment, first-line indent (in whole
 * em, 1-4), table cell spans. One definition for the console editor (paste from Word, toolbar), the
 * server's sanitiser and the channel renderers, so what the editor writes is exactly what survives
 * storage and what each channel knows how to show.
 *
 * Pure module (no imports): the console bundles it (apps/api/src/console-shared.spec.ts).
 */

export const BODY_ALIGNMENTS = ['left', 'center', 'right', 'justify'] as const;
export type BodyAlignment = (typeof BODY_ALIGNMENTS)[number];

export const MAX_INDENT_EM = 4;
export const MAX_CELL_SPAN = 20;

/** Style values the sanitiser keeps (anything else in a style attribute is dropped). */
export const TEXT_ALIGN_VALUE = /^(left|center|right|justify)$/;
export const TEXT_INDENT_VALUE = /^[1-4]em$/;

/** Style declarations a stored body keeps, as sanitize-html's allowedStyles of one tag. */
export const LAYOUT_STYLES: Record<string, RegExp[]> = { 'text-align': [TEXT_ALIGN_VALUE], 'text-indent': [TEXT_INDENT_VALUE] };

/** The elements a body is made of (the stored body and the public sites' copy of it). */
export const BODY_TAGS = [
  'p',
  'br',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'sub',
  'sup',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'img',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'span',
  'div',
  'hr',
  'pre',
  'code',
  'figure',
  'figcaption',
];

/** The elements that carry layout (a style attribute when stored, classes on the sites). */
export const BODY_LAYOUT_TAGS = ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'td', 'th', 'span'];

/** URL schemes a body keeps, in all and by element (a local file: picture keeps no address). */
export const BODY_URL_SCHEMES = ['http', 'https', 'mailto', 'data'];
export const BODY_URL_SCHEMES_BY_TAG: Record<string, string[]> = { img: ['http', 'https', 'data'], a: ['http', 'https', 'mailto'] };

/**
 * sanitize-html's allowedAttributes for BODY_TAGS: links, pictures and table cells keep their own
 * attributes, and each of `layoutTags` keeps `layoutAttribute` (`style` stored, `class` on the sites).
 */
export function bodyAttributes(layoutAttribute: string, layoutTags: readonly string[] = BODY_LAYOUT_TAGS): Record<string, string[]> {
  const out: Record<string, string[]> = {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
  };
  for (const tag of layoutTags) out[tag] = [...(out[tag] ?? []), layoutAttribute];
  return out;
}

export function normalizeAlign(v: string | null | undefined): BodyAlignment | null {
  const a = (v ?? '').trim().toLowerCase();
  if (a === 'middle') return 'center';
  return (BODY_ALIGNMENTS as readonly string[]).includes(a) ? (a as BodyAlignment) : null;
}

const PT_PER_UNIT: Record<string, number> = { pt: 1, px: 0.75, cm: 28.3465, mm: 2.83465, in: 72, pc: 12 };

/**
 * A first-line indent as whole em (characters), 0 for none. Word writes points (`text-indent:24.0pt`,
 * often with `mso-char-indent-count:2.0`, the count of characters the user chose); other sources write
 * em or px. Points become characters at the paragraph's font size (Word's Chinese body text: 12pt when
 * not given). Negative (hanging) indents are not kept.
 */
export function indentEm(textIndent: string | null | undefined, o: { charCount?: string | null; fontSizePt?: number | null } = {}): number {
  let em = o.charCount ? parseFloat(o.charCount) : NaN;
  if (!Number.isFinite(em)) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(em|rem|ch|pt|px|cm|mm|in|pc)?\s*$/i.exec(textIndent ?? '');
    if (!m) return 0;
    const v = parseFloat(m[1]);
    const unit = (m[2] ?? 'px').toLowerCase();
    const fontPt = o.fontSizePt && o.fontSizePt > 0 ? o.fontSizePt : 12;
    em = unit === 'em' || unit === 'rem' || unit === 'ch' ? v : (v * PT_PER_UNIT[unit]) / fontPt;
  }
  const n = Math.round(em);
  return n >= 1 ? Math.min(n, MAX_INDENT_EM) : 0;
}

/** A font size in points (Word writes `font-size:16.0pt`), null when unreadable. */
export function fontSizePt(v: string | null | undefined): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(pt|px)\s*$/i.exec(v ?? '');
  if (!m) return null;
  return m[2].toLowerCase() === 'pt' ? parseFloat(m[1]) : parseFloat(m[1]) * 0.75;
}

/** colspan / rowspan as a bounded whole number, null when it should be dropped (1 is the default). */
export function cellSpan(v: string | null | undefined): string | null {
  if (!/^\s*\d{1,3}\s*$/.test(v ?? '')) return null;
  const n = Number(v);
  return n >= 2 ? String(Math.min(n, MAX_CELL_SPAN)) : null;
}

/** Declarations of a style attribute, lower-cased property names. */
export function styleDeclarations(style: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (style ?? '').split(';')) {
    const i = part.indexOf(':');
    if (i > 0) out.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return out;
}

/** Every class layoutClasses prints. */
export const LAYOUT_CLASSES = [
  ...BODY_ALIGNMENTS.filter((a) => a !== 'left').map((a) => `align-${a}`),
  ...Array.from({ length: MAX_INDENT_EM }, (_, i) => `indent-${i + 1}`),
];

/**
 * Classes for the layout in a (sanitised) style attribute: what the public sites print instead of
 * inline styles (their stylesheet maps `align-right`, `indent-2`, ...).
 */
export function layoutClasses(style: string | null | undefined): string[] {
  const d = styleDeclarations(style);
  const out: string[] = [];
  const align = normalizeAlign(d.get('text-align'));
  if (align && align !== 'left') out.push(`align-${align}`);
  const indent = indentEm(d.get('text-indent'));
  if (indent) out.push(`indent-${indent}`);
  return out;
}
