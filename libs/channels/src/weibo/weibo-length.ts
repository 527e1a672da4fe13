// Pure TypeScript (no imports): the console (apps/console) counts the editor's Weibo text with it.

export const WEIBO_MAX_LENGTH = 140;

/**
 * Weibo's length of a status: every non-ASCII character (Chinese, full-width punctuation, emoji)
 * counts 1, two ASCII characters count 1, rounded up. URLs are counted as written: the platform may
 * shorten them, but a status that fits unshortened fits in every case.
 */
export function weiboLength(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) {
    if ((ch.codePointAt(0) as number) < 0x80) ascii++;
    else other++;
  }
  return other + Math.ceil(ascii / 2);
}

/** The longest prefix of `text` whose Weibo length is at most `max`, with "…" when it was cut. */
export function fitWeibo(text: string, max: number): string {
  if (weiboLength(text) <= max) return text;
  if (max <= 0) return '';
  const room = max - 1; // the ellipsis counts 1
  let ascii = 0;
  let other = 0;
  let out = '';
  for (const ch of text) {
    const isAscii = (ch.codePointAt(0) as number) < 0x80;
    const a = ascii + (isAscii ? 1 : 0);
    const o = other + (isAscii ? 0 : 1);
    if (o + Math.ceil(a / 2) > room) break;
    ascii = a;
    other = o;
    out += ch;
  }
  return out.replace(/[\s，、；：,;:]+$/u, '') + '…';
}
