import { ChannelError, CredentialsError, PermanentError, RateLimitedError, RetryableError } from '../channel-adapter';

/** errcodes that mean "this access_token is not (or no longer) good": refresh once and retry. */
export const WECHAT_TOKEN_ERRCODES = new Set([40001, 40014, 42001, 41001]);

/** What each errcode means for an operator, in Chinese. */
const REASONS: Record<number, string> = {
  [-1]: '微信系统繁忙',
  40001: 'access_token 无效或不是最新',
  40002: 'grant_type 不正确',
  40004: '媒体文件类型不正确',
  40005: '图片文件类型不支持（须为 JPG/PNG）',
  40007: '媒体文件 ID（media_id）无效',
  40009: '图片大小超出限制',
  40013: 'AppID 无效，请核对公众号的 AppID',
  40014: 'access_token 不合法',
  40125: 'AppSecret 无效，请核对或重置公众号的 AppSecret',
  40164: '调用接口的服务器 IP 不在公众号的 IP 白名单中，请在微信公众平台“设置与开发 - 基本配置 - IP白名单”中添加本系统服务器的出口 IP',
  41001: '缺少 access_token',
  41002: '缺少 AppID',
  41004: '缺少 AppSecret',
  41005: '缺少上传的媒体文件',
  42001: 'access_token 已过期',
  44003: '图文消息内容为空',
  44004: '正文内容为空',
  45002: '正文内容超出长度限制',
  45003: '标题超出长度限制',
  45004: '摘要超出长度限制（128字）',
  45005: '原文链接超出长度限制',
  45008: '图文数量超出限制',
  45009: '接口调用已达今日上限，明日零点后自动重试',
  45011: '接口调用过于频繁（每分钟限额），稍后自动重试',
  45110: '作者超出长度限制（16字）',
  45166: '正文内容不合法（含有不被允许的内容）',
  47001: '请求数据格式不正确',
  48001: '公众号未获得该接口的权限（需已认证并开通发布能力），请在微信公众平台检查接口权限',
  53503: '草稿未通过发布检查，无法发布',
  53600: '文章 ID（article_id）无效',
};

/** freepublish publish_status values other than 0 (success) and 1 (publishing). */
export const PUBLISH_STATUS_REASONS: Record<number, string> = {
  2: '原创声明检查未通过',
  3: '常规发布失败',
  4: '平台审核不通过',
  5: '发布后已被用户删除',
  6: '发布后已被系统封禁',
};

export function wechatReason(errcode: number): string {
  return REASONS[errcode] ?? '微信接口返回错误';
}

/** Chinese reason + the platform's own code and message, as an operator should read it. */
export function wechatMessage(errcode: number, errmsg?: string): string {
  const raw = (errmsg ?? '').replace(/\s*rid:\s*\S+.*$/, '').trim();
  return `${wechatReason(errcode)}（微信错误码 ${errcode}${raw ? `：${raw}` : ''}）`;
}

/**
 * An errcode from /cgi-bin/token or /cgi-bin/stable_token itself. 40001 there is not a stale token but
 * wrong credentials ("AppSecret错误或者AppSecret不属于这个公众号", global code list; newer errmsg adds
 * "could get access_token by getStableAccessToken" — PLATFORM.md §5).
 */
export function wechatTokenEndpointMessage(errcode: number, errmsg?: string): string {
  const raw = (errmsg ?? '').replace(/\s*rid:\s*\S+.*$/, '').trim();
  const reason =
    errcode === 40001 ? 'AppSecret 错误，或 AppSecret 不属于该 AppID 的公众号，请核对（或在微信公众平台重置后重新填写）AppSecret' : wechatReason(errcode);
  return `获取 access_token 失败：${reason}（微信错误码 ${errcode}${raw ? `：${raw}` : ''}）`;
}

/**
 * Maps a non-zero errcode to the engine's typed outcome. Token errcodes are mapped to a
 * refreshable CredentialsError; callers that already refreshed once turn that into a
 * non-refreshable one.
 */
export function wechatError(errcode: number, errmsg?: string, now: Date = new Date()): ChannelError {
  const code = `WECHAT_${errcode}`;
  const message = wechatMessage(errcode, errmsg);
  switch (errcode) {
    case -1:
      return new RetryableError(code, message);
    case 45009:
      return new RateLimitedError(code, message, msUntilBeijingMidnight(now) + 60_000);
    case 45011:
      return new RateLimitedError(code, message, 60_000);
    case 40001:
    case 40014:
    case 42001:
    case 41001:
      return new CredentialsError(code, message, true);
    case 40164:
    case 48001:
    case 40013:
    case 40125:
    case 41002:
    case 41004:
    case 40002:
      return new CredentialsError(code, message, false);
    default:
      // 45002/45003/45004/45005/45110/45166/47001/40007/53503/40005/40009... and codes we do not
      // know: the platform refused this request as sent; repeating it will not change the answer.
      return new PermanentError(code, message);
  }
}

/** The publish job ended without a publication (publish_status 2..6). */
export function publishStatusError(status: number, failIdx?: unknown): PermanentError {
  const reason = PUBLISH_STATUS_REASONS[status] ?? '发布失败';
  const idx = Array.isArray(failIdx) && failIdx.length ? `，失败的文章序号：${failIdx.join('、')}` : '';
  return new PermanentError(`WECHAT_PUBLISH_STATUS_${status}`, `微信发布失败：${reason}（publish_status=${status}${idx}）`);
}

/** errcode of a WeChat JSON answer (absent means 0); accepts numbers and numeric strings. */
export function errcodeOf(body: unknown): number {
  if (!body || typeof body !== 'object') return 0;
  const v = (body as Record<string, unknown>).errcode;
  if (v === undefined || v === null || v === '') return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : -1;
}

/** Daily quotas reset at 00:00 Beijing time. */
export function msUntilBeijingMidnight(now: Date): number {
  const beijing = now.getTime() + 8 * 3600_000;
  const dayMs = 24 * 3600_000;
  return dayMs - (beijing % dayMs);
}
