import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { Rendition } from '@app/media/budget-encoder';
import { MediaService } from '@app/media/media.service';
import {
  AccountCheckContext,
  AccountCheckResult,
  AdapterAccount,
  AttemptLog,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelError,
  ChannelPreview,
  ConfirmResult,
  DeliverResult,
  DeliveryContext,
  PermanentError,
  ReconcileResult,
  RetryableError,
  UnknownOutcomeError,
} from '../channel-adapter';
import { PortalUrls } from '../engine/portal-urls.service';
import { toChannelError } from '../http/channel-errors';
import { ChannelHttp } from '../http/channel-http';
import { ImageLoader } from '../http/image-source';
import { UploadStore } from '../portal/upload-store';
import {
  attachmentsHtml,
  bodyText,
  DEFAULT_CONTENT_LIMITS,
  finalizeWechatBody,
  fitWechatContent,
  PreparedBody,
  prepareWechatBody,
} from './wechat-body';
import { WechatClient } from './wechat-client';
import { charLength, draftAddError, WECHAT_LIMITS, wechatFieldProblems, WechatFields, wechatFields, wechatOverrides } from './wechat-fields';
import { checkWechatAccount } from './wechat-check';
import { wechatAccountProblems } from './wechat-check-settings';
import { MassHooks, scratchContext, WechatMass } from './wechat-mass';
import { massSettingsProblems } from './wechat-mass-settings';
import { PublishInfo, publishOutcome, readPublishInfo } from './wechat-publish';
import { WechatTokenStore } from './wechat-token.store';

/** After this long without knowing whether a submit took effect, the operator has to look. */
const SUBMIT_GIVE_UP_MS = 24 * 3600_000;

interface Thumb {
  rendition: Rendition;
  source: 'override' | 'body' | 'title-card';
}

/**
 * 政务微信: the draft + freepublish flow of the official-account API (CHANNELS.md). Each step that
 * takes effect outside is checkpointed on the delivery before the next one runs:
 *   images (src → mmbiz URL) → thumbMediaId (+ crops) → draftMediaId → publishId → confirmed.
 * A retry resumes after the last checkpoint; a submit whose answer was lost is looked up in the
 * account's publication list (freepublish/batchget) before anything is submitted again.
 *
 * Account: credentials {appid, secret, callbackToken?, encodingAesKey?}; settings {tokenMode: 'stable' (default) | 'token', titleMaxChars?, titleMaxBytes?,
 * author?, needOpenComment?, onlyFansCanComment?, callbackToken?, confirmPollMs?, timeoutMs?,
 * resubmitAfterMs?}; baseUrl https://api.weixin.qq.com (or the simulator).
 */
@Injectable()
export class WechatAdapter implements ChannelAdapter, OnModuleDestroy {
  readonly capabilities: ChannelCapabilities = {
    type: 'wechat',
    label: '政务微信',
    reportRow: 'wechat',
    canUpdate: false,
    canWithdraw: true,
    asyncConfirmation: true,
    collectsIntoIssues: false,
    limits: {
      titleMaxChars: WECHAT_LIMITS.title,
      textMaxChars: WECHAT_LIMITS.contentChars - 1,
      imageMaxBytes: 1_000_000,
      imageFormats: ['jpeg', 'png'],
    },
    concurrencyPerAccount: 2,
  };

