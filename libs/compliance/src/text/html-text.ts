/**
 * Text content of a (sanitised) HTML fragment with a map back to the original string, so detectors run
 * on what a reader sees ("秘<b>密</b>★" is "秘密★") while findings point into the stored HTML.
 *
 * Hand-written rather than htmlparser2 because the map must be exact per UTF-16 unit, entities
 * included; the input is already sanitised, so the tokenizer only needs the shapes sanitize-html emits
 * plus a forgiving fallback for stray '<' and '&'.
 */
export interface TextMap {
  /** What a reader sees. Block boundaries become '\n', table cells '\t', source line breaks ' '. */
  text: string;
  /** starts[i] = offset in the original of the unit that produced text[i]. */
  starts: Int32Array;
  /** ends[i] = exclusive end offset in the original of that unit (an entity spans several). */
  ends: Int32Array;
  /** <a href> links found while scanning (HTML only). */
  links: HtmlLink[];
}

export interface HtmlLink {
  /** The decoded href value. */
  url: string;
  /** Span of the attribute value in the original string. */
  start: number;
  end: number;
  /** Span of the anchor's text content, in text offsets (for skipping a URL printed as its own label). */
  textStart: number;
  textEnd: number;
}

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'tr',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'section',
  'article',
  'header',
  'footer',
  'aside',
  'nav',
  'blockquote',
  'pre',
  'hr',
  'figure',
  'figcaption',
  'caption',
  'address',
  'main',
  'form',
  'fieldset',
  'legend',
  'details',
  'summary',
]);
const CELL_TAGS = new Set(['td', 'th']);
const RAW_SKIP_TAGS = new Set(['script', 'style', 'template', 'noscript']);

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: '\u00a0',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ldquo: '\u201c',
  rdquo: '\u201d',
  lsquo: '\u2018',
  rsquo: '\u2019',
  mdash: '\u2014',
  ndash: '\u2013',
  hellip: '\u2026',
  middot: '\u00b7',
  bull: '\u2022',
  times: '\u00d7',
  divide: '\u00f7',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  yen: '\u00a5',
  emsp: '\u2003',
  ensp: '\u2002',
  thinsp: '\u2009',
  zwj: '\u200d',
  zwnj: '\u200c',
  shy: '\u00ad',
  deg: '\u00b0',
  plusmn: '\u00b1',
  laquo: '\u00ab',
  raquo: '\u00bb',
  sect: '\u00a7',
  para: '\u00b6',
  permil: '\u2030',
  lsaquo: '\u2039',
  rsaquo: '\u203a',
  star: '\u2606',
  starf: '\u2605',
  bigstar: '\u2605',
  ast: '*',
  midast: '*',
  colon: ':',
  comma: ',',
  period: '.',
  lpar: '(',
  rpar: ')',
};

/** Identity map for plain-text fields. */
export function plainTextMap(text: string): TextMap {
  const n = text.length;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = i;
    ends[i] = i + 1;
  }
  return { text, starts, ends, links: [] };
}

/** Original-string span for a [start, end) span of the text. */
export function toOriginalSpan(map: TextMap, start: number, end: number): { start: number; end: number } {
  if (end <= start) {
    const at = start < map.starts.length ? map.starts[start] : map.ends.length ? map.ends[map.ends.length - 1] : 0;
    return { start: at, end: at };
  }
  return { start: map.starts[start], end: map.ends[end - 1] };
}

function isNameChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x3a;
}

function decodeEntity(html: string, i: number): { value: string; length: number } | null {
  // html[i] === '&'
  const m = /^&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/.exec(html.slice(i, i + 40));
  if (!m) return null;
  if (m[1] !== undefined || m[2] !== undefined) {
    const cp = m[1] !== undefined ? parseInt(m[1], 10) : parseInt(m[2], 16);
    if (cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { value: '\ufffd', length: m[0].length };
    return { value: String.fromCodePoint(cp), length: m[0].length };
  }
  const named = NAMED_ENTITIES[m[3]] ?? NAMED_ENTITIES[m[3].toLowerCase()];
  if (named === undefined || !m[0].endsWith(';')) return null;
  return { value: named, length: m[0].length };
}

/** Decoded value of an attribute, for hrefs ("&amp;" in query strings). */
function decodeAttr(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '&') {
      const e = decodeEntity(v, i);
      if (e) {
        out += e.value;
        i += e.length - 1;
        continue;
      }
    }
    out += v[i];
  }
  return out;
}

