import { fontSizePt, indentEm, normalizeAlign, styleDeclarations } from '../../../../../libs/domain/src/body/body-layout';

/**
 * Pasted HTML (above all Word's clipboard: `<p class=MsoNormal align=right style='text-align:right'>`,
 * `text-indent:32.0pt;mso-char-indent-count:2.0`, `<table class=MsoTableGrid>` whose header row is bold
 * text in <td>, <o:p>, <st1:chsdate>, conditional comments, a <style> block) reduced to what the editor's
 * schema reads: paragraphs with `text-align` and `text-indent: <n>em`, tables with <th> for a header row,
 * images that can be loaded with their alt text and caption. Runs in the browser before ProseMirror
 * parses the paste (editorProps.transformPastedHTML); the DOMParser is injectable for the unit suite.
 *
 * Word's local pictures (`src="file:///C:/…/clip_image002.jpg"`) cannot be read by a web page: they are
 * left out and reported (by alt text), so the editor can ask for them to be uploaded.
 */
export interface CleanPaste {
  html: string;
  /** Alt texts (or '') of pictures left out because the browser cannot load them. */
  droppedImages: string[];
}

const REMOVE = new Set(['style', 'script', 'meta', 'link', 'title', 'xml', 'head', 'o:p', 'template', 'noscript', 'iframe', 'object', 'embed']);
const BLOCKS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'div', 'li', 'blockquote']);
const KEEP_ATTRS: Record<string, string[]> = { a: ['href', 'title'], img: ['src', 'alt', 'title'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'] };
const CJK = '[\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f]';
const CJK_LINE_BREAK = new RegExp(`(${CJK})[ \\t]*[\\r\\n]+[ \\t]*(?=${CJK})`, 'g');

export function cleanPastedHtml(html: string, parser: DOMParser = new DOMParser()): CleanPaste {
  // copied from an editor of the console itself: already its own markup, with ProseMirror's slice depths
  if (/^[^>]*\bdata-pm-slice=/.test(html.replace(/^\s*(<meta[^>]*>\s*)*/i, ''))) return { html, droppedImages: [] };
  const doc = parser.parseFromString(html, 'text/html');
  const body = doc.body;
  const droppedImages: string[] = [];
  prune(body);
  for (const table of [...body.querySelectorAll('table')]) headerRow(table);
  for (const img of [...body.querySelectorAll('img')]) {
    if (!loadable(img.getAttribute('src'))) {
      droppedImages.push((img.getAttribute('alt') ?? '').trim());
      const holder = img.closest('p,div,li,h1,h2,h3,h4,h5,h6');
      img.remove();
      if (holder && !holder.textContent?.trim() && !holder.querySelector('img')) holder.remove();
    }
  }
  captions(body);
  for (const el of [...body.querySelectorAll('*')]) layout(el);
  return { html: body.innerHTML, droppedImages };
}

/** Comments gone (conditional ones included), junk elements gone, namespaced wrappers unwrapped. */
function prune(node: Node): void {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === 8 /* comment */) {
      child.remove();
      continue;
    }
    if (child.nodeType === 3 /* text */) {
      // Word wraps its HTML source lines: a line break between two Chinese characters is no space.
      child.nodeValue = (child.nodeValue ?? '').replace(CJK_LINE_BREAK, '$1');
      continue;
    }
    if (child.nodeType !== 1) continue;
    const el = child as Element;
    const tag = el.tagName.toLowerCase();
    if (REMOVE.has(tag) || tag.startsWith('v:')) {
      el.remove();
      continue;
    }
    prune(el);
    // <st1:chsdate>2026年11月20日</st1:chsdate>, <w:Sdt>…: keep the text, drop the wrapper
    if (tag.includes(':') || tag === 'font') el.replaceWith(...el.childNodes);
  }
}

function isBold(el: Element | null, stop: Element): boolean {
  for (let e = el; e && e !== stop.parentElement; e = e.parentElement) {
    const tag = e.tagName.toLowerCase();
    if (tag === 'b' || tag === 'strong') return true;
    const w = styleDeclarations(e.getAttribute('style')).get('font-weight');
    if (w && (w === 'bold' || w === 'bolder' || Number(w) >= 600)) return true;
  }
  return false;
}

