import type { FieldProblem } from '@app/common/errors/app-error';
import { WECHAT_TOKEN_MODES } from './wechat-client';
import { isEncodingAesKey } from './wechat-crypto';
import { WECHAT_LIMITS } from './wechat-fields';

/**
 * What a WeChat account's settings and credentials must look like, checked when the account is saved
 * (the same values are checked again at delivery: an account saved before these rules still stops
 * with a Chinese reason instead of misbehaving).
 */
export function wechatAccountProblems(settings: Record<string, unknown>, credentials?: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const mode = settings.tokenMode;
  if (mode !== undefined && mode !== null && !WECHAT_TOKEN_MODES.includes(mode as never)) {
    problems.push({ field: 'settings.tokenMode', reason: 'must be "stable" (POST /cgi-bin/stable_token, recommended, the default) or "token" (legacy GET /cgi-bin/token)' });
  }
  const int = (key: string, max: number) => {
    const v = settings[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) problems.push({ field: `settings.${key}`, reason: `must be a whole number from 1 to ${max}` });
  };
  // More than the documented 32 characters would only let the platform refuse the draft later.
  int('titleMaxChars', WECHAT_LIMITS.title);
  int('titleMaxBytes', WECHAT_LIMITS.title * 4);
  if (credentials) {
    for (const key of ['encodingAesKey', 'previousEncodingAesKey']) {
      const v = credentials[key];
      if (v !== undefined && v !== null && v !== '' && !isEncodingAesKey(v)) {
        problems.push({ field: `credentials.${key}`, reason: 'must be the 43-character EncodingAESKey (letters and digits) shown on the platform\'s server configuration page' });
      }
    }
  }
  return problems;
}