/** End of a tag starting at `i` ('<'), honouring quoted attribute values. Returns index after '>'. */
function tagEnd(html: string, i: number): number {
  let quote = 0;
  for (let j = i + 1; j < html.length; j++) {
    const c = html.charCodeAt(j);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return j + 1;
  }
  return html.length;
}

function findHref(html: string, tagStart: number, tagStop: number): { value: string; start: number; end: number } | null {
  const re = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
  const m = re.exec(html.slice(tagStart, tagStop));
  if (!m) return null;
  const raw = m[1] ?? m[2] ?? m[3] ?? '';
  const valueStart = tagStart + m.index + m[0].length - raw.length - (m[3] !== undefined ? 0 : 1);
  return { value: decodeAttr(raw), start: valueStart, end: valueStart + raw.length };
}

export function htmlToTextWithMap(html: string): TextMap {
  const n = html.length;
  const codes = new Uint16Array(n + 1);
  const starts = new Int32Array(n + 1);
  const ends = new Int32Array(n + 1);
  const links: HtmlLink[] = [];
  let openAnchor: { url: string; start: number; end: number; textStart: number } | null = null;
  let m = 0;
  const emit = (code: number, s: number, e: number) => {
    codes[m] = code;
    starts[m] = s;
    ends[m] = e;
    m++;
  };
  let i = 0;
  while (i < n) {
    const c = html.charCodeAt(i);
    if (c === 0x3c /* < */) {
      if (html.startsWith('<!--', i)) {
        const close = html.indexOf('-->', i + 4);
        i = close < 0 ? n : close + 3;
        continue;
      }
      const next = html.charCodeAt(i + 1);
      if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
        i = tagEnd(html, i);
        continue;
      }
      const closing = next === 0x2f;
      const nameStart = closing ? i + 2 : i + 1;
      let j = nameStart;
      while (j < n && isNameChar(html.charCodeAt(j))) j++;
      if (j === nameStart) {
        emit(c, i, i + 1); // a literal '<'
        i++;
        continue;
      }
      const name = html.slice(nameStart, j).toLowerCase();
      const end = tagEnd(html, i);
      if (!closing && RAW_SKIP_TAGS.has(name)) {
        const closeRe = new RegExp(`</${name}[\\s>/]`, 'gi');
        closeRe.lastIndex = end;
        const close = closeRe.exec(html);
        i = close ? tagEnd(html, close.index) : n;
        continue;
      }
      if (BLOCK_TAGS.has(name)) emit(0x0a, i, i);
      else if (CELL_TAGS.has(name) && !closing) emit(0x09, i, i);
      if (name === 'a') {
        if (closing) {
          if (openAnchor) links.push({ ...openAnchor, textEnd: m });
          openAnchor = null;
        } else {
          if (openAnchor) links.push({ ...openAnchor, textEnd: m });
          const href = findHref(html, i, end);
          openAnchor = href ? { url: href.value, start: href.start, end: href.end, textStart: m } : null;
        }
      }
      i = end;
      continue;
    }
    if (c === 0x26 /* & */) {
      const e = decodeEntity(html, i);
      if (e) {
        for (let k = 0; k < e.value.length; k++) emit(e.value.charCodeAt(k), i, i + e.length);
        i += e.length;
        continue;
      }
    }
    // Source line breaks inside HTML are just whitespace to a reader.
    emit(c === 0x0a || c === 0x0d || c === 0x09 ? 0x20 : c, i, i + 1);
    i++;
  }
  if (openAnchor) links.push({ ...openAnchor, textEnd: m });
  let text = '';
  const CHUNK = 8192;
  for (let k = 0; k < m; k += CHUNK) text += String.fromCharCode(...codes.subarray(k, Math.min(m, k + CHUNK)));
  return { text, starts: starts.slice(0, m), ends: ends.slice(0, m), links };
}