  readonly tokens: WechatTokenStore;
  private readonly media: MediaService;
  private readonly http = new ChannelHttp({ systemLabel: '微信公众平台' });
  /** 群发 (mass send) mode: wechat-mass.ts */
  readonly mass: WechatMass;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Optional() private readonly portalUrls?: PortalUrls,
    @Optional() media?: MediaService,
    @Optional() private readonly uploads?: UploadStore,
    @Optional() @InjectDataSource() ds?: DataSource,
  ) {
    this.mass = new WechatMass(ds);
    this.tokens = new WechatTokenStore({ redisUrl: config.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: config.QUEUE_PREFIX, encryptionKey: config.ENCRYPTION_KEY });
    this.media = media ?? new MediaService();
  }

  async onModuleDestroy(): Promise<void> {
    await this.tokens.close();
  }

  /** The engine's refresh-once hook: forget the cached token, the next call fetches a new one. */
  async refreshCredentials(account: AdapterAccount): Promise<void> {
    const client = this.client(account);
    const cached = await this.tokens.peek(client.tokenKey);
    if (cached) await this.tokens.invalidate(client.tokenKey, cached.token);
  }

  /** Account check (issue 13): harmless reads that tell which modes the account may use (wechat-check.ts). */
  checkAccount(ctx: AccountCheckContext): Promise<AccountCheckResult> {
    return checkWechatAccount(this.client(ctx.account, ctx.logAttempt), ctx.account);
  }

  /** Settings and credentials refused at save (tokenMode, encodingAesKey, title limits). */
  accountProblems(settings: Record<string, unknown>, credentials?: Record<string, unknown>): FieldProblem[] {
    return [...wechatAccountProblems(settings, credentials), ...massSettingsProblems(settings)];
  }

  client(account: AdapterAccount, log?: (e: AttemptLog) => Promise<void>): WechatClient {
    return new WechatClient(account, this.tokens, this.http.withLog(log));
  }

  // ------------------------------------------------------------------ submit-time checks

  async validate(v: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]> {
    const portalUrl = await this.portalUrlOf(v);
    const problems = await this.problems(v, account, portalUrl, prepareWechatBody(v.bodyHtml, portalUrl), new ImageLoader(portalUrl, { local: this.uploads?.imageReader(v.itemId) }));
    return [...problems, ...(await this.mass.validate(v, account))];
  }

  private async problems(v: ItemSnapshot, account: AdapterAccount, portalUrl: string, prepared: PreparedBody, loader: ImageLoader): Promise<FieldProblem[]> {
    const problems = wechatFieldProblems(wechatFields(v, account));
    if (!bodyText(prepared.html) && !prepared.images.length && !v.attachments?.length) {
      problems.push({ field: 'bodyHtml', reason: '正文为空，微信图文须有正文' });
    }
    if (Buffer.byteLength(portalUrl, 'utf8') > WECHAT_LIMITS.sourceUrlBytes) {
      problems.push({ field: 'portalUrl', reason: '网站文章地址超过1KB，无法作为微信“阅读原文”链接' });
    }
    for (const [i, img] of prepared.images.entries()) {
      try {
        await this.media.probe(await loader.load(img.src));
      } catch (e) {
        problems.push({ field: 'bodyHtml', reason: `正文第${i + 1}张图片无法用于微信：${(e as Error).message}` });
      }
    }
    const cover = wechatOverrides(v).coverUrl;
    if (cover) {
      try {
        await this.media.probe(await loader.load(cover));
      } catch (e) {
        problems.push({ field: 'channelOverrides.wechat.coverUrl', reason: `微信封面图无法使用：${(e as Error).message}` });
      }
    }
    return problems;
  }

  async preview(v: ItemSnapshot, account: AdapterAccount, portalUrl: string): Promise<ChannelPreview> {
    const loader = new ImageLoader(portalUrl, { local: this.uploads?.imageReader(v.itemId) });
    const prepared = prepareWechatBody(v.bodyHtml, portalUrl);
    const problems = await this.problems(v, account, portalUrl, prepared, loader);
    const fields = wechatFields(v, account);
    const fitted = fitWechatContent(prepared.html, attachmentsHtml(v.attachments, portalUrl));
    const srcOf = new Map(prepared.images.map((i) => [i.key, absoluteSrc(i.src, portalUrl)]));
    const html = finalizeWechatBody(fitted.html, (k) => srcOf.get(k) ?? '');
    let thumb: Thumb | null = null;
    try {
      thumb = await this.makeThumb(v, fields, prepared, loader);
    } catch (e) {
      problems.push({ field: 'channelOverrides.wechat.coverUrl', reason: `微信封面图无法生成：${(e as Error).message}` });
    }
    const crops = thumb ? this.media.coverCrops(thumb.rendition.width, thumb.rendition.height) : null;
    return {
      channelType: 'wechat',
      html,
      text: fields.digest,
      images: thumb
        ? [{ name: 'thumb', contentType: thumb.rendition.mime, base64: thumb.rendition.buffer.toString('base64'), width: thumb.rendition.width, height: thumb.rendition.height }]
        : [],
      meta: {
        title: fields.title,
        titleChars: charLength(fields.title),
        author: fields.author,
        digest: fields.digest,
        sources: fields.sources,
        contentSourceUrl: portalUrl,
        contentChars: fitted.chars,
        contentBytes: fitted.bytes,
        shortened: fitted.shortened,
        imageCount: fitted.imageKeys.length,
        linksAsText: prepared.linksAsText,
        coverSource: thumb?.source ?? null,
        thumbBytes: thumb?.rendition.bytes ?? null,
        crops,
        limits: { title: WECHAT_LIMITS.title, author: WECHAT_LIMITS.author, digest: WECHAT_LIMITS.digest, contentChars: WECHAT_LIMITS.contentChars },
      },
      problems,
    };
  }

  // ------------------------------------------------------------------ delivery

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    try {
      if (ctx.checkpoint.publishId) {
        return { status: 'awaiting_confirmation', externalId: String(ctx.checkpoint.publishId), pollAfterMs: this.pollMs(ctx.account) };
      }
      const client = this.client(ctx.account, ctx.logAttempt);
      if (WechatMass.applies(ctx)) return await this.mass.deliver(ctx, client, this.massHooks(ctx, client));
      if (!ctx.checkpoint.draftMediaId) await this.createDraft(ctx, client);
      return await this.submit(ctx, client);
    } catch (e) {
      throw toChannelError(e);
    }
  }

  private async createDraft(ctx: DeliveryContext, client: WechatClient): Promise<void> {
    const v = ctx.version;
    const fields = wechatFields(v, ctx.account);
    const fieldProblems = wechatFieldProblems(fields);
    if (fieldProblems.length) throw new PermanentError('WECHAT_FIELDS_INVALID', fieldProblems.map((p) => p.reason).join('；'));
    if (Buffer.byteLength(ctx.portalUrl, 'utf8') > WECHAT_LIMITS.sourceUrlBytes) {
      throw new PermanentError('WECHAT_SOURCE_URL_TOO_LONG', '网站文章地址超过1KB，无法作为微信“阅读原文”链接');
    }
    const loader = new ImageLoader(ctx.portalUrl, { local: this.uploads?.imageReader(ctx.version.itemId) });
    const prepared = prepareWechatBody(v.bodyHtml, ctx.portalUrl);
    const trailer = attachmentsHtml(v.attachments, ctx.portalUrl);
    let fitted = fitWechatContent(prepared.html, trailer);
    if (!bodyText(fitted.html) && !fitted.imageKeys.length) throw new PermanentError('WECHAT_EMPTY_CONTENT', '正文为空，微信图文须有正文');

    // 1. body images → mmbiz URLs, one checkpoint per upload
    const byKey = new Map(prepared.images.map((i) => [i.key, i]));
    const uploaded: Record<string, string> = { ...(ctx.checkpoint.images ?? {}) };
    const coverKey = !wechatOverrides(v).coverUrl && !ctx.checkpoint.thumbMediaId ? prepared.images[0]?.key : undefined;
    let coverFromBody: Rendition | undefined;
    for (const key of fitted.imageKeys) {
      if (uploaded[key]) continue;
      const img = byKey.get(key);
      if (!img) continue;
      const source = await loader.load(img.src);
      // the cover is cut from the same decode as the body rendition
      const r = await this.media.renderAll(source, key === coverKey ? ['wechat-body', 'wechat-thumb'] : ['wechat-body']);
      if (r['wechat-thumb']) coverFromBody = r['wechat-thumb'];
      const body = r['wechat-body'];
      const res = await client.call('media/uploadimg', '/cgi-bin/media/uploadimg', {
        media: { buffer: body.buffer, mime: body.mime, filename: `image.${body.format === 'png' ? 'png' : 'jpg'}` },
        effect: 'repeatable',
      });
      if (typeof res?.url !== 'string' || !res.url) throw new RetryableError('WECHAT_NO_IMAGE_URL', '微信上传图片后未返回图片地址');
      uploaded[key] = res.url;
      await ctx.saveCheckpoint({ images: uploaded });
    }
    let content = finalizeWechatBody(fitted.html, (k) => uploaded[k]);
    if (charLength(content) > DEFAULT_CONTENT_LIMITS.maxChars || Buffer.byteLength(content, 'utf8') > DEFAULT_CONTENT_LIMITS.maxBytes) {
      // the real URLs came out longer than estimated: cut again with their real lengths (no new uploads)
      fitted = fitWechatContent(prepared.html, trailer, (k) => finalizeWechatBody(`__WXIMG_${k}__`, (x) => uploaded[x] ?? '').length);
      content = finalizeWechatBody(fitted.html, (k) => uploaded[k]);
    }

    // 2. cover thumb
    if (!ctx.checkpoint.thumbMediaId) {
      const thumb: Thumb = coverFromBody ? { rendition: coverFromBody, source: 'body' } : await this.makeThumb(v, fields, prepared, loader);
      const crops = this.media.coverCrops(thumb.rendition.width, thumb.rendition.height);
      const res = await client.call('material/add_material thumb', '/cgi-bin/material/add_material', {
        query: { type: 'thumb' },
        media: { buffer: thumb.rendition.buffer, mime: 'image/jpeg', filename: 'cover.jpg' },
        effect: 'repeatable',
      });
      if (typeof res?.media_id !== 'string' || !res.media_id) throw new RetryableError('WECHAT_NO_MEDIA_ID', '微信上传封面后未返回 media_id');
      await ctx.saveCheckpoint({ thumbMediaId: res.media_id, thumbUrl: res.url ?? null, crops, coverSource: thumb.source });
    }

    // 3. draft
    const s = ctx.account.settings;
    const crops = ctx.checkpoint.crops ?? {};
    await ctx.saveCheckpoint({ draftAttemptedAt: new Date().toISOString() });
    const res = await this.draftAdd(ctx, client, {
      articles: [
        {
          title: fields.title,
          author: fields.author,
          digest: fields.digest,
          content,
          content_source_url: ctx.portalUrl,
          thumb_media_id: ctx.checkpoint.thumbMediaId,
          need_open_comment: s.needOpenComment ? 1 : 0,
          only_fans_can_comment: s.onlyFansCanComment ? 1 : 0,
          ...(crops.pic_crop_235_1 ? { pic_crop_235_1: crops.pic_crop_235_1 } : {}),
          ...(crops.pic_crop_1_1 ? { pic_crop_1_1: crops.pic_crop_1_1 } : {}),
        },
      ],
    });
    if (typeof res?.media_id !== 'string' || !res.media_id) throw new UnknownOutcomeError('WECHAT_NO_MEDIA_ID', '微信创建草稿后未返回 media_id');
    await ctx.saveCheckpoint({ draftMediaId: res.media_id, shortened: fitted.shortened, contentChars: charLength(content) });
  }

  /** draft/add; a definite refusal clears the "draft may exist" mark so no lookup is wasted on it. */
  private async draftAdd(ctx: DeliveryContext, client: WechatClient, json: unknown): Promise<any> {
    try {
      return await client.call('draft/add', '/cgi-bin/draft/add', { json, effect: 'create' });
    } catch (e) {
      if (!(e instanceof UnknownOutcomeError)) await ctx.saveCheckpoint({ draftAttemptedAt: null });
      throw draftAddError(e, wechatFields(ctx.version, ctx.account));
    }
  }

  private async submit(ctx: DeliveryContext, client: WechatClient): Promise<DeliverResult> {
    const cp = ctx.checkpoint;
    const resubmitting = !!cp.submitAttemptedAt;
    if (resubmitting) {
      const since = Date.now() - Date.parse(cp.submitAttemptedAt);
      if (since > SUBMIT_GIVE_UP_MS) {
        throw new PermanentError('WECHAT_SUBMIT_UNCONFIRMED', '提交发布后长时间无法确认是否已发布，请在微信公众平台“发表记录”中人工核实');
      }
      if (since < this.resubmitAfterMs(ctx.account)) {
        throw new UnknownOutcomeError('WECHAT_SUBMIT_UNCONFIRMED', '上次提交发布的结果未知，正在核对发表记录，暂不重复提交');
      }
    } else {
      await ctx.saveCheckpoint({ submitAttemptedAt: new Date().toISOString() });
    }
    let res: any;
    try {
      res = await client.call('freepublish/submit', '/cgi-bin/freepublish/submit', { json: { media_id: cp.draftMediaId }, effect: 'create' });
    } catch (e) {
      // A draft that is being (or has been) published cannot be submitted again: our earlier submit took effect.
      if (resubmitting && e instanceof ChannelError && e.code === 'WECHAT_40007') {
        throw new UnknownOutcomeError('WECHAT_SUBMIT_UNCONFIRMED', '草稿已不能再次提交（上次提交可能已生效），继续核对发表记录');
      }
      // The platform answered (busy, quota...) or the call never left: this submit did not take effect.
      if (!resubmitting && !(e instanceof UnknownOutcomeError)) await ctx.saveCheckpoint({ submitAttemptedAt: null });
      throw e;
    }
    const publishId = res?.publish_id;
    if (publishId === undefined || publishId === null || publishId === '') {
      throw new UnknownOutcomeError('WECHAT_NO_PUBLISH_ID', '微信接受了发布请求但未返回 publish_id，将先核对发表记录');
    }
    await ctx.saveCheckpoint({ publishId: String(publishId), msgDataId: res.msg_data_id != null ? String(res.msg_data_id) : null, submittedAt: new Date().toISOString() });
    return { status: 'awaiting_confirmation', externalId: String(publishId), pollAfterMs: this.pollMs(ctx.account) };
  }

  async confirm(ctx: DeliveryContext): Promise<ConfirmResult> {
    try {
      if (ctx.checkpoint.publishMode === 'mass') return await this.mass.confirm(ctx, this.client(ctx.account, ctx.logAttempt));
      const publishId = ctx.checkpoint.publishId ?? ctx.externalId;
      if (!publishId) throw new PermanentError('WECHAT_NO_PUBLISH_ID', '没有可核对的 publish_id');
      const r = publishOutcome(await this.publishInfo(this.client(ctx.account, ctx.logAttempt), String(publishId)));
      if (r.status === 'published') await ctx.saveCheckpoint({ articleId: r.externalId, articleUrl: r.externalUrl ?? null });
      return r;
    } catch (e) {
      throw toChannelError(e);
    }
  }

  /** freepublish/get of one publish job. */
  async publishInfo(client: WechatClient, publishId: string): Promise<PublishInfo> {
    return readPublishInfo(await client.call('freepublish/get', '/cgi-bin/freepublish/get', { json: { publish_id: publishId }, effect: 'read' }));
  }

  /** For the event callback when it cannot be trusted on its own: ask the platform. */
  async publishOutcomeFor(account: AdapterAccount, publishId: string): Promise<ConfirmResult> {
    return publishOutcome(await this.publishInfo(this.client(account), publishId));
  }

  async reconcile(ctx: DeliveryContext): Promise<ReconcileResult> {
    try {
      if (ctx.checkpoint.publishMode === 'mass') return await this.mass.reconcile(ctx, this.client(ctx.account, ctx.logAttempt));
      const cp = ctx.checkpoint;
      const client = this.client(ctx.account, ctx.logAttempt);
      if (cp.publishId) {
        const info = await this.publishInfo(client, String(cp.publishId));
        if (info.status === 0 && info.articleId) {
          await ctx.saveCheckpoint({ articleId: info.articleId, articleUrl: info.items[0]?.url ?? null });
          return { found: true, status: 'published', externalId: info.articleId, externalUrl: info.items[0]?.url ?? null };
        }
        // still publishing, or ended without a publication: confirm() says which
        return { found: true, status: 'pending', externalId: String(cp.publishId) };
      }
      const fields = wechatFields(ctx.version, ctx.account);
      if (cp.submitAttemptedAt) {
        const hit = await this.findPublished(client, ctx.portalUrl, fields, Date.parse(cp.submitAttemptedAt));
        if (hit) {
          await ctx.saveCheckpoint({ articleId: hit.articleId, articleUrl: hit.url });
          return { found: true, status: 'published', externalId: hit.articleId, externalUrl: hit.url };
        }
        // A publish job takes a while and the list shows only finished ones: not found yet is not
        // "not submitted". Keep looking (the engine keeps the delivery unconfirmed) until the window
        // has passed; only then may the same draft be submitted again.
        if (Date.now() - Date.parse(cp.submitAttemptedAt) < this.resubmitAfterMs(ctx.account)) {
          throw new RetryableError('WECHAT_SUBMIT_UNCONFIRMED', '上次提交发布的结果未知，发表记录中暂未找到，继续核对');
        }
        return { found: false };
      }
      if (cp.draftAttemptedAt && !cp.draftMediaId) {
        const draft = await this.findDraft(client, ctx.portalUrl, fields, Date.parse(cp.draftAttemptedAt));
        if (draft) await ctx.saveCheckpoint({ draftMediaId: draft });
      }
      return { found: false };
    } catch (e) {
      throw toChannelError(e);
    }
  }

  /** Our article in the account's publication list (newest first), by its 阅读原文 URL and title. */
  private async findPublished(client: WechatClient, portalUrl: string, fields: WechatFields, since: number): Promise<{ articleId: string; url: string } | null> {
    const earliest = since - 10 * 60_000;
    for (let page = 0; page < 5; page++) {
      const res = await client.call('freepublish/batchget', '/cgi-bin/freepublish/batchget', { json: { offset: page * 20, count: 20, no_content: 1 }, effect: 'read' });
      const items: any[] = Array.isArray(res?.item) ? res.item : [];
      for (const it of items) {
        const updated = Number(it.update_time ?? it.content?.update_time ?? 0) * 1000;
        if (updated && updated < earliest) continue;
        const news: any[] = Array.isArray(it.content?.news_item) ? it.content.news_item : [];
        const n = news.find((x) => x?.content_source_url === portalUrl && x?.title === fields.title && !x?.is_deleted);
        if (n) return { articleId: String(it.article_id), url: String(n.url ?? '') };
      }
      const oldest = Math.min(...items.map((it) => Number(it.update_time ?? 0) * 1000));
      if (items.length < 20 || oldest < earliest) break;
    }
    return null;
  }

  /**
   * A draft whose draft/add answer was lost. draft/batchget is not available everywhere (the
   * simulator does not serve it): then the draft is simply made again; an unused draft is not a
   * publication.
   */
  private async findDraft(client: WechatClient, portalUrl: string, fields: WechatFields, since: number): Promise<string | null> {
    try {
      const res = await client.call('draft/batchget', '/cgi-bin/draft/batchget', { json: { offset: 0, count: 20, no_content: 1 }, effect: 'read' });
      for (const it of Array.isArray(res?.item) ? res.item : []) {
        const updated = Number(it.update_time ?? 0) * 1000;
        const news: any[] = Array.isArray(it.content?.news_item) ? it.content.news_item : [];
        if ((!updated || updated >= since - 10 * 60_000) && news.some((x) => x?.content_source_url === portalUrl && x?.title === fields.title)) return String(it.media_id);
      }
    } catch {
      // not served here: fall through and create the draft again
    }
    return null;
  }

  async withdraw(ctx: DeliveryContext): Promise<void> {
    try {
      if (ctx.checkpoint.publishMode === 'mass') return await this.mass.withdraw(ctx, this.client(ctx.account, ctx.logAttempt));
      const articleId = ctx.checkpoint.articleId ?? ctx.externalId;
      if (!articleId) throw new PermanentError('WECHAT_NO_ARTICLE_ID', '没有 article_id，无法撤回微信文章');
      await this.client(ctx.account, ctx.logAttempt).call('freepublish/delete', '/cgi-bin/freepublish/delete', {
        json: { article_id: String(articleId), index: 1 },
        effect: 'repeatable',
      });
    } catch (e) {
      throw toChannelError(e);
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The draft steps and the cover, lent to the 群发 flow. */
  private massHooks(ctx: DeliveryContext, client: WechatClient): MassHooks {
    const loader = () => new ImageLoader(ctx.portalUrl, { local: this.uploads?.imageReader(ctx.version.itemId) });
    return {
      createDraft: () => this.createDraft(ctx, client),
      thumb: async () => (await this.makeThumb(ctx.version, wechatFields(ctx.version, ctx.account), prepareWechatBody(ctx.version.bodyHtml, ctx.portalUrl), loader())).rendition,
    };
  }

  /** mass/preview of a version to one 微信号 (a reviewer's phone), outside any delivery. */
  async massPreview(v: ItemSnapshot, account: AdapterAccount, towxname: string): Promise<{ msgId: string | null; mediaSource: string }> {
    try {
      const ctx = scratchContext(v, account, await this.portalUrlOf(v));
      const client = this.client(account);
      return await this.mass.preview(ctx, client, this.massHooks(ctx, client), towxname);
    } catch (e) {
      throw toChannelError(e);
    }
  }

  /** Cover override → first body image → a title card; JPG ≤ 64 KB at 2.35:1. */
  private async makeThumb(v: ItemSnapshot, fields: WechatFields, prepared: PreparedBody, loader: ImageLoader): Promise<Thumb> {
    const override = wechatOverrides(v).coverUrl;
    if (override) return { rendition: await this.media.render(await loader.load(override), 'wechat-thumb'), source: 'override' };
    const first = prepared.images[0];
    if (first) {
      try {
        return { rendition: await this.media.render(await loader.load(first.src), 'wechat-thumb'), source: 'body' };
      } catch (e) {
        // a body image that cannot be a cover still leaves the title card
        if (e instanceof RetryableError) throw e;
      }
    }
    return { rendition: await this.media.titleCard(fields.title, { subtitle: v.organisationName }), source: 'title-card' };
  }

  private async portalUrlOf(v: ItemSnapshot): Promise<string> {
    return this.portalUrls ? this.portalUrls.urlFor(v.itemId, v.organisationId) : `http://localhost/articles/${v.itemId}.html`;
  }

  private pollMs(account: AdapterAccount): number {
    const n = Number(account.settings.confirmPollMs);
    return Number.isFinite(n) && n > 0 ? n : 3000;
  }

  private resubmitAfterMs(account: AdapterAccount): number {
    const n = Number(account.settings.resubmitAfterMs);
    return Number.isFinite(n) && n >= 0 ? n : 5 * 60_000;
  }
}

function absoluteSrc(src: string, base: string): string {
  if (/^data:/i.test(src)) return src;
  try {
    return new URL(src, base).toString();
  } catch {
    return src;
  }
}
