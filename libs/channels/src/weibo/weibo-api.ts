import type { Rendition } from '@app/media/budget-encoder';
import { AdapterAccount, ChannelError, CredentialsError, DeliveryContext, RetryableError, UnknownOutcomeError } from '../channel-adapter';
import { ChannelCall, ChannelHttp, ChannelResponse } from '../http/channel-http';
import { weiboError, weiboErrorCode } from './weibo-errors';
import { judgeTimeline, PostRef, TimelineVerdict, WEIBO_TIMELINE_MAX } from './weibo-timeline';

export const WEIBO_DEFAULT_BASE_URL = 'https://api.weibo.com';

/** The Weibo open platform's calls one adapter makes (share, timeline, destroy), with its error classification. */
export class WeiboApi {
  readonly http = new ChannelHttp({ systemLabel: '微博开放平台' });

  /** statuses/share (with the picture as multipart when there is one). */
  async share(ctx: DeliveryContext, text: string, pic: Rendition | null, rip: string): Promise<PostRef> {
    const account = ctx.account;
    let data: FormData | URLSearchParams;
    if (pic) {
      const fd = new FormData();
      fd.append('access_token', this.token(account));
      fd.append('status', text);
      if (rip) fd.append('rip', rip);
      const ext = pic.format === 'png' ? 'png' : 'jpg';
      fd.append('pic', new Blob([new Uint8Array(pic.buffer)], { type: pic.mime }), `pic.${ext}`);
      data = fd;
    } else {
      data = new URLSearchParams({ access_token: this.token(account), status: text, ...(rip ? { rip } : {}) });
    }
    const res = await this.http.withLog(ctx.logAttempt).send(
      {
        name: 'statuses/share',
        method: 'POST',
        url: `${this.baseUrl(account)}/2/statuses/share.json`,
        data,
        effect: 'create',
        timeoutMs: this.timeoutMs(account),
      },
      classify,
    );
    const id = res.body?.idstr ?? (res.body?.id !== undefined ? String(res.body.id) : undefined);
    if (!id) throw new UnknownOutcomeError('WEIBO_NO_ID', '微博接受了请求但未返回微博 ID，将先核对账号的微博列表');
    return { id: String(id), uid: String(res.body?.user?.idstr ?? res.body?.user?.id ?? '') };
  }

  /** Our post among the account's latest 5 (all statuses/user_timeline shows). */
  async lookUp(ctx: DeliveryContext, text: string, since: number): Promise<TimelineVerdict> {
    const account = ctx.account;
    const res = await this.http.withLog(ctx.logAttempt).send(
      {
        name: 'statuses/user_timeline',
        method: 'GET',
        url: `${this.baseUrl(account)}/2/statuses/user_timeline.json`,
        params: { access_token: this.token(account), count: WEIBO_TIMELINE_MAX },
        effect: 'read',
        timeoutMs: this.timeoutMs(account),
      },
      classify,
    );
    const statuses: unknown[] = Array.isArray(res.body?.statuses) ? res.body.statuses : [];
    return judgeTimeline(statuses, text, since);
  }

  /** statuses/destroy. */
  async destroy(ctx: DeliveryContext, id: string): Promise<void> {
    const account = ctx.account;
    await this.http.withLog(ctx.logAttempt).send(
      {
        name: 'statuses/destroy',
        method: 'POST',
        url: `${this.baseUrl(account)}/2/statuses/destroy.json`,
        data: new URLSearchParams({ access_token: this.token(account), id }),
        effect: 'repeatable',
        timeoutMs: this.timeoutMs(account),
      },
      classify,
    );
  }

  token(account: AdapterAccount): string {
    const t = account.credentials.accessToken ?? account.credentials.access_token;
    if (!t) throw new CredentialsError('WEIBO_NO_TOKEN', '微博账号未配置 access_token，请授权后填写');
    return String(t);
  }

  baseUrl(account: AdapterAccount): string {
    return (account.baseUrl || WEIBO_DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  timeoutMs(account: AdapterAccount): number | undefined {
    const t = Number(account.settings.timeoutMs);
    return Number.isFinite(t) && t > 0 ? t : undefined;
  }

  statusUrl(account: AdapterAccount, post: PostRef): string {
    const base = this.baseUrl(account);
    let template = typeof account.settings.statusUrlTemplate === 'string' ? account.settings.statusUrlTemplate : '';
    if (!template) template = new URL(base).hostname === 'api.weibo.com' ? 'https://m.weibo.cn/status/{id}' : '{baseUrl}/u/{uid}/{id}';
    return template.replace('{baseUrl}', base).replace('{uid}', post.uid).replace('{id}', post.id);
  }
}

/** Weibo puts its errors in 4xx bodies: the error_code decides, whatever the HTTP status. */
function classify(res: ChannelResponse, call: ChannelCall): ChannelError | null {
  const code = weiboErrorCode(res.body);
  if (code !== null) return weiboError(code, String(res.body?.error ?? ''));
  if (res.status >= 200 && res.status < 300 && res.body === undefined) {
    return call.effect === 'create'
      ? new UnknownOutcomeError('WEIBO_BAD_ANSWER', '微博返回了无法识别的应答，无法确定是否已发布，将先核对')
      : new RetryableError('WEIBO_BAD_ANSWER', '微博返回了无法识别的应答');
  }
  return null;
}

/** The platform's own words from a Weibo error message ("…（微博错误码 20019：Repeat content!）"). */
export function platformText(e: unknown): string {
  const m = /微博错误码 \d+：(.*)）$/.exec((e as Error)?.message ?? '');
  return m ? m[1] : '';
}
