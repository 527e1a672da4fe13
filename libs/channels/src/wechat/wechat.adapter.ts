import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
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
import { attachmentsHtml, bodyText, finalizeWechatBody, fitWechatContent, PreparedBody, prepareWechatBody } from './wechat-body';
import { WechatClient } from './wechat-client';
import { charLength, WECHAT_LIMITS, wechatFieldProblems, wechatFields, wechatOverrides } from './wechat-fields';
import { checkWechatAccount } from './wechat-check';
import { wechatAccountProblems } from './wechat-check-settings';
import { MassHooks, scratchContext, WechatMass } from './wechat-mass';
import { massSettingsProblems } from './wechat-mass-settings';
import { PublishInfo, publishOutcome, readPublishInfo } from './wechat-publish';
import { WechatTokenStore } from './wechat-token.store';
import { WECHAT_CALLBACKS } from './wechat-callbacks';
import { Thumb, WechatDraft } from './wechat-draft';
import { findDraft, findPublished } from './wechat-lookup';
import { WECHAT_CREDENTIALS_SCHEMA, WECHAT_OVERRIDE_SCHEMA, WECHAT_SETTINGS_SCHEMA } from './wechat-schema';

/** After this long without knowing whether a submit took effect, the operator has to look. */
const SUBMIT_GIVE_UP_MS = 24 * 3600_000;

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
    newMedia: true,
    staleness: { maxDays: 14, label: '政务新媒体两周无更新' },
    settingsSchema: WECHAT_SETTINGS_SCHEMA,
    credentialsSchema: WECHAT_CREDENTIALS_SCHEMA,
    overrideSchema: WECHAT_OVERRIDE_SCHEMA,
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
  /** Body images, cover and draft (wechat-draft.ts) */
  private readonly drafts: WechatDraft;
  /** The platform's publish events (wechat-callbacks.ts) */
  readonly callbacks = WECHAT_CALLBACKS;

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Optional() private readonly portalUrls?: PortalUrls,
    @Optional() media?: MediaService,
    @Optional() private readonly uploads?: UploadStore,
    @Optional() @InjectDataSource() ds?: DataSource,
  ) {
    this.mass = new WechatMass(ds);
    this.tokens = new WechatTokenStore({
      redisUrl: config.REDIS_URL ?? 'redis://127.0.0.1:6379',
      keyPrefix: config.QUEUE_PREFIX,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    this.media = media ?? new MediaService();
    this.drafts = new WechatDraft(this.media, this.uploads);
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
    const problems = await this.problems(
      v,
      account,
      portalUrl,
      prepareWechatBody(v.bodyHtml, portalUrl),
      new ImageLoader(portalUrl, { local: this.uploads?.imageReader(v.itemId) }),
    );
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
      thumb = await this.drafts.thumb(v, fields, prepared, loader);
    } catch (e) {
      problems.push({ field: 'channelOverrides.wechat.coverUrl', reason: `微信封面图无法生成：${(e as Error).message}` });
    }
    const crops = thumb ? this.media.coverCrops(thumb.rendition.width, thumb.rendition.height) : null;
    return {
      channelType: 'wechat',
      html,
      text: fields.digest,
      images: thumb
        ? [
            {
              name: 'thumb',
              contentType: thumb.rendition.mime,
              base64: thumb.rendition.buffer.toString('base64'),
              width: thumb.rendition.width,
              height: thumb.rendition.height,
            },
          ]
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
      if (!ctx.checkpoint.draftMediaId) await this.drafts.create(ctx, client);
      return await this.submit(ctx, client);
    } catch (e) {
      throw toChannelError(e);
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
    await ctx.saveCheckpoint({
      publishId: String(publishId),
      msgDataId: res.msg_data_id != null ? String(res.msg_data_id) : null,
      submittedAt: new Date().toISOString(),
    });
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
        const hit = await findPublished(client, ctx.portalUrl, fields, Date.parse(cp.submitAttemptedAt));
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
        const draft = await findDraft(client, ctx.portalUrl, fields, Date.parse(cp.draftAttemptedAt));
        if (draft) await ctx.saveCheckpoint({ draftMediaId: draft });
      }
      return { found: false };
    } catch (e) {
      throw toChannelError(e);
    }
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
      createDraft: () => this.drafts.create(ctx, client),
      thumb: async () =>
        (await this.drafts.thumb(ctx.version, wechatFields(ctx.version, ctx.account), prepareWechatBody(ctx.version.bodyHtml, ctx.portalUrl), loader()))
          .rendition,
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
