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
    problems.push({ field: 'settings.tokenMode', reason: '获取接口调用凭据的方式应为 stable（稳定版接口，推荐，默认）或 token（旧式接口）' });
  }
  const int = (key: string, max: number) => {
    const v = settings[key];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) problems.push({ field: `settings.${key}`, reason: `应为 1 到 ${max} 的整数` });
  };
  // More than the documented 32 characters would only let the platform refuse the draft later.
  int('titleMaxChars', WECHAT_LIMITS.title);
  int('titleMaxBytes', WECHAT_LIMITS.title * 4);
  if (credentials) {
    for (const key of ['encodingAesKey', 'previousEncodingAesKey']) {
      const v = credentials[key];
      if (v !== undefined && v !== null && v !== '' && !isEncodingAesKey(v)) {
        problems.push({ field: `credentials.${key}`, reason: '消息加解密密钥应为公众平台“服务器配置”页面显示的 43 位 EncodingAESKey（字母和数字）' });
      }
    }
  }
  return problems;
}
