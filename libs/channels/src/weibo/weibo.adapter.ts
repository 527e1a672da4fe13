import { Injectable, Optional } from '@nestjs/common';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { Rendition } from '@app/media/budget-encoder';
import { MediaService } from '@app/media/media.service';
import {
  AdapterAccount,
  AttemptLog,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelError,
  ChannelPreview,
  CredentialsError,
  DeliverResult,
  DeliveryContext,
  PermanentError,
  ReconcileResult,
  RetryableError,
  UnknownOutcomeError,
} from '../channel-adapter';
import { PortalUrls } from '../engine/portal-urls.service';
import { toChannelError } from '../http/channel-errors';
import { ChannelCall, ChannelHttp, ChannelResponse } from '../http/channel-http';
import { ImageLoader } from '../http/image-source';
import { prepareWechatBody } from '../wechat/wechat-body';
import { WEIBO_DUPLICATE_CODES, weiboError, weiboErrorCode } from './weibo-errors';
import { WEIBO_MAX_LENGTH } from './weibo-length';
import { composeWeiboStatus, parseWeiboDate, withoutUrls } from './weibo-text';

export const WEIBO_DEFAULT_BASE_URL = 'https://api.weibo.com';

interface PostRef {
  id: string;
  uid: string;
}

interface Picture {
  rendition: Rendition;
  source: 'override' | 'body' | 'cover';
}

/**
 * 政务微博: one statuses/share per delivery, the text ending with the item's portal URL, with an
 * optional picture. A share whose answer was lost, or a retry that Weibo refuses as identical
 * (20019) or similar (20017) content, is looked up in the account's own timeline: finding our post
 * there means it was published once, and it is counted once.
 *
 * Account: credentials {accessToken}; settings {rip?, timeoutMs?, statusUrlTemplate?
 * ("https://m.weibo.cn/status/{id}" on api.weibo.com, "{baseUrl}/u/{uid}/{id}" elsewhere)};
 * baseUrl https://api.weibo.com (or the simulator).
 */
