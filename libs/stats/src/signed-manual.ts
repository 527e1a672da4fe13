/**
 * Manual cells of type `signedInteger`: a count that may go down, such as 本年增/减 of the 2019 format
 * (国办公开办函〔2019〕60号, config/reports/gov-2019.yaml), which filled tables write as +173 or -2 ("减用负值表示").
 * Accepts a JSON integer or a string with an optional sign; returns the canonical decimal string.
 */
const MAX_VALUE = 1e12;
const REASON = '必须是整数（减少用负数表示，如 -8）';

/** The XLSX number format of a signed cell: +1, -2, 0, as filled tables print 本年增/减. */
export const SIGNED_NUM_FMT = '+0;-0;0';

export function parseSignedInteger(v: unknown): { value: string } | { reason: string } {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v)) return { reason: REASON };
    if (Math.abs(v) > MAX_VALUE) return { reason: '数值过大' };
    return { value: String(v === 0 ? 0 : v) };
  }
  if (typeof v === 'string') {
    const m = /^([+-]?)(\d+)$/.exec(v.trim());
    if (!m) return { reason: REASON };
    const digits = m[2].replace(/^0+(?=\d)/, '');
    if (Number(digits) > MAX_VALUE) return { reason: '数值过大' };
    return { value: m[1] === '-' && digits !== '0' ? `-${digits}` : digits };
  }
  return { reason: REASON };
}
