/** Weibo's own measure, the very function the Weibo adapter checks a status with (pure, bundled from there). */
export { WEIBO_MAX_LENGTH, weiboLength } from '../../../../libs/channels/src/weibo/weibo-length';

/** Characters as users count them (code points, so a CJK extension character counts once). */
export function charCount(text: string): number {
  return [...text].length;
}

/** Plain text of sanitised article HTML, paragraph per line (for diffs and counts). */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const blocks = doc.body.querySelectorAll('p,h1,h2,h3,h4,h5,h6,li,blockquote,pre,tr,figcaption');
  blocks.forEach((b) => b.append('\n'));
  doc.body.querySelectorAll('img').forEach((img) => img.replaceWith(`[图片 ${img.getAttribute('alt') || img.getAttribute('src')?.split('/').pop() || ''}]`));
  return (doc.body.textContent ?? '').replace(/\n{2,}/g, '\n').trim();
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

/**
 * Marks finding ranges in stored (sanitised) HTML for display. A range that would cut through a tag
 * is skipped (it is still listed beside the text).
 */
export function markRanges(html: string, ranges: { start: number; end: number; cls: string; title: string }[]): string {
  const sorted = [...ranges].filter((r) => r.end > r.start && r.end <= html.length).sort((a, b) => b.start - a.start);
  let out = html;
  let floor = Infinity;
  for (const r of sorted) {
    if (r.end > floor) continue; // overlapping: keep the later one
    const inner = out.slice(r.start, r.end);
    if (/[<>]/.test(inner) || insideTag(out, r.start)) continue;
    out = `${out.slice(0, r.start)}<mark class="${r.cls}" title="${escapeHtml(r.title)}">${inner}</mark>${out.slice(r.end)}`;
    floor = r.start;
  }
  return out;
}

function insideTag(html: string, pos: number): boolean {
  const lt = html.lastIndexOf('<', pos);
  const gt = html.lastIndexOf('>', pos - 1);
  return lt > gt;
}
