import * as crypto from 'crypto';
import type { Request, Response } from 'express';
import { escapeHtml, jsonObject, randomToken } from '../http/sim-http';
import { htmlToText } from './wechat-content';
import { wechatError } from './wechat-errors';
import { deliverCallback } from './wechat-sim-callback';
import { newsItem } from './wechat-sim-drafts';
import { Account, PublishFailure, PublishJob, WechatSimState } from './wechat-sim.types';

// The WeChat simulator's publish jobs: freepublish/submit, the job's end (success, or a failure queued
// with failNextPublish) after `publishDelayMs`, freepublish/get, delete, batchget, getarticle, and the
// public article page each published article's URL opens.

export function submit(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const body = jsonObject(req);
  if (!body) {
    res.json(wechatError(47001));
    return;
  }
  const id = body.media_id;
  const d = typeof id === 'string' ? s.drafts.get(id) : undefined;
  // A draft being published, or already published (it leaves the draft box), is not submittable.
  if (!d || d.appid !== a.appid || d.state !== 'draft') {
    res.json(wechatError(40007));
    return;
  }
  d.state = 'publishing';
  const job: PublishJob = {
    publishId: ++s.publishSeq,
    msgDataId: ++s.msgSeq,
    appid: a.appid,
    draftMediaId: d.mediaId,
    articles: d.articles,
    status: 1,
    items: [],
    failIdx: [],
    submittedAt: s.ctx.clock.now(),
  };
  s.jobs.set(String(job.publishId), job);
  s.jobsByMsgId.set(job.msgDataId, job);
  s.timers.after(s.config.publishDelayMs, () => finishJob(s, job));
  res.json({ errcode: 0, errmsg: 'ok', publish_id: idOut(s, job.publishId), msg_data_id: idOut(s, job.msgDataId) });
}

function idOut(s: WechatSimState, n: number): number | string {
  return s.config.publishIdType === 'string' ? String(n) : n;
}

function takeFailure(s: WechatSimState, appid: string): PublishFailure | undefined {
  const i = s.failures.findIndex((f) => !f.appid || f.appid === appid);
  if (i < 0) return undefined;
  const f = s.failures[i];
  if (--f.remaining <= 0) s.failures.splice(i, 1);
  return f;
}

function finishJob(s: WechatSimState, job: PublishJob): void {
  if (s.closed || job.status !== 1) return;
  const draft = s.drafts.get(job.draftMediaId);
  const failure = takeFailure(s, job.appid);
  job.finishedAt = s.ctx.clock.now();
  if (failure) {
    job.status = failure.status;
    job.failIdx = failure.status === 2 || failure.status === 4 ? (failure.failIdx ?? job.articles.map((_, i) => i + 1)) : [];
    if (draft) draft.state = 'draft';
  } else {
    job.status = 0;
    job.articleId = randomToken(32);
    job.items = job.articles.map((_, i) => ({ idx: i + 1, url: articleUrl(s, job, i + 1), deleted: false }));
    s.drafts.delete(job.draftMediaId);
    job.articles.forEach((art, i) => {
      s.ctx.records.add({
        system: 'wechat',
        account: job.appid,
        externalId: job.articleId as string,
        index: i + 1,
        title: art.title,
        text: htmlToText(art.content),
        url: job.items[i].url,
        action: 'publish',
        meta: {
          publish_id: job.publishId,
          msg_data_id: job.msgDataId,
          author: art.author,
          digest: art.digest,
          content_source_url: art.content_source_url,
          thumb_media_id: art.thumb_media_id,
          content: art.content,
          strippedImages: art.strippedImages,
        },
      });
    });
    s.ctx.log(`wechat: ${job.appid} published ${job.articles.length} article(s), publish_id ${job.publishId}`);
  }
  deliverCallback(s, job);
}

function articleUrl(s: WechatSimState, job: PublishJob, idx: number): string {
  const biz = Buffer.from(String(parseInt(crypto.createHash('md5').update(job.appid).digest('hex').slice(0, 8), 16))).toString('base64');
  const sn = crypto.createHash('md5').update(`${job.articleId}:${idx}`).digest('hex');
  return `${s.ctx.baseUrl()}/wechat/s?__biz=${encodeURIComponent(biz)}&mid=${job.msgDataId}&idx=${idx}&sn=${sn}#rd`;
}

function jobStatus(job: PublishJob): number {
  if (job.status === 0 && job.items.length > 0 && job.items.every((i) => i.deleted)) return 5;
  return job.status;
}

export function describeJob(s: WechatSimState, job: PublishJob) {
  const status = jobStatus(job);
  const out: Record<string, unknown> = { publish_id: idOut(s, job.publishId), publish_status: status };
  if (job.status === 0) {
    const items = job.items.filter((i) => !i.deleted);
    out.article_id = job.articleId;
    out.article_detail = { count: items.length, item: items.map((i) => ({ idx: i.idx, article_url: i.url })) };
  }
  out.fail_idx = job.failIdx;
  return out;
}

