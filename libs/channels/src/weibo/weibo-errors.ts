import { ChannelError, CredentialsError, PermanentError, RateLimitedError, RetryableError } from '../channel-adapter';

const REASONS: Record<number, string> = {
  10001: '微博系统错误',
  10002: '微博服务暂停',
  10009: '微博任务过多，系统繁忙',
  10012: '请求参数不合法',
  10014: '应用的接口访问权限受限',
  10016: '缺少必选参数',
  10017: '参数值非法（也可能是应用未绑定安全域名）',
  10022: 'IP 请求频次超过上限',
  10023: '用户请求频次超过上限',
  10024: '用户请求特殊接口频次超过上限',
  20005: '图片类型不支持（须为 JPG/GIF/PNG）',
  20006: '图片太大（须小于5MB）',
  20012: '微博文字超过140字',
  20016: '发布微博过于频繁',
  20017: '与已发微博内容相似',
  20018: '包含非法网址',
  20019: '与已发微博内容重复',
  20020: '包含广告信息',
  20021: '包含违规内容',
  20032: '微博已发布，但服务器繁忙，1-2分钟后才能看到',
  20111: '不能发布相同的微博',
  20101: '该微博不存在',
  21301: '认证失败',
  21315: '授权已过期，请重新授权微博账号',
  21327: '授权已过期，请重新授权微博账号',
  21332: '授权无效（access_token 失效），请重新授权微博账号',
};

/** Codes after which the post may already exist: look it up instead of failing. */
export const WEIBO_DUPLICATE_CODES = new Set([20017, 20019]);

/**
 * "Update success, while server slow now, please wait 1-2 minutes": the post was made. Never a failure:
 * published pending its id. 20032 in the current error tables, 20020 in an older official one
 * (PLATFORM.md §4): decided by the platform's text where it says so, by the number otherwise.
 */
export function isSlowUpdate(code: number, error: string): boolean {
  return /update success/i.test(error) || (code === 20032 && !error.trim());
}

/**
 * "Repeat content" / "similar content" (20019 / 20017 / 20111): the same text was posted recently, maybe by
 * us. Older tables give 20019 and 20017 other meanings ("Test and verify", "Content is illegal"): the
 * platform's text decides when it names one of them (PLATFORM.md §4).
 */
export function isDuplicateContent(code: number, error: string): boolean {
  if (/repeat|similar|相同|相似|重复/i.test(error)) return true;
  if (/verify|illegal|update success/i.test(error)) return false;
  return WEIBO_DUPLICATE_CODES.has(code) || code === 20111;
}

/** How long to wait for each rate limit (the platform does not say; its windows are an hour). */
export const WEIBO_RATE_WAIT_MS: Record<number, number> = {
  10022: 3600_000,
  10023: 3600_000,
  10024: 3600_000,
  20016: 15 * 60_000,
};

/** error_code as the docs send it (a string) or as some clients see it (a number). */
export function weiboErrorCode(body: unknown): number | null {
  if (!body || typeof body !== 'object') return null;
  const v = (body as Record<string, unknown>).error_code;
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function weiboMessage(code: number, error?: string): string {
  const raw = (error ?? '').trim();
  return `${REASONS[code] ?? '微博接口返回错误'}（微博错误码 ${code}${raw ? `：${raw}` : ''}）`;
}

export function weiboError(code: number, error?: string): ChannelError {
  const c = `WEIBO_${code}`;
  const message = weiboMessage(code, error);
  if (WEIBO_RATE_WAIT_MS[code]) return new RateLimitedError(c, message, WEIBO_RATE_WAIT_MS[code]);
  switch (code) {
    case 21301:
    case 21315:
    case 21327:
    case 21332:
      // OAuth tokens are renewed by the account holder authorising again: nothing to refresh here.
      return new CredentialsError(c, message, false);
    case 10001:
    case 10002:
    case 10009:
      return new RetryableError(c, message);
    default:
      // 10014 / 10017 / 20005 / 20006 / 20012 / 20017 / 20018 / 20019 / 20020 / 20021 and codes we do not know
      return new PermanentError(c, message);
  }
}
