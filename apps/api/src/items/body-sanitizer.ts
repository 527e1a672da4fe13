import sanitizeHtml from 'sanitize-html';
import { cellSpan, TEXT_ALIGN_VALUE, TEXT_INDENT_VALUE } from '@app/domain/body/body-layout';

/**
 * Bodies are sanitised before storage: no script, no event handlers, no javascript: URLs, only the
 * markup an article needs (the rich-text editor produces a subset of this). Layout survives as two
 * style properties only, with bounded values (libs/domain/src/body/body-layout.ts): paragraph
 * alignment and a first-line indent of 1-4 em; every other declaration of a style attribute is dropped
 * (postcss-parsed by sanitize-html, so `text-align:right;background:url(…)` keeps only the alignment).
 * Table cell spans are whole numbers up to 20.
 */
const LAYOUT = ['style'];

const SCOPES = ['col', 'row', 'colgroup', 'rowgroup'];

const boundCell: sanitizeHtml.Transformer = (tagName, attribs) => {
  const out: sanitizeHtml.Attributes = { ...attribs };
  for (const k of ['colspan', 'rowspan']) {
    const v = cellSpan(attribs[k]);
    if (v) out[k] = v;
    else delete out[k];
  }
  if (!SCOPES.includes(out.scope)) delete out.scope;
  return { tagName, attribs: out };
};

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
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
  ],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan', ...LAYOUT],
    th: ['colspan', 'rowspan', 'scope', ...LAYOUT],
    p: LAYOUT,
    h1: LAYOUT,
    h2: LAYOUT,
    h3: LAYOUT,
    h4: LAYOUT,
    h5: LAYOUT,
    h6: LAYOUT,
    span: LAYOUT,
    '*': [],
  },
  allowedStyles: { '*': { 'text-align': [TEXT_ALIGN_VALUE], 'text-indent': [TEXT_INDENT_VALUE] } },
  allowedSchemes: ['http', 'https', 'mailto', 'data'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'], a: ['http', 'https', 'mailto'] },
  allowProtocolRelative: false,
  // Content of dropped elements that is never text (Word's clipboard carries <style> and <xml> blocks).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'xml', 'title', 'head'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }), td: boundCell, th: boundCell },
};

export function sanitizeBody(html: string): string {
  return sanitizeHtml(html ?? '', OPTIONS);
}
