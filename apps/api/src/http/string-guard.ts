import type { FieldProblem } from '@app/common/errors/app-error';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function problemOf(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode)';
  return null;
}

/**
 * Strings no request may carry anywhere (values or keys): NUL, which Postgres text refuses, and lone
 * UTF-16 surrogates, which are not Unicode and break JSON/UTF-8 encoders downstream. Returns one
 * problem per offending field path (`attachments.0.name`), at most `limit`. Iterative walk.
 */
export function badStrings(value: unknown, root: string, limit = 20): FieldProblem[] {
  const out: FieldProblem[] = [];
  const stack: [unknown, string][] = [[value, root]];
  const join = (at: string, k: string) => (at ? `${at}.${k}` : k);
  while (stack.length && out.length < limit) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      const p = problemOf(v);
      if (p) out.push({ field: at || 'body', reason: p });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(at, String(i))]);
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        const p = problemOf(k);
        if (p) out.push({ field: at || 'body', reason: `a key ${p}` });
        else stack.push([x, join(at, k)]);
      }
    }
  }
  return out;
}
