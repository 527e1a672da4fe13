import { RULES } from '../finding';

/**
 * Masks for personal data, length-preserving (one '*' per masked character) so that masking one
 * finding never moves the offsets of another, and the reader still sees the shape of what was there.
 *
 *   身份证 110105194910010021 → 110***********0021
 *   手机   138 0013 8000      → 138 **** 8000
 *   银行卡 6222020200001234567 → 6222***********4567
 *   姓名   张三丰              → 张**
 *   住址   贵州省贵阳市观山湖区长岭北路8号 → 贵州省贵阳市观山湖区******
 */
const DIGIT_LIKE = /[0-9Xx\uff10-\uff19\uff38\uff58]/;
const DIGIT = /[0-9\uff10-\uff19]/;
const ADMIN_LEVEL = /[省市区县旗州盟]/;

function maskPositions(s: string, masked: Set<number>): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += masked.has(i) ? '*' : s[i];
  return out;
}

function indicesOf(s: string, re: RegExp): number[] {
  const idx: number[] = [];
  for (let i = 0; i < s.length; i++) if (re.test(s[i])) idx.push(i);
  return idx;
}

export function maskText(rule: string, s: string): string {
  switch (rule) {
    case RULES.idCard: {
      const d = indicesOf(s, DIGIT_LIKE);
      return maskPositions(s, new Set(d.slice(3, Math.max(3, d.length - 4))));
    }
    case RULES.mobile: {
      const d = indicesOf(s, DIGIT);
      const mobile = d.slice(-11);
      return maskPositions(s, new Set(mobile.slice(3, 7)));
    }
    case RULES.bankCard: {
      const d = indicesOf(s, DIGIT);
      return maskPositions(s, new Set(d.slice(4, Math.max(4, d.length - 4))));
    }
    case RULES.personName: {
      const chars = indicesOf(s, /\S/);
      return maskPositions(s, new Set(chars.slice(1)));
    }
    case RULES.personAddress: {
      let keep = -1;
      for (let i = 0; i < Math.min(s.length, 12); i++) if (ADMIN_LEVEL.test(s[i])) keep = i;
      if (keep < 0) keep = Math.min(2, Math.floor(s.length / 3) - 1);
      const masked = new Set<number>();
      for (let i = keep + 1; i < s.length; i++) if (/\S/.test(s[i])) masked.add(i);
      return maskPositions(s, masked);
    }
    default:
      return s;
  }
}
