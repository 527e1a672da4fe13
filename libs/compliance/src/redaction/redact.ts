import { Finding, PERSONAL_DATA_RULES, RULES } from '../finding';
import { isValidResidentId, luhnValid } from '../detectors/personal-data.validators';
import { htmlToTextWithMap, plainTextMap } from '../text/html-text';
import { maskText } from './masks';

export type RedactableFinding = Pick<Finding, 'rule' | 'start' | 'end'>;

export interface RedactResult {
  text: string;
  /** Findings whose span was masked. */
  applied: RedactableFinding[];
  /** Findings left alone: not personal data, overlapping another, or no longer matching the text. */
  skipped: Array<RedactableFinding & { reason: string }>;
}

/** The span must still hold what the finding was about, or we would mask the wrong characters. */
function stillMatches(rule: string, visible: string): boolean {
  const digits = visible.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  switch (rule) {
    case RULES.idCard: {
      const id = digits.replace(/[^0-9Xx]/g, '');
      return isValidResidentId(id);
    }
    case RULES.mobile:
      return /1[3-9]\d{9}$/.test(digits.replace(/\D/g, ''));
    case RULES.bankCard: {
      const d = digits.replace(/\D/g, '');
      return d.length >= 16 && d.length <= 19 && luhnValid(d);
    }
    default:
      return visible.trim().length > 0;
  }
}

/**
 * One-click redaction: masks every personal-data finding in place (see masks.ts), keeping HTML
 * intact — tags and attributes are never touched, only the text characters inside the span, and an
 * entity that encodes a masked character becomes one '*'. Other findings are ignored.
 */
export function redactWithReport(text: string, findings: readonly RedactableFinding[], opts: { html?: boolean } = {}): RedactResult {
  const map = opts.html ? htmlToTextWithMap(text) : plainTextMap(text);
  const applied: RedactableFinding[] = [];
  const skipped: RedactResult['skipped'] = [];
  const ops = new Map<number, number>(); // original start → original end of a unit to replace with '*'
  const claimed: Array<[number, number]> = [];
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  for (const f of sorted) {
    if (!PERSONAL_DATA_RULES.has(f.rule)) {
      skipped.push({ ...f, reason: 'not personal data' });
      continue;
    }
    if (f.start < 0 || f.end > text.length || f.end <= f.start) {
      skipped.push({ ...f, reason: 'out of range' });
      continue;
    }
    if (claimed.some(([s, e]) => f.start < e && s < f.end)) {
      skipped.push({ ...f, reason: 'overlaps another finding' });
      continue;
    }
    // Text units wholly inside the span.
    let lo = 0;
    let hi = map.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (map.starts[mid] < f.start) lo = mid + 1;
      else hi = mid;
    }
    let j = lo;
    while (j < map.starts.length && map.ends[j] <= f.end) j++;
    const visible = map.text.slice(lo, j);
    if (!visible || !stillMatches(f.rule, visible)) {
      skipped.push({ ...f, reason: 'text changed since the check' });
      continue;
    }
    const masked = maskText(f.rule, visible);
    for (let k = 0; k < visible.length; k++) {
      if (masked[k] === '*' && visible[k] !== '*') ops.set(map.starts[lo + k], map.ends[lo + k]);
    }
    claimed.push([f.start, f.end]);
    applied.push(f);
  }
  let out = '';
  let at = 0;
  for (const [s, e] of [...ops].sort((a, b) => a[0] - b[0])) {
    if (s < at) continue;
    out += text.slice(at, s) + '*';
    at = e;
  }
  out += text.slice(at);
  return { text: out, applied, skipped };
}

export function redact(text: string, findings: readonly RedactableFinding[], opts: { html?: boolean } = {}): string {
  return redactWithReport(text, findings, opts).text;
}
