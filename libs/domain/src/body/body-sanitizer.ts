import sanitizeHtml from 'sanitize-html';
import { BODY_TAGS, BODY_URL_SCHEMES, BODY_URL_SCHEMES_BY_TAG, bodyAttributes, cellSpan, LAYOUT_STYLES } from './body-layout';

/**
 * Bodies are sanitised before storage: no script, no event handlers, no javascript: URLs, only the
 * markup an article needs (the rich-text editor produces a subset of this). Layout survives as two
 * style properties only, with bounded values (libs/domain/src/body/body-layout.ts): paragraph
 * alignment and a first-line indent of 1-4 em; every other declaration of a style attribute is dropped
 * (postcss-parsed by sanitize-html, so `text-align:right;background:url(…)` keeps only the alignment).
 * Table cell spans are whole numbers up to 20.
 */
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
  allowedTags: BODY_TAGS,
  allowedAttributes: { ...bodyAttributes('style'), '*': [] },
  allowedStyles: { '*': LAYOUT_STYLES },
  allowedSchemes: BODY_URL_SCHEMES,
  allowedSchemesByTag: BODY_URL_SCHEMES_BY_TAG,
  allowProtocolRelative: false,
  // Content of dropped elements that is never text (Word's clipboard carries <style> and <xml> blocks).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'svg', 'math', 'xml', 'title', 'head'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }), td: boundCell, th: boundCell },
};

export function sanitizeBody(html: string): string {
  return sanitizeHtml(html ?? '', OPTIONS);
}
