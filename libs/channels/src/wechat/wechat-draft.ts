import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { Rendition } from '@app/media/budget-encoder';
import type { MediaService } from '@app/media/media.service';
import { DeliveryContext, PermanentError, RetryableError, UnknownOutcomeError } from '../channel-adapter';
import { ImageLoader } from '../http/image-source';
import type { UploadStore } from '../portal/upload-store';
import { attachmentsHtml, bodyText, DEFAULT_CONTENT_LIMITS, finalizeWechatBody, fitWechatContent, PreparedBody, prepareWechatBody } from './wechat-body';
import type { WechatClient } from './wechat-client';
import { charLength, draftAddError, WECHAT_LIMITS, wechatFieldProblems, WechatFields, wechatFields, wechatOverrides } from './wechat-fields';

export interface Thumb {
  rendition: Rendition;
  source: 'override' | 'body' | 'title-card';
}

/**
 * The draft of a WeChat article (shared by 发布 and 群发): body images uploaded to mmbiz, the cover
 * thumb, then draft/add, each step checkpointed before the next one runs.
 */
export class WechatDraft {
  constructor(
    private readonly media: MediaService,
    private readonly uploads?: UploadStore,
  ) {}

  async create(ctx: DeliveryContext, client: WechatClient): Promise<void> {
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
      const thumb: Thumb = coverFromBody ? { rendition: coverFromBody, source: 'body' } : await this.thumb(v, fields, prepared, loader);
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

  /** Cover override → first body image → a title card; JPG ≤ 64 KB at 2.35:1. */
  async thumb(v: ItemSnapshot, fields: WechatFields, prepared: PreparedBody, loader: ImageLoader): Promise<Thumb> {
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
}
