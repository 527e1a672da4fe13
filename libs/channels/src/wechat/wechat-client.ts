import { AdapterAccount, ChannelError, CredentialsError, RetryableError, UnknownOutcomeError } from '../channel-adapter';
import { CallEffect, ChannelCall, ChannelHttp, ChannelResponse } from '../http/channel-http';
import { errcodeOf, wechatError, wechatTokenEndpointMessage } from './wechat-errors';
import { FetchedToken, WechatTokenStore } from './wechat-token.store';

export const WECHAT_DEFAULT_BASE_URL = 'https://api.weixin.qq.com';

/**
 * `stable` (default): POST /cgi-bin/stable_token without force_refresh — repeated calls return the
 * same token and it is "与 getAccessToken 获取的调用凭证完全隔离，互不影响", so another system using the
 * same AppSecret cannot knock ours out (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken).
 * `token` (legacy): GET /cgi-bin/token, where "重复获取将导致上次获取的access_token失效".
 */
export type WechatTokenMode = 'stable' | 'token';
export const WECHAT_TOKEN_MODES: readonly WechatTokenMode[] = ['stable', 'token'];

/** The account's token mode; undefined when the setting holds something else. */
export function wechatTokenMode(settings: Record<string, unknown>): WechatTokenMode | undefined {
  const m = settings.tokenMode;
  if (m === undefined || m === null || m === '') return 'stable';
  return WECHAT_TOKEN_MODES.includes(m as WechatTokenMode) ? (m as WechatTokenMode) : undefined;
}

export interface WechatCallOptions {
  method?: 'GET' | 'POST';
  json?: unknown;
  /** multipart upload of field `media` */
  media?: { buffer: Buffer; mime: string; filename: string };
  query?: Record<string, string>;
  effect: CallEffect;
  /** errcodes whose answer is returned rather than thrown (群发 45065 carries the existing msg_id) */
  answerErrcodes?: number[];
}

/**
 * One account's view of the WeChat official-account API: every call carries the account's
 * access_token from the shared token store; a token errcode (40001 / 40014 / 42001 / 41001) makes it
 * drop that token, get a fresh one and repeat the call ONCE. Those errcodes come back before the
 * platform does anything, so repeating even a publishing call is safe.
 */
export class WechatClient {
  readonly baseUrl: string;

  constructor(
    readonly account: AdapterAccount,
    private readonly tokens: WechatTokenStore,
    private readonly http: ChannelHttp,
  ) {
    this.baseUrl = (account.baseUrl || WECHAT_DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  get appid(): string {
    const a = this.account.credentials.appid ?? this.account.settings.appid;
    if (!a) throw new CredentialsError('WECHAT_NO_APPID', '公众号账号未配置 AppID，请在渠道账号设置中填写');
    return String(a);
  }

  private get secret(): string {
    const s = this.account.credentials.secret ?? this.account.credentials.appsecret;
    if (!s) throw new CredentialsError('WECHAT_NO_SECRET', '公众号账号未配置 AppSecret，请在渠道账号设置中填写');
    return String(s);
  }

  get tokenMode(): WechatTokenMode {
    const m = wechatTokenMode(this.account.settings);
    if (!m)
      throw new CredentialsError(
        'WECHAT_TOKEN_MODE_INVALID',
        `公众号账号设置 tokenMode 取值无效（${String(this.account.settings.tokenMode).slice(0, 40)}），应为 stable（推荐）或 token，请在渠道账号设置中修改`,
      );
    return m;
  }

  get tokenKey(): string {
    return this.tokens.key(this.baseUrl, this.appid, this.tokenMode);
  }

  private timeoutMs(): number | undefined {
    const t = Number(this.account.settings.timeoutMs);
    return Number.isFinite(t) && t > 0 ? t : undefined;
  }

  /** A token from the shared store (fetched by whoever gets the lock). */
  token(avoid: string | null = null): Promise<string> {
    return this.tokens.get(this.tokenKey, (bad) => this.fetchToken(bad), avoid, this.tokens.binding(this.appid, this.secret));
  }

  /**
   * Proves the AppID / AppSecret (and the IP whitelist) now, for the account check: stable_token without
   * force_refresh hands back the current token and changes nothing; in the legacy mode a fresh
   * /cgi-bin/token would invalidate the token every worker uses, so the cache (bound to this secret) answers.
   */
  async verifyCredentials(): Promise<void> {
    if (this.tokenMode === 'stable') await this.stableToken(false);
    else await this.token();
  }

  /** /cgi-bin/stable_token (default), or /cgi-bin/token when the account is set to `tokenMode: "token"`. */
  async fetchToken(avoid: string | null): Promise<FetchedToken> {
    if (this.tokenMode === 'stable') {
      let t = await this.stableToken(false);
      // stable_token hands back the current token while it lives; if that is the one just refused, force a new one.
      if (avoid && t.token === avoid) t = await this.stableToken(true);
      return t;
    }
    const res = await this.http.send(
      {
        name: 'token',
        method: 'GET',
        url: `${this.baseUrl}/cgi-bin/token`,
        params: { grant_type: 'client_credential', appid: this.appid, secret: this.secret },
        effect: 'read',
        timeoutMs: this.timeoutMs(),
      },
      tokenClassifier,
    );
    return readToken(res);
  }

  private async stableToken(force: boolean): Promise<FetchedToken> {
    const res = await this.http.send(
      {
        name: force ? 'stable_token force_refresh' : 'stable_token',
        method: 'POST',
        url: `${this.baseUrl}/cgi-bin/stable_token`,
        data: { grant_type: 'client_credential', appid: this.appid, secret: this.secret, force_refresh: force },
        effect: 'read',
        timeoutMs: this.timeoutMs(),
      },
      tokenClassifier,
    );
    return readToken(res);
  }

  /** Calls `path` with the account's token; returns the JSON answer (errcode 0). */
  async call(name: string, path: string, o: WechatCallOptions): Promise<any> {
    let token = await this.token();
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.http.send(this.request(name, path, token, o), (r, c) =>
          o.answerErrcodes?.includes(errcodeOf(r.body)) ? null : apiClassifier(r, c),
        );
        return res.body;
      } catch (e) {
        if (e instanceof CredentialsError && e.refreshable) {
          if (attempt === 0) {
            await this.tokens.invalidate(this.tokenKey, token);
            token = await this.token(token);
            continue;
          }
          throw new CredentialsError(e.code, `${e.message}；已刷新 access_token 后重试仍被拒绝，请核对公众号的 AppID / AppSecret`, false);
        }
        throw e;
      }
    }
  }

