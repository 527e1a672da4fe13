import { CheckField, Finding, RULES } from '../finding';
import { LinkCheckResult } from '../links/link-checker';
import { htmlToTextWithMap, plainTextMap, TextMap, toOriginalSpan } from '../text/html-text';

/**
 * Outgoing links of a field: <a href> values of HTML fields (absolute http/https only; relative
 * links point into our own portal) and URLs written out in the text. Positions are in the field's
 * original string. `linkFindings` turns the results of `checkLinks` into warn findings: a broken
 * link and a refused one (internal address) are both worth an editor's look before publication.
 */
export interface FoundLink {
  field: string;
  url: string;
  start: number;
  end: number;
}

const TEXT_URL_RE = /(?:https?:\/\/|www\.)[^\s<>"'`\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019]+/gi;

function absoluteHttp(url: string): string | null {
  const u = url.trim();
  if (/^https?:\/\//i.test(u)) return u;
  if (u.startsWith('//')) return `https:${u}`;
  return null;
}

export function extractLinksFromField(field: CheckField, htmlDefault = false): FoundLink[] {
  const html = field.html ?? htmlDefault;
  const map: TextMap = html ? htmlToTextWithMap(field.text) : plainTextMap(field.text);
  const out: FoundLink[] = [];
  for (const l of map.links) {
    const url = absoluteHttp(l.url);
    if (url) out.push({ field: field.field, url, start: l.start, end: l.end });
  }
  for (const m of map.text.matchAll(TEXT_URL_RE)) {
    let s = m[0];
    while (/[.,;:!?)\]}]$/.test(s)) s = s.slice(0, -1);
    const ts = m.index!;
    const te = ts + s.length;
    // A URL printed as its own anchor text is the same link as the href.
    if (map.links.some((l) => ts >= l.textStart && te <= l.textEnd)) continue;
    const url = /^www\./i.test(s) ? `http://${s}` : s;
    const span = toOriginalSpan(map, ts, te);
    out.push({ field: field.field, url, start: span.start, end: span.end });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function extractLinks(input: { fields: CheckField[]; html?: boolean }): FoundLink[] {
  return input.fields.flatMap((f) => extractLinksFromField(f, input.html));
}

const PROBLEM_TEXT: Record<string, string> = {
  'http-error': '返回错误状态',
  timeout: '访问超时',
  network: '连接失败',
  dns: '域名无法解析',
  'invalid-url': '链接地址无效',
  'too-many-redirects': '重定向次数过多',
};

/** One warn finding per link occurrence whose URL did not check out. */
export function linkFindings(links: readonly FoundLink[], results: readonly LinkCheckResult[]): Finding[] {
  const byUrl = new Map(results.map((r) => [r.url, r]));
  const findings: Finding[] = [];
  for (const l of links) {
    const r = byUrl.get(l.url);
    if (!r || r.ok) continue;
    if (r.problem === 'refused') {
      findings.push({
        rule: RULES.refusedLink,
        severity: 'warn',
        field: l.field,
        start: l.start,
        end: l.end,
        excerpt: l.url,
        message: `外部链接指向内网、本机或保留地址，系统已拒绝访问检查：${l.url}。公开页面不应链接内部系统，请核实后删除或更换为互联网地址。`,
      });
    } else {
      const what = PROBLEM_TEXT[r.problem ?? 'network'] ?? '无法访问';
      const status = r.status && r.problem === 'http-error' ? `（HTTP ${r.status}）` : '';
      findings.push({
        rule: RULES.brokenLink,
        severity: 'warn',
        field: l.field,
        start: l.start,
        end: l.end,
        excerpt: l.url,
        message: `外部链接${what}${status}：${l.url}。请核实链接地址，避免发布后出现“错链”“断链”。`,
      });
    }
  }
  return findings;
}