@Injectable()
export class WeiboAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: 'weibo',
    label: '政务微博',
    reportRow: 'weibo',
    canUpdate: false,
    canWithdraw: true,
    asyncConfirmation: false,
    collectsIntoIssues: false,
    limits: { textMaxChars: WEIBO_MAX_LENGTH, imageMaxBytes: 5_000_000, imageFormats: ['jpeg', 'png', 'gif'] },
    // One post at a time per account: Weibo refuses bursts (20016) long before any rate we could declare.
    concurrencyPerAccount: 1,
  };

  private readonly media: MediaService;
  private readonly http = new ChannelHttp({ systemLabel: '微博开放平台' });

  constructor(
    @Optional() private readonly portalUrls?: PortalUrls,
    @Optional() media?: MediaService,
  ) {
    this.media = media ?? new MediaService();
  }

  // ------------------------------------------------------------------ submit-time checks

  async validate(v: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]> {
    const portalUrl = await this.portalUrlOf(v);
    return this.problems(v, portalUrl, new ImageLoader(portalUrl));
  }

  private async problems(v: ItemSnapshot, portalUrl: string, loader: ImageLoader): Promise<FieldProblem[]> {
    const problems = [...composeWeiboStatus(v, portalUrl).problems];
    const pic = this.pictureSource(v, portalUrl);
    if (pic) {
      try {
        await this.media.probe(await loader.load(pic.src));
      } catch (e) {
        const field = pic.source === 'override' ? 'channelOverrides.weibo.picUrl' : pic.source === 'cover' ? 'channelOverrides.wechat.coverUrl' : 'bodyHtml';
        problems.push({ field, reason: `微博配图无法使用：${(e as Error).message}` });
      }
    }
    return problems;
  }

  async preview(v: ItemSnapshot, account: AdapterAccount, portalUrl: string): Promise<ChannelPreview> {
    const loader = new ImageLoader(portalUrl);
    const problems = await this.problems(v, portalUrl, loader);
    const composed = composeWeiboStatus(v, portalUrl);
    let pic: Picture | null = null;
    try {
      pic = await this.picture(v, portalUrl, loader);
    } catch {
      // already reported by problems()
    }
    return {
      channelType: 'weibo',
      text: composed.text,
      images: pic
        ? [{ name: 'pic', contentType: pic.rendition.mime, base64: pic.rendition.buffer.toString('base64'), width: pic.rendition.width, height: pic.rendition.height }]
        : [],
      meta: {
        length: composed.length,
        maxLength: WEIBO_MAX_LENGTH,
        remaining: WEIBO_MAX_LENGTH - composed.length,
        source: composed.source,
        portalUrl,
        picSource: pic?.source ?? null,
        picBytes: pic?.rendition.bytes ?? null,
      },
      problems,
    };
  }

  // ------------------------------------------------------------------ delivery

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    try {
      const cp = ctx.checkpoint;
      if (cp.statusId) return { status: 'published', externalId: String(cp.statusId), externalUrl: cp.statusUrl ?? null };
      const composed = composeWeiboStatus(ctx.version, ctx.portalUrl);
      if (composed.problems.length) throw new PermanentError('WEIBO_TEXT_INVALID', composed.problems.map((p) => p.reason).join('；'));
      const pic = await this.pictureForDelivery(ctx);
      const firstAttempt = cp.shareAttemptedAt ?? new Date().toISOString();
      await ctx.saveCheckpoint({ shareAttemptedAt: firstAttempt, text: composed.text });
      let post: PostRef;
      try {
        post = await this.share(ctx, composed.text, pic);
      } catch (e) {
        const code = e instanceof ChannelError ? Number(e.code.replace('WEIBO_', '')) : NaN;
        if (!WEIBO_DUPLICATE_CODES.has(code)) throw e;
        // "identical / similar content": if it is our own post from an attempt whose answer was lost, it is published once.
        const own = await this.findOwnPost(ctx, composed.text, Date.parse(firstAttempt));
        if (!own) throw e;
        await ctx.logAttempt({ call: 'reconcile after duplicate-content answer', response: `found status ${own.id}` });
        post = own;
      }
      const url = this.statusUrl(ctx.account, post);
      await ctx.saveCheckpoint({ statusId: post.id, statusUrl: url });
      return { status: 'published', externalId: post.id, externalUrl: url };
    } catch (e) {
      throw toChannelError(e);
    }
  }

  private async share(ctx: DeliveryContext, text: string, pic: Picture | null): Promise<PostRef> {
    const account = ctx.account;
    const rip = typeof account.settings.rip === 'string' && account.settings.rip ? account.settings.rip : undefined;
    let data: FormData | URLSearchParams;
    if (pic) {
      const fd = new FormData();
      fd.append('access_token', this.token(account));
      fd.append('status', text);
      if (rip) fd.append('rip', rip);
      const ext = pic.rendition.format === 'png' ? 'png' : 'jpg';
      fd.append('pic', new Blob([new Uint8Array(pic.rendition.buffer)], { type: pic.rendition.mime }), `pic.${ext}`);
      data = fd;
    } else {
      data = new URLSearchParams({ access_token: this.token(account), status: text, ...(rip ? { rip } : {}) });
    }
    const res = await this.http.withLog(ctx.logAttempt).send(
      { name: 'statuses/share', method: 'POST', url: `${this.baseUrl(account)}/2/statuses/share.json`, data, effect: 'create', timeoutMs: this.timeoutMs(account) },
      classify,
    );
    const id = res.body?.idstr ?? (res.body?.id !== undefined ? String(res.body.id) : undefined);
    if (!id) throw new UnknownOutcomeError('WEIBO_NO_ID', '微博接受了请求但未返回微博 ID，将先核对账号的微博列表');
    return { id: String(id), uid: String(res.body?.user?.idstr ?? res.body?.user?.id ?? '') };
  }

  async reconcile(ctx: DeliveryContext): Promise<ReconcileResult> {
    try {
      const cp = ctx.checkpoint;
      if (cp.statusId) return { found: true, status: 'published', externalId: String(cp.statusId), externalUrl: cp.statusUrl ?? null };
      if (!cp.shareAttemptedAt) return { found: false };
      const own = await this.findOwnPost(ctx, cp.text ?? composeWeiboStatus(ctx.version, ctx.portalUrl).text, Date.parse(cp.shareAttemptedAt));
      if (!own) return { found: false };
      const url = this.statusUrl(ctx.account, own);
      await ctx.saveCheckpoint({ statusId: own.id, statusUrl: url });
      return { found: true, status: 'published', externalId: own.id, externalUrl: url };
    } catch (e) {
      throw toChannelError(e);
    }
  }

  /** Our post among the account's latest: same text (or the portal URL), created since our first attempt. */
  private async findOwnPost(ctx: DeliveryContext, text: string, since: number): Promise<PostRef | null> {
    const account = ctx.account;
    const res = await this.http.withLog(ctx.logAttempt).send(
      {
        name: 'statuses/user_timeline',
        method: 'GET',
        url: `${this.baseUrl(account)}/2/statuses/user_timeline.json`,
        params: { access_token: this.token(account), count: 50 },
        effect: 'read',
        timeoutMs: this.timeoutMs(account),
      },
      classify,
    );
    const statuses: any[] = Array.isArray(res.body?.statuses) ? res.body.statuses : [];
    const bare = withoutUrls(text);
    for (const s of statuses) {
      const t = String(s?.text ?? '');
      const same = t === text || t.includes(ctx.portalUrl) || (bare.length > 0 && withoutUrls(t) === bare);
      const created = parseWeiboDate(s?.created_at);
      // a post made before our first attempt is somebody else's (or an earlier version's)
      if (same && (Number.isNaN(created) || Number.isNaN(since) || created >= since - 120_000)) {
        return { id: String(s.idstr ?? s.id), uid: String(s.user?.idstr ?? s.user?.id ?? '') };
      }
    }
    return null;
  }

  async withdraw(ctx: DeliveryContext): Promise<void> {
    try {
      const id = ctx.externalId ?? ctx.checkpoint.statusId;
      if (!id) throw new PermanentError('WEIBO_NO_ID', '没有微博 ID，无法删除');
      const account = ctx.account;
      try {
        await this.http.withLog(ctx.logAttempt).send(
          {
            name: 'statuses/destroy',
            method: 'POST',
            url: `${this.baseUrl(account)}/2/statuses/destroy.json`,
            data: new URLSearchParams({ access_token: this.token(account), id: String(id) }),
            effect: 'repeatable',
            timeoutMs: this.timeoutMs(account),
          },
          classify,
        );
      } catch (e) {
        // Already gone (an earlier destroy whose answer was lost, or deleted by hand): withdrawn all the same.
        if (e instanceof ChannelError && e.code === 'WEIBO_20101') return;
        throw e;
      }
    } catch (e) {
      throw toChannelError(e);
    }
  }

  // ------------------------------------------------------------------ helpers

  private pictureSource(v: ItemSnapshot, portalUrl: string): { src: string; source: Picture['source'] } | null {
    const str = (x: unknown) => (typeof x === 'string' && x.trim() ? x.trim() : undefined);
    const override = str(v.channelOverrides?.weibo?.picUrl);
    if (override) return { src: override, source: 'override' };
    const first = prepareWechatBody(v.bodyHtml ?? '', portalUrl).images[0];
    if (first) return { src: first.src, source: 'body' };
    const cover = str(v.channelOverrides?.wechat?.coverUrl);
    if (cover) return { src: cover, source: 'cover' };
    return null;
  }

  private async picture(v: ItemSnapshot, portalUrl: string, loader: ImageLoader): Promise<Picture | null> {
    const s = this.pictureSource(v, portalUrl);
    if (!s) return null;
    return { rendition: await this.media.render(await loader.load(s.src), 'weibo-pic'), source: s.source };
  }

  /** The picture is optional: one that turned bad since submit is left out (and logged), not a reason to fail. */
  private async pictureForDelivery(ctx: DeliveryContext): Promise<Picture | null> {
    try {
      return await this.picture(ctx.version, ctx.portalUrl, new ImageLoader(ctx.portalUrl));
    } catch (e) {
      const err = toChannelError(e);
      if (err instanceof RetryableError) throw err;
      await ctx.logAttempt({ call: 'picture', errorCode: (err as ChannelError).code ?? 'PICTURE', message: `配图无法使用，本条微博不带图发布：${(e as Error).message}` });
      return null;
    }
  }

  private token(account: AdapterAccount): string {
    const t = account.credentials.accessToken ?? account.credentials.access_token;
    if (!t) throw new CredentialsError('WEIBO_NO_TOKEN', '微博账号未配置 access_token，请授权后填写');
    return String(t);
  }

  private baseUrl(account: AdapterAccount): string {
    return (account.baseUrl || WEIBO_DEFAULT_BASE_URL).replace(/\/+$/, '');
  }

  private timeoutMs(account: AdapterAccount): number | undefined {
    const t = Number(account.settings.timeoutMs);
    return Number.isFinite(t) && t > 0 ? t : undefined;
  }

  statusUrl(account: AdapterAccount, post: PostRef): string {
    const base = this.baseUrl(account);
    let template = typeof account.settings.statusUrlTemplate === 'string' ? account.settings.statusUrlTemplate : '';
    if (!template) template = new URL(base).hostname === 'api.weibo.com' ? 'https://m.weibo.cn/status/{id}' : '{baseUrl}/u/{uid}/{id}';
    return template.replace('{baseUrl}', base).replace('{uid}', post.uid).replace('{id}', post.id);
  }

  private async portalUrlOf(v: ItemSnapshot): Promise<string> {
    return this.portalUrls ? this.portalUrls.urlFor(v.itemId, v.organisationId) : `http://localhost/articles/${v.itemId}.html`;
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