  private request(name: string, path: string, token: string, o: WechatCallOptions): ChannelCall {
    let data: unknown = o.json;
    if (o.media) {
      const fd = new FormData();
      fd.append('media', new Blob([new Uint8Array(o.media.buffer)], { type: o.media.mime }), o.media.filename);
      data = fd;
    }
    return {
      name,
      method: o.method ?? 'POST',
      url: `${this.baseUrl}${path}`,
      params: { ...(o.query ?? {}), access_token: token },
      data,
      headers: o.json !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : undefined,
      effect: o.effect,
      timeoutMs: this.timeoutMs(),
    };
  }
}

function readToken(res: ChannelResponse): FetchedToken {
  const token = res.body?.access_token;
  if (typeof token !== 'string' || !token) throw new RetryableError('WECHAT_TOKEN_MISSING', '微信未返回 access_token');
  const exp = Number(res.body.expires_in);
  return { token, expiresInS: Number.isFinite(exp) && exp > 0 ? exp : 7200 };
}

/**
 * At the token endpoint every credential errcode is the operator's problem (nothing to refresh): a
 * 40001 from the token endpoint itself means the AppSecret is wrong (PLATFORM.md §5).
 */
function tokenClassifier(res: ChannelResponse): ChannelError | null {
  const base = apiClassifier(res, { effect: 'read' } as ChannelCall);
  if (base instanceof CredentialsError && base.refreshable) {
    const code = Number(base.code.replace('WECHAT_', ''));
    return new CredentialsError(base.code, wechatTokenEndpointMessage(code, res.body?.errmsg), false);
  }
  return base;
}

/** errcode ≠ 0 → typed outcome; an answer that is not JSON at all is a gateway problem. */
function apiClassifier(res: ChannelResponse, call: ChannelCall): ChannelError | null {
  if (res.body === undefined) {
    if (res.status >= 200 && res.status < 300) {
      return call.effect === 'create'
        ? new UnknownOutcomeError('WECHAT_BAD_ANSWER', '微信接口返回了无法识别的应答，无法确定是否已生效，将先核对')
        : new RetryableError('WECHAT_BAD_ANSWER', '微信接口返回了无法识别的应答');
    }
    return null; // the HTTP status decides
  }
  const errcode = errcodeOf(res.body);
  if (errcode === 0) return null;
  return wechatError(errcode, String(res.body.errmsg ?? ''));
}