/** A first row of bold text (how Word tables mark a heading row) becomes <th> cells. */
function headerRow(table: HTMLTableElement): void {
  if (table.querySelector('th')) return;
  const first = table.rows[0];
  if (!first || table.rows.length < 2) return;
  const cells = [...first.cells];
  const texts = cells.map((c) => [...textNodes(c)].filter((t) => t.nodeValue?.trim()));
  if (!texts.some((t) => t.length)) return;
  const bold = cells.every((c, i) => texts[i].every((t) => isBold(t.parentElement, c)));
  if (!bold && first.parentElement?.tagName.toLowerCase() !== 'thead') return;
  for (const c of cells) {
    const th = c.ownerDocument.createElement('th');
    for (const a of [...c.attributes]) th.setAttribute(a.name, a.value);
    th.append(...c.childNodes);
    // the header cell is bold by itself
    for (const b of [...th.querySelectorAll('b,strong')]) b.replaceWith(...b.childNodes);
    c.replaceWith(th);
  }
}

function* textNodes(n: Node): Generator<Text> {
  for (const c of n.childNodes) {
    if (c.nodeType === 3) yield c as Text;
    else yield* textNodes(c);
  }
}

function loadable(src: string | null): boolean {
  const s = (src ?? '').trim();
  return /^https?:\/\//i.test(s) || (s.startsWith('/') && !s.startsWith('//'));
}

/** A picture followed by Word's caption paragraph (class MsoCaption) becomes one captioned figure. */
function captions(body: HTMLElement): void {
  for (const cap of [...body.querySelectorAll('p.MsoCaption')]) {
    const prev = cap.previousElementSibling;
    const img =
      prev?.tagName.toLowerCase() === 'img' ? prev : prev?.querySelectorAll('img').length === 1 && !prev.textContent?.trim() ? prev.querySelector('img') : null;
    if (!prev || !img) continue;
    const doc = body.ownerDocument;
    const figure = doc.createElement('figure');
    const figcaption = doc.createElement('figcaption');
    figcaption.textContent = (cap.textContent ?? '').replace(/\s+/g, ' ').trim();
    figure.append(img, figcaption);
    prev.replaceWith(figure);
    cap.remove();
  }
}

/** Only the layout the editor keeps, as canonical styles; every other attribute goes. */
function layout(el: Element): void {
  const tag = el.tagName.toLowerCase();
  const d = styleDeclarations(el.getAttribute('style'));
  const keep: string[] = [];
  if (BLOCKS.has(tag) || tag === 'td' || tag === 'th') {
    const align = normalizeAlign(d.get('text-align') ?? el.getAttribute('align'));
    if (align) {
      if (tag === 'td' || tag === 'th') {
        // the editor aligns the lines of a cell, not the cell
        for (const p of el.querySelectorAll('p'))
          if (!p.getAttribute('style')?.includes('text-align') && !p.hasAttribute('align')) p.setAttribute('align', align);
      } else keep.push(`text-align: ${align}`);
    }
    if (tag !== 'td' && tag !== 'th') {
      const size =
        fontSizePt(d.get('font-size')) ?? fontSizePt(styleDeclarations(el.querySelector('[style*="font-size"]')?.getAttribute('style')).get('font-size'));
      const em = indentEm(d.get('text-indent'), { charCount: d.get('mso-char-indent-count'), fontSizePt: size });
      if (em) keep.push(`text-indent: ${em}em`);
    }
  } else {
    // inline emphasis written as styles (Word does so for some runs) stays readable by the marks
    const w = d.get('font-weight');
    if (w && (w === 'bold' || Number(w) >= 600)) keep.push('font-weight: bold');
    if (d.get('font-style') === 'italic') keep.push('font-style: italic');
    if (/underline/.test(d.get('text-decoration') ?? '')) keep.push('text-decoration: underline');
  }
  const allowed = KEEP_ATTRS[tag] ?? [];
  for (const a of [...el.attributes]) if (!allowed.includes(a.name.toLowerCase())) el.removeAttribute(a.name);
  if (keep.length) el.setAttribute('style', keep.join('; '));
}
