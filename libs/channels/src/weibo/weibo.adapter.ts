import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { Rendition } from '@app/media/budget-encoder';
import { MediaService } from '@app/media/media.service';
import {
  AdapterAccount,
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
import { ImageLoader } from '../http/image-source';
import { UploadStore } from '../portal/upload-store';
import { prepareWechatBody } from '../wechat/wechat-body';
import { acceptedButHidden, checkByHand, CheckSubject, existsButHidden } from './weibo-check';
import { isDuplicateContent, isSlowUpdate } from './weibo-errors';
import { WEIBO_MAX_LENGTH } from './weibo-length';
import { approverAddress, chooseRip, normaliseIp } from './weibo-rip';
import { composeWeiboStatus } from './weibo-text';
import { platformText, WeiboApi } from './weibo-api';
import { PostRef, WEIBO_VISIBLE_WITHIN_MS } from './weibo-timeline';
import { WEIBO_CREDENTIALS_SCHEMA, WEIBO_OVERRIDE_SCHEMA, WEIBO_SETTINGS_SCHEMA } from './weibo-schema';

export { WEIBO_DEFAULT_BASE_URL } from './weibo-api';

/** After 20032 ("made; wait 1-2 minutes"), how long the post may take to show before a person looks for it. */
const SLOW_UPDATE_WAIT_MS = 10 * 60_000;
/** Rate-limiting page: poll every 3-5 minutes at most (PLATFORM.md §3); 20032 asks for 1-2 minutes. */
const DEFAULT_POLL_MS = 60_000;

interface Picture {
  rendition: Rendition;
  source: 'override' | 'body' | 'cover';
}

/**
 * 政务微博: one statuses/share per delivery, the text ending with the item's portal URL, with an
 * optional picture. A share whose answer was lost, or a retry that Weibo refuses as identical
 * (20019) or similar (20017) content, is looked up among the account's latest 5 posts (all that
 * user_timeline shows): finding our post there means it was published once, and it is counted once.
 * Not finding it proves nothing unless the posts shown reach back before our first attempt; otherwise
 * the delivery waits for a person (ManualCheckError), never resent automatically. 20032 means the post
 * was made: published pending its id. README.md lists every platform behaviour relied on.
 *
 * Account: credentials {accessToken}; settings {rip?, timeoutMs?, pollAfterMs?, visibleWithinMs?,
 * statusUrlTemplate? ("https://m.weibo.cn/status/{id}" on api.weibo.com, "{baseUrl}/u/{uid}/{id}" elsewhere)};
 * baseUrl https://api.weibo.com (or the simulator).
 */
@Injectable()
export class WeiboAdapter implements ChannelAdapter {
  readonly capabilities: ChannelCapabilities = {
    type: 'weibo',
    label: '政务微博',
    reportRow: 'weibo',
    newMedia: true,
    staleness: { maxDays: 14, label: '政务新媒体两周无更新' },
    settingsSchema: WEIBO_SETTINGS_SCHEMA,
    credentialsSchema: WEIBO_CREDENTIALS_SCHEMA,
    overrideSchema: WEIBO_OVERRIDE_SCHEMA,
    canUpdate: false,
    canWithdraw: true,
    asyncConfirmation: false,
    collectsIntoIssues: false,
    limits: { textMaxChars: WEIBO_MAX_LENGTH, textLengthRule: 'weibo', imageMaxBytes: 5_000_000, imageFormats: ['jpeg', 'png', 'gif'] },
    // One post at a time per account: Weibo refuses bursts (20016) long before any rate we could declare.
    concurrencyPerAccount: 1,
  };

  private readonly media: MediaService;
  /** The platform's HTTP calls (weibo-api.ts) */
  readonly api = new WeiboApi();

  constructor(
    @Optional() private readonly portalUrls?: PortalUrls,
    @Optional() media?: MediaService,
    @Optional() private readonly uploads?: UploadStore,
    @Optional() @InjectDataSource() private readonly ds?: DataSource,
  ) {
    this.media = media ?? new MediaService();
  }

  /** At save: rip must be an IP address (a rule its schema cannot say: v4 or v6, normalised as sent). */
  accountProblems(settings: Record<string, unknown>): FieldProblem[] {
    const raw = settings.rip;
    if (raw === undefined || raw === null || raw === '' || normaliseIp(raw)) return [];
    return [{ field: 'settings.rip', reason: `发布单位公网IP地址“${String(raw).slice(0, 60)}”不是有效的IP地址` }];
  }

  // ------------------------------------------------------------------ submit-time checks

  async validate(v: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]> {
    const portalUrl = await this.portalUrlOf(v);
    const raw = account.settings?.rip;
    const rip: FieldProblem[] =
      raw !== undefined && raw !== null && raw !== '' && !normaliseIp(raw)
        ? [
            {
              field: 'account.settings.rip',
              reason: `微博账号「${account.name}」设置的 rip（发布单位的公网IP地址）“${String(raw)}”不是有效的IP地址，请管理员修改账号设置`,
            },
          ]
        : [];
    return [...rip, ...(await this.problems(v, portalUrl, new ImageLoader(portalUrl, { local: this.uploads?.imageReader(v.itemId) })))];
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
    const loader = new ImageLoader(portalUrl, { local: this.uploads?.imageReader(v.itemId) });
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
        ? [
            {
              name: 'pic',
              contentType: pic.rendition.mime,
              base64: pic.rendition.buffer.toString('base64'),
              width: pic.rendition.width,
              height: pic.rendition.height,
            },
          ]
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
      // an earlier share whose outcome was unknown (not one Weibo refused): a "duplicate" answer now means that one went out
      const sentBefore = !!cp.shareAttemptedAt && !(cp.refusedShareAt && cp.refusedShareAt === cp.lastShareAt);
      const now = new Date().toISOString();
      const firstAttempt = cp.shareAttemptedAt ?? now;
      await ctx.saveCheckpoint({ shareAttemptedAt: firstAttempt, lastShareAt: now, text: composed.text });
      let post: PostRef;
      try {
        post = await this.api.share(ctx, composed.text, pic?.rendition ?? null, await this.ripFor(ctx));
      } catch (e) {
        await this.noteRefusal(ctx, e, now);
        const code = e instanceof ChannelError ? Number(e.code.replace('WEIBO_', '')) : NaN;
        if (e instanceof ChannelError && isSlowUpdate(code, platformText(e))) {
          // "Update success, while server slow now": it went out; its id comes from the timeline once shown.
          await ctx.saveCheckpoint({ slowAcceptedAt: new Date().toISOString() });
          await ctx.logAttempt({
            call: 'statuses/share',
            errorCode: `WEIBO_${code}`,
            message: `微博已发布（${code}：服务器繁忙，稍后可见），等待在微博列表中取得其 ID`,
          });
          const found = await this.api.lookUp(ctx, composed.text, Date.parse(firstAttempt));
          if (found.kind === 'found') return this.published(ctx, found.post);
          return { status: 'awaiting_confirmation', pollAfterMs: this.pollAfterMs(ctx.account) };
        }
        if (!(e instanceof ChannelError) || !isDuplicateContent(code, platformText(e))) throw e;
        // "identical / similar content": if it is our own post from an attempt whose answer was lost, it is published once.
        const found = await this.api.lookUp(ctx, composed.text, Date.parse(firstAttempt));
        if (found.kind === 'found') {
          await ctx.logAttempt({ call: 'reconcile after duplicate-content answer', response: `found status ${found.post.id}` });
          post = found.post;
        } else if (sentBefore) {
          // After an unknown outcome this answer means our earlier post exists: never `failed`.
          await ctx.saveCheckpoint({ existsBy: code });
          throw existsButHidden(this.subject(ctx, composed.text, firstAttempt), code, platformText(e));
        } else throw e;
      }
      return this.published(ctx, post);
    } catch (e) {
      throw toChannelError(e);
    }
  }

  /**
   * Weibo answered this share with an error (not a lost answer): it was not made. Recorded, so that an
   * operator's retry of the failed delivery is not held back by a lookup that cannot prove it. Every
   * share before the last one was proven absent, or sent again by a person's decision.
   */
  private async noteRefusal(ctx: DeliveryContext, e: unknown, shareAt: string): Promise<void> {
    if (!(e instanceof ChannelError) || e.kind === 'unknown') return;
    if (isSlowUpdate(Number(e.code.replace('WEIBO_', '')), platformText(e))) return;
    await ctx.saveCheckpoint({ refusedShareAt: shareAt });
  }

  private async published(ctx: DeliveryContext, post: PostRef): Promise<{ status: 'published'; externalId: string; externalUrl: string }> {
    const url = this.api.statusUrl(ctx.account, post);
    await ctx.saveCheckpoint({ statusId: post.id, statusUrl: url });
    return { status: 'published', externalId: post.id, externalUrl: url };
  }

  /** rip for this delivery (weibo-rip.ts); none at all: refused before anything is sent. */
  private async ripFor(ctx: DeliveryContext): Promise<string> {
    const rip = chooseRip({ approverAddress: await approverAddress(this.ds, ctx.versionId), configured: ctx.account.settings?.rip ?? null });
    if (!rip)
      throw new PermanentError(
        'WEIBO_NO_RIP',
        `无法确定发布人的真实IP地址（微博要求随每条微博上报 rip）。请管理员在微博账号「${ctx.account.name}」的设置中填写 rip（发布单位的公网IP地址）后重试`,
      );
    return rip;
  }

  /** After 20032: the post exists; its id is found once Weibo shows it. */
  async confirm(ctx: DeliveryContext): Promise<ConfirmResult> {
    try {
      const cp = ctx.checkpoint;
      if (cp.statusId) return { status: 'published', externalId: String(cp.statusId), externalUrl: cp.statusUrl ?? null };
      const text = cp.text ?? composeWeiboStatus(ctx.version, ctx.portalUrl).text;
      const found = await this.api.lookUp(ctx, text, Date.parse(cp.shareAttemptedAt));
      if (found.kind === 'found') return this.published(ctx, found.post);
      if (Date.now() - Date.parse(cp.slowAcceptedAt ?? cp.shareAttemptedAt) < SLOW_UPDATE_WAIT_MS)
        return { status: 'pending', pollAfterMs: this.pollAfterMs(ctx.account) };
      throw acceptedButHidden(this.subject(ctx, text, cp.shareAttemptedAt));
    } catch (e) {
      throw toChannelError(e);
    }
  }

  /**
   * After an unknown outcome (or a crash mid-step). Found: published. Proven absent (the latest posts reach
   * back before our first attempt, and Weibo had time to show ours): not found, the engine sends again.
   * Anything else cannot be proven: a person checks (ManualCheckError), never resent automatically.
   */
  async reconcile(ctx: DeliveryContext): Promise<ReconcileResult> {
    try {
      const cp = ctx.checkpoint;
      if (cp.statusId) return { found: true, status: 'published', externalId: String(cp.statusId), externalUrl: cp.statusUrl ?? null };
      if (!cp.shareAttemptedAt) return { found: false };
      const text = cp.text ?? composeWeiboStatus(ctx.version, ctx.portalUrl).text;
      const found = await this.api.lookUp(ctx, text, Date.parse(cp.shareAttemptedAt));
      if (found.kind === 'found') {
        const r = await this.published(ctx, found.post);
        return { found: true, status: 'published', externalId: r.externalId, externalUrl: r.externalUrl };
      }
      const subject = this.subject(ctx, text, cp.shareAttemptedAt);
      // Weibo said the post exists (20019 / 20017 refused a resend as the same; 20032 made it): never sent again by itself.
      if (cp.existsBy) throw existsButHidden(subject, Number(cp.existsBy), '此前的答复');
      if (cp.slowAcceptedAt) {
        if (Date.now() - Date.parse(cp.slowAcceptedAt) < SLOW_UPDATE_WAIT_MS)
          throw new UnknownOutcomeError('WEIBO_NOT_SHOWN_YET', '微博已受理（20032），稍后才能在微博列表中看到，将再次核对');
        throw acceptedButHidden(subject);
      }
      // the last share was refused outright (an operator retries a failed delivery): nothing went out
      if (cp.refusedShareAt && cp.refusedShareAt === cp.lastShareAt) return { found: false };
      if (Date.now() - Date.parse(cp.lastShareAt ?? cp.shareAttemptedAt) < this.visibleWithinMs(ctx.account)) {
        throw new UnknownOutcomeError('WEIBO_NOT_SHOWN_YET', '上次发送的结果未知，微博可能稍后才显示这条微博，将再次核对后再决定');
      }
      if (found.kind === 'absent') return { found: false };
      throw checkByHand(subject, found.shown);
    } catch (e) {
      throw toChannelError(e);
    }
  }

  private subject(ctx: DeliveryContext, text: string, firstAttempt: string): CheckSubject {
    return { accountName: ctx.account.name, firstAttempt, text, portalUrl: ctx.portalUrl };
  }

  async withdraw(ctx: DeliveryContext): Promise<void> {
    try {
      const id = ctx.externalId ?? ctx.checkpoint.statusId;
      if (!id) throw new PermanentError('WEIBO_NO_ID', '没有微博 ID，无法删除');
      try {
        await this.api.destroy(ctx, String(id));
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
      return await this.picture(ctx.version, ctx.portalUrl, new ImageLoader(ctx.portalUrl, { local: this.uploads?.imageReader(ctx.version.itemId) }));
    } catch (e) {
      const err = toChannelError(e);
      if (err instanceof RetryableError) throw err;
      await ctx.logAttempt({
        call: 'picture',
        errorCode: (err as ChannelError).code ?? 'PICTURE',
        message: `配图无法使用，本条微博不带图发布：${(e as Error).message}`,
      });
      return null;
    }
  }

  private pollAfterMs(account: AdapterAccount): number {
    const t = Number(account.settings.pollAfterMs);
    return Number.isFinite(t) && t > 0 ? t : DEFAULT_POLL_MS;
  }

  private visibleWithinMs(account: AdapterAccount): number {
    const t = Number(account.settings.visibleWithinMs);
    return Number.isFinite(t) && t >= 0 ? t : WEIBO_VISIBLE_WITHIN_MS;
  }

  statusUrl(account: AdapterAccount, post: PostRef): string {
    return this.api.statusUrl(account, post);
  }

  private async portalUrlOf(v: ItemSnapshot): Promise<string> {
    return this.portalUrls ? this.portalUrls.urlFor(v.itemId, v.organisationId) : `http://localhost/articles/${v.itemId}.html`;
  }
}
