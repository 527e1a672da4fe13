import { randomInt } from 'crypto';
import { AppError } from '../errors/app-error';
import type { FieldProblem } from '../errors/field-problem.types';
import { COMMON_PASSWORDS } from './common-passwords';

/**
 * The one password policy, for every place that sets a password (new users, an admin's reset, the
 * demo seed and SEED_PASSWORD): at least 10 characters; three of the four classes lower case, upper
 * case, digits, symbols (anything else, CJK included); not a common password (nor one decorated with
 * digits and symbols); not the username.
 */
export const PASSWORD_MIN_LENGTH = 10;
const COMMON = new Set(COMMON_PASSWORDS);
const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '8': 'b',
  '3': 'e',
  '6': 'g',
  '1': 'i',
  '!': 'i',
  '|': 'l',
  '0': 'o',
  $: 's',
  '5': 's',
  '7': 't',
  '+': 't',
  '2': 'z',
};

const SHIFTED = '!@#$%^&*()';

interface Problem {
  reason: string; // English, for details[].reason
  message: string; // Chinese, for the operator
}

/** What is wrong with `password` for `username` (empty when it satisfies the policy). */
export function passwordProblems(password: string, username?: string | null): Problem[] {
  const out: Problem[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH)
    out.push({ reason: `must be at least ${PASSWORD_MIN_LENGTH} characters`, message: `至少 ${PASSWORD_MIN_LENGTH} 个字符` });
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3)
    out.push({ reason: 'must mix at least three of: lower case, upper case, digits, symbols', message: '须包含小写字母、大写字母、数字、符号中的至少三类' });
  if (isCommon(password)) out.push({ reason: 'is a commonly used password', message: '不能使用常见密码（容易被猜中）' });
  const name = username?.trim().toLowerCase();
  const lower = password.toLowerCase();
  if (name && (lower === name || lower === [...name].reverse().join(''))) out.push({ reason: 'must not be the username', message: '不能与用户名相同' });
  return out;
}

/** Throws a 400 (WEAK_PASSWORD) naming `field` and every rule the password breaks. */
export function assertPasswordPolicy(password: string, username?: string | null, field = 'password'): void {
  const problems = passwordProblems(password, username);
  if (!problems.length) return;
  const details: FieldProblem[] = problems.map((p) => ({ field, reason: p.reason }));
  throw AppError.badRequest('WEAK_PASSWORD', `密码不符合要求：${problems.map((p) => p.message).join('；')}`, details);
}

function isCommon(password: string): boolean {
  const lower = password.toLowerCase();
  // keyboard walks typed with shift (`1qaz@WSX`): the shifted digit row counts as digits
  const unshifted = [...lower].map((c) => (SHIFTED.indexOf(c) >= 0 ? '1234567890'[SHIFTED.indexOf(c)] : c)).join('');
  if (COMMON.has(lower) || COMMON.has(unshifted) || /^(.{1,3})\1+$/.test(lower)) return true;
  // the core: letters left when leading and trailing digits and symbols are dropped, then leetspeak undone
  const strip = (s: string) => s.replace(/^[^a-z]+/, '').replace(/[^a-z]+$/, '');
  const core = strip(lower);
  const plain = strip([...core].map((c) => LEET[c] ?? c).join(''));
  return [core, plain].some((c) => c.length > 0 && COMMON.has(c));
}

/** A random password that satisfies the policy (16 characters from all four classes), for the demo seed. */
export function generatePassword(): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '-_.!@#%'];
  const all = sets.join('');
  const chars = sets.map((s) => s[randomInt(s.length)]);
  while (chars.length < 16) chars.push(all[randomInt(all.length)]);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
