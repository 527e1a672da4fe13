import * as path from 'path';
import { luhnValid, residentIdCheckChar } from '../detectors/personal-data.validators';

/** Repository paths of the shipped configuration, for specs that use the real lexicons and calendars. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const LEXICON_DIR = path.join(REPO_ROOT, 'config', 'lexicons');
export const CALENDAR_DIR = path.join(REPO_ROOT, 'config', 'calendar');

/** A resident ID number with a correct check character. */
export function validResidentId(first17: string): string {
  return first17 + residentIdCheckChar(first17);
}

/** A digit string completed with its Luhn check digit. */
export function withLuhnDigit(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(prefix + d)) return prefix + d;
  throw new Error('unreachable');
}

/** The same number with a wrong final digit. */
export function breakLastDigit(s: string): string {
  const last = s[s.length - 1];
  const alt = last === '1' ? '2' : '1';
  return s.slice(0, -1) + (last === 'X' ? '1' : alt);
}
