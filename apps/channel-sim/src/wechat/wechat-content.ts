/**
 * Pure helpers for WeChat article content, as the platform treats it: images whose src is not on
 * WeChat's own CDN are dropped from the stored article, and a missing digest is taken from the text.
 */
const WECHAT_IMAGE_HOSTS = ['mmbiz.qpic.cn', 'mmbiz.qlogo.cn'];

export function isWechatImageUrl(src: string): boolean {
  try {
    const host = new URL(src, 'http://relative.invalid').hostname.toLowerCase();
    return WECHAT_IMAGE_HOSTS.some((h) => host === h || host.endsWith('.' + h));
  } catch {
    return false;
  }
}

/** Removes every <img> whose src is not a WeChat CDN URL; returns the new HTML and how many went. */
export function stripForeignImages(html: string): { html: string; stripped: number; kept: string[] } {
  let stripped = 0;
  const kept: string[] = [];
  const out = html.replace(/<img\b[^>]*>/gi, (tag) => {
    // preceded by whitespace, so data-src / x-src are not taken for src
    const m = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    const src = m ? (m[1] ?? m[2] ?? m[3] ?? '') : '';
    if (src && isWechatImageUrl(src)) {
      kept.push(src);
      return tag;
    }
    stripped++;
    return '';
  });
  return { html: out, stripped, kept };
}

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|section)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The platform fills an empty digest with the first 54 characters of the text. */
export function defaultDigest(html: string): string {
  return Array.from(htmlToText(html).replace(/\s+/g, ' ')).slice(0, 54).join('');
}

/** `X1_Y1_X2_Y2`, each normalised to 0..1 with at most 6 decimals. */
export function isValidCrop(v: string): boolean {
  const parts = v.split('_');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/.test(p));
}