export function publishGet(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const id = jsonObject(req)?.publish_id;
  const job = id === undefined || id === null ? undefined : s.jobs.get(String(id));
  if (!job || job.appid !== a.appid) {
    res.json(wechatError(40007, 'invalid publish_id'));
    return;
  }
  res.json(describeJob(s, job));
}

function jobByArticleId(s: WechatSimState, appid: string, articleId: unknown): PublishJob | undefined {
  if (typeof articleId !== 'string') return undefined;
  for (const j of s.jobs.values()) if (j.appid === appid && j.articleId === articleId) return j;
  return undefined;
}

export function publishDelete(s: WechatSimState, a: Account, req: Request, res: Response): void {
  if (a.deleteUnauthorized) {
    res.json(wechatError(48001));
    return;
  }
  const body = jsonObject(req);
  if (!body) {
    res.json(wechatError(47001));
    return;
  }
  const job = jobByArticleId(s, a.appid, body.article_id);
  if (!job) {
    res.json(wechatError(53600));
    return;
  }
  const index = body.index === undefined || body.index === null ? 0 : Number(body.index);
  if (!Number.isInteger(index) || index < 0 || index > job.items.length) {
    res.json(wechatError(53600));
    return;
  }
  const targets = index === 0 ? job.items : job.items.filter((i) => i.idx === index);
  for (const t of targets) t.deleted = true;
  s.ctx.records.markDeleted((r) => r.system === 'wechat' && r.externalId === job.articleId && (index === 0 || r.index === index), 'freepublish/delete');
  res.json({ errcode: 0, errmsg: 'ok' });
}

export function batchGet(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const body = jsonObject(req);
  const offset = Number(body?.offset ?? 0);
  const count = Number(body?.count);
  if (!body || !Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 1 || count > 20) {
    res.json(wechatError(47001));
    return;
  }
  const noContent = body.no_content === 1 || body.no_content === '1' || body.no_content === true;
  const published = [...s.jobs.values()]
    .filter((j) => j.appid === a.appid && j.status === 0)
    .sort((x, y) => (y.finishedAt ?? 0) - (x.finishedAt ?? 0) || y.publishId - x.publishId);
  const page = published.slice(offset, offset + count);
  res.json({
    total_count: published.length,
    item_count: page.length,
    item: page.map((j) => ({
      article_id: j.articleId,
      content: {
        news_item: j.articles.map((art, i) => newsItem(s, art, j.items[i], !noContent)),
        create_time: Math.floor(j.submittedAt / 1000),
        update_time: Math.floor((j.finishedAt ?? j.submittedAt) / 1000),
      },
      update_time: Math.floor((j.finishedAt ?? j.submittedAt) / 1000),
    })),
  });
}

export function getArticle(s: WechatSimState, a: Account, req: Request, res: Response): void {
  const job = jobByArticleId(s, a.appid, jsonObject(req)?.article_id);
  if (!job) {
    res.json(wechatError(53600));
    return;
  }
  res.json({ news_item: job.articles.map((art, i) => newsItem(s, art, job.items[i], true)) });
}

export function articlePage(s: WechatSimState, req: Request, res: Response): void {
  const job = s.jobsByMsgId.get(Number(req.query.mid));
  const idx = Number(req.query.idx ?? 1);
  const item = job?.items.find((i) => i.idx === idx);
  if (!job || !item) {
    res
      .status(404)
      .type('html')
      .send('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>微信公众平台</title></head><body><p>该内容不存在</p></body></html>');
    return;
  }
  if (item.deleted) {
    res
      .type('html')
      .send('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>微信公众平台</title></head><body><p>该内容已被发布者删除</p></body></html>');
    return;
  }
  const art = job.articles[idx - 1];
  // Show the article's images from the simulator, since mmbiz.qpic.cn/sim/... does not exist.
  const content = art.content.replace(/https?:\/\/mmbiz\.qpic\.cn\/sim\/([A-Za-z0-9_-]+)/g, (_m, id: string) => `${s.ctx.baseUrl()}/wechat/mmbiz/${id}`);
  res
    .type('html')
    .send(
      `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
        `<title>${escapeHtml(art.title)}</title></head><body><article><h1 id="activity-name">${escapeHtml(art.title)}</h1>` +
        `<p class="meta">${escapeHtml(art.author)} · ${escapeHtml(new Date(job.finishedAt ?? job.submittedAt).toISOString().slice(0, 10))}</p>` +
        `<div id="js_content">${content}</div>` +
        (art.content_source_url ? `<p><a href="${escapeHtml(art.content_source_url)}">阅读原文</a></p>` : '') +
        `</article></body></html>`,
    );
}
