/**
 * How Weibo measures a status: a Chinese (or any non-ASCII) character counts 1, two ASCII characters
 * count 1, rounded up. 140 is the limit for statuses/share.
 *
 * Written again here on purpose, not imported from libs/channels/src/weibo/weibo-length.ts: the
 * simulator stands for Weibo, and a rule shared with the adapter it tests could never catch the
 * adapter counting wrong.
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

/** URLs in a status; full-width punctuation ends a URL, as it does in Chinese text. */
export function extractUrls(text: string): string[] {
  return text.match(/https?:\/\/[^\s<>"'，。；！？、（）「」『』【】《》]+/gi) ?? [];
}

export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A host is on a safe domain when it is the domain or a subdomain of it. */
export function hostOnDomains(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return domains.some((d) => {
    const dd = d.toLowerCase();
    return h === dd || h.endsWith('.' + dd);
  });
}

/** True when at least one URL in the text is on one of the app's bound safe domains. */
export function hasSafeDomainUrl(text: string, domains: readonly string[]): boolean {
  return extractUrls(text).some((u) => {
    const h = hostOf(u);
    return h !== undefined && hostOnDomains(h, domains);
  });
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Weibo's created_at: "Tue May 31 17:46:55 +0800 2011", always in Beijing time. */
export function weiboDate(epochMs: number): string {
  const d = new Date(epochMs + 8 * 3600 * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0800 ${d.getUTCFullYear()}`;
}
