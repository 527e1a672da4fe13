import * as crypto from 'crypto';

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

const URL_RE = /https?:\/\/[^\s<>"'，。；！？、（）「」『』【】《》]+/gi;

/** URLs in a status; full-width punctuation ends a URL, as it does in Chinese text. */
export function extractUrls(text: string): string[] {
  return text.match(URL_RE) ?? [];
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Weibo shows every link of a post as a t.cn short link ("http://t.cn/…"): the text that comes back
 * (in the share answer and in every timeline) is not the text that was sent. Source: recorded API
 * responses in the SDK repository gwu-libraries/sfm-weibo-harvester (tests/weibos.py: "text": "… http://t.cn/RGzPJYq";
 * weibo_harvester.py extracts links with r'(http://t.cn/[a-zA-z0-9]+)'), PLATFORM.md §1, CHANNELS.md.
 * The same URL always gets the same link.
 */
export function shortLink(url: string): string {
  let n = BigInt('0x' + crypto.createHash('sha1').update(url).digest('hex').slice(0, 16));
  let s = '';
  for (let i = 0; i < 7; i++) {
    s += BASE62[Number(n % 62n)];
    n /= 62n;
  }
  return `http://t.cn/${s}`;
}

export function withShortLinks(text: string): string {
  return text.replace(URL_RE, (u) => shortLink(u));
}

/**
 * A #话题# (a topic: text between two half-width #), which statuses/share refuses: "文本中不能包含“#话题词#”"
 * (open.weibo.com/wiki/2/statuses/share; PLATFORM.md §1). Links are left out first: a URL's #fragment is
 * no topic.
 */
export function hasTopic(text: string): boolean {
  return /#[^#\n]+#/.test(text.replace(URL_RE, ' '));
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
