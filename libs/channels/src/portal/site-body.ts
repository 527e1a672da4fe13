import sanitizeHtml from 'sanitize-html';
import {
  BODY_LAYOUT_TAGS,
  BODY_TAGS,
  BODY_URL_SCHEMES,
  BODY_URL_SCHEMES_BY_TAG,
  bodyAttributes,
  LAYOUT_CLASSES,
  layoutClasses,
} from '@app/domain/body/body-layout';

/**
 * An item body as the public sites (portal and gazette) print it. The stored body carries its layout as
 * two inline style properties (apps/api/src/items/body-sanitizer.ts); the sites print it as classes
 * their own stylesheet defines (`align-right`, `indent-2`, SITE_BODY_CSS), so a page needs no inline
 * style attribute (a stricter Content-Security-Policy in front of the site, without 'unsafe-inline'
 * for attributes, still shows the layout). Tables get borders and scroll on their own on a narrow
 * screen (a focusable region, so the keyboard can scroll it too).
 *
 * The body was sanitised when stored; this pass keeps the same markup and drops anything else again.
 */
const LAYOUT_TAGS = [...BODY_LAYOUT_TAGS, 'div'];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: BODY_TAGS,
  allowedAttributes: bodyAttributes('class', LAYOUT_TAGS),
  allowedClasses: Object.fromEntries(LAYOUT_TAGS.map((t) => [t, LAYOUT_CLASSES])),
  allowedSchemes: BODY_URL_SCHEMES,
  allowedSchemesByTag: BODY_URL_SCHEMES_BY_TAG,
  allowProtocolRelative: false,
  transformTags: {
    '*': (tagName, attribs) => {
      const { style, class: _dropped, ...rest } = attribs;
      const classes = layoutClasses(style);
      return { tagName, attribs: classes.length ? { ...rest, class: classes.join(' ') } : rest };
    },
  },
};

export function siteBodyHtml(html: string): string {
  return sanitizeHtml(html ?? '', OPTIONS)
    .replace(/<table>/g, '<div class="table-wrap" role="region" aria-label="表格" tabindex="0"><table>')
    .replace(/<\/table>/g, '</table></div>');
}

/** The sites' rules for what siteBodyHtml prints (both stylesheets include it). */
export const SITE_BODY_CSS = `
.body table{border-collapse:collapse;margin:12px 0;min-width:50%}.body th,.body td{border:1px solid #555;padding:4px 10px;vertical-align:top}
.body th{background:#f3f3f3}.body td p,.body th p{margin:0}.table-wrap{overflow-x:auto;max-width:100%}
.align-center{text-align:center}.align-right{text-align:right}.align-justify{text-align:justify}
.indent-1{text-indent:1em}.indent-2{text-indent:2em}.indent-3{text-indent:3em}.indent-4{text-indent:4em}
.body figure{margin:16px auto;text-align:center}.body figcaption{color:var(--muted);font-size:.9rem;margin-top:4px;text-indent:0}`;
