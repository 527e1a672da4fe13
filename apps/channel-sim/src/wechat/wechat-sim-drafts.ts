import type { Request, Response } from 'express';
import { charCount, jsonObject, randomToken } from '../http/sim-http';
import { defaultDigest, isValidCrop, stripForeignImages } from './wechat-content';
import { wechatError } from './wechat-errors';
import { Account, Article, CONTENT_MAX_BYTES, CONTENT_MAX_CHARS, Draft, PublishItem, WechatSimState } from './wechat-sim.types';

// The WeChat simulator's draft box: draft/add (with the article validation 群发 shares), draft/get,
// draft/delete, and the news_item shape draft/get and freepublish/batchget, getarticle answer.

export function draftAdd(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const body = jsonObject(req);
  if (!body || !Array.isArray(body.articles)) {
    res.json(wechatError(47001));
    return;
  }
  if (body.articles.length === 0) {
    res.json(wechatError(44003));
    return;
  }
  if (body.articles.length > 8) {
    res.json(wechatError(45008));
    return;
  }
  const articles: Article[] = [];
  for (const raw of body.articles as unknown[]) {
    const r = validateArticle(s, a, raw, body.articles.length === 1);
    if ('errcode' in r) {
      res.json(r);
      return;
    }
    articles.push(r);
  }
  const now = s.ctx.clock.now();
  const d: Draft = { mediaId: randomToken(48), appid: a.appid, articles, state: 'draft', createdAt: now, updatedAt: now };
  s.drafts.set(d.mediaId, d);
  res.json({ media_id: d.mediaId, item: [] });
}

export function validateArticle(
  s: WechatSimState,
  a: Account,
  raw: unknown,
  single: boolean,
  thumbOk?: (id: string) => boolean,
): Article | { errcode: number; errmsg: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return wechatError(47001);
  const o = raw as Record<string, unknown>;
  const str = (k: string): string | undefined | null => {
    const v = o[k];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : null;
  };
  const title = str('title');
  const author = str('author');
  const digest = str('digest');
  const content = str('content');
  const sourceUrl = str('content_source_url');
  const thumb = str('thumb_media_id');
  if (title === null || author === null || digest === null || content === null || sourceUrl === null || thumb === null) {
    return wechatError(47001, 'data format error hint: string field expected');
  }
  if (!title) return wechatError(47001, 'data format error hint: title missing');
  if (charCount(title) > 32) return wechatError(45003);
  const titleBytes = s.extras.titleError(a.appid, title);
  if (titleBytes) return titleBytes;
  if (author && charCount(author) > 16) return wechatError(45110);
  if (digest && charCount(digest) > 128) return wechatError(45004);
  if (!content) return wechatError(44004);
  if (charCount(content) >= CONTENT_MAX_CHARS || Buffer.byteLength(content, 'utf8') >= CONTENT_MAX_BYTES) return wechatError(45002);
  if (/<script\b/i.test(content)) return wechatError(45166);
  if (sourceUrl && Buffer.byteLength(sourceUrl, 'utf8') > 1024) return wechatError(45005);
  if (!thumb) return wechatError(40007);
  const material = s.materials.get(thumb);
  if (thumbOk ? !thumbOk(thumb) : !material || material.appid !== a.appid) return wechatError(40007);
  for (const k of ['pic_crop_235_1', 'pic_crop_1_1']) {
    const v = o[k];
    if (v !== undefined && v !== null && v !== '' && (typeof v !== 'string' || !isValidCrop(v))) return wechatError(47001, `data format error hint: ${k}`);
  }
  const flag = (k: string): number => (o[k] === 1 || o[k] === '1' || o[k] === true ? 1 : 0);
  const stripped = stripForeignImages(content);
  return {
    title,
    author: author ?? '',
    digest: digest || (single ? defaultDigest(stripped.html) : ''),
    content: stripped.html,
    content_source_url: sourceUrl ?? '',
    thumb_media_id: thumb,
    need_open_comment: flag('need_open_comment'),
    only_fans_can_comment: flag('only_fans_can_comment'),
    pic_crop_235_1: typeof o.pic_crop_235_1 === 'string' ? o.pic_crop_235_1 : undefined,
    pic_crop_1_1: typeof o.pic_crop_1_1 === 'string' ? o.pic_crop_1_1 : undefined,
    strippedImages: stripped.stripped,
  };
}

export function draftGet(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const id = jsonObject(req)?.media_id;
  const d = typeof id === 'string' ? s.drafts.get(id) : undefined;
  if (!d || d.appid !== a.appid) {
    res.json(wechatError(40007));
    return;
  }
  res.json({ news_item: d.articles.map((x) => newsItem(s, x, undefined, true)) });
}

export function draftDelete(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const id = jsonObject(req)?.media_id;
  const d = typeof id === 'string' ? s.drafts.get(id) : undefined;
  if (!d || d.appid !== a.appid) {
    res.json(wechatError(40007));
    return;
  }
  s.drafts.delete(d.mediaId);
  res.json({ errcode: 0, errmsg: 'ok' });
}

export function newsItem(s: WechatSimState, art: Article, item: PublishItem | undefined, withContent: boolean) {
  const thumb = s.materials.get(art.thumb_media_id);
  return {
    title: art.title,
    author: art.author,
    digest: art.digest,
    ...(withContent ? { content: art.content } : {}),
    content_source_url: art.content_source_url,
    thumb_media_id: art.thumb_media_id,
    thumb_url: thumb?.url ?? '',
    need_open_comment: art.need_open_comment,
    only_fans_can_comment: art.only_fans_can_comment,
    url: item?.url ?? '',
    is_deleted: item?.deleted ?? false,
  };
}
