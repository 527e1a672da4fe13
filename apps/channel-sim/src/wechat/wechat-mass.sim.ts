import * as crypto from 'crypto';
import { NextFunction, Request, Response, Router } from 'express';
import { sniffImage } from '../http/image-type';
import { ControlError, SimContext, TimerSet, escapeHtml, getBody, jsonObject, randomToken } from '../http/sim-http';
import { htmlToText } from './wechat-content';
import { wechatError } from './wechat-errors';
import { massControlRouter } from './wechat-mass-control.sim';
import { MassAccountSettings, MassArticle, MassMessage, Upload, WECHAT_MASS_DEFAULTS, WechatMassConfig, WechatMassHost } from './wechat-mass.types';
import { massEventXml, pushMassEvent } from './wechat-mass-push.sim';

/**
 * 群发 (mass send) of the official-account API, on the stricter reading of the public sources
 * (libs/channels/src/wechat/PLATFORM.md §1 has every source in full):
 *  - media/upload?type=thumb: temporary material, 3 days (old doc "临时素材 … 3天后media_id失效").
 *  - media/uploadnews: articles whose thumb_media_id is a TEMPORARY thumb — official api_uploadnewsmsg
 *    ("available in Material Management - Add Temporary Material"); its media_id is temporary too.
 *  - message/mass/sendall: a draft media_id is refused (40007) — practitioners report it
 *    (developers.weixin.qq.com/community/minihome/doc/000468744a0fc0d3dd9d65e5556c00) while the doc
 *    implies drafts work; `acceptDraftMediaId: true` models the doc reading.
 *  - clientmsgid dedup for 24 h: 45065 with the existing msg_id, 45066 when repeated within a minute,
 *    45067 over 32 bytes (official §9 text says 64 bytes; a 36-char UUID got 45067 in a community report
 *    .../community/develop/doc/0000c403d88548712a5042bc26bc00 — stricter reading).
 *  - quota (wechat_sdk WeChat.BatchSends docstring quoting the official page; 45028 text from community
 *    posts): 订阅号 one successful call per Beijing day; 服务号 100 calls a day, and a follower gets at most
 *    4 a month — modelled as: the 5th send of a Beijing month ends "send fail" (nobody receives it).
 *    60 requests a minute (official Batch_Sends page), excess answered 45011 (code not documented).
 *  - 群发保护 (api_sendall): a send to all waits for the admin's confirmation, fails after 30 min.
 *  - mass/get SEND_SUCCESS | SENDING | SEND_FAIL | DELETE, 40059 unknown (api_massmsgget);
 *    mass/delete only after success, article_idx 0 = all (api_deletemassmsg);
 *    mass/preview to touser or towxname, towxname 100 a day (api_preview; limit via mirror).
 *  - MASSSENDJOBFINISH pushed to the server URL with <MsgID> (live capture, community doc
 *    00000c2a54c2a83059ecb9ba056c00); Status "send success" | "send fail" | "err(n)"
 *    (chanxuehong/wechat mp/message/mass/event.go).
 */

export type { MassAccountSettings, MassArticle, MassMessage, WechatMassConfig, WechatMassHost } from './wechat-mass.types';

const THUMB_MAX = 64 * 1024;
const DAY_MS = 24 * 3600_000;
const BEIJING_MS = 8 * 3600_000;

export class WechatMassSim {
  readonly controlRouter: Router;
  private config: WechatMassConfig = { ...WECHAT_MASS_DEFAULTS };
  private settings = new Map<string, MassAccountSettings>();
  private uploads = new Map<string, Upload>();
  private msgs = new Map<number, MassMessage>();
  private keys = new Map<string, { msgId: number; firstAt: number; lastAt: number }>();
  private calls = new Map<string, number[]>();
  private failures: { appid?: string; status: string }[] = [];
  private previewLog: { appid: string; touser?: string; towxname?: string; titles: string[]; at: number }[] = [];
  private pushes: { appid: string; msgId: number; url: string; delivered: boolean; attempts: number; status?: number; body: string }[] = [];
  private msgSeq = 1000000000;
  private dataSeq = 2650000000;
  private readonly timers = new TimerSet();
  private closed = false;

  constructor(
    private readonly ctx: SimContext,
    private readonly host: WechatMassHost,
  ) {
    this.controlRouter = massControlRouter(this);
  }

  configure(patch: Partial<WechatMassConfig>): WechatMassConfig {
    const c = { ...this.config, ...patch };
    for (const k of ['jobDelayMs', 'protectionTimeoutMs', 'retryTooFastMs', 'tempMediaTtlMs'] as const) {
      if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] < 0) throw new ControlError(`${k} must be a non-negative number`);
    }
    this.config = c;
    return { ...c };
  }

  getConfig(): WechatMassConfig {
    return { ...this.config };
  }

  setAccount(appid: string, s: Partial<MassAccountSettings>): MassAccountSettings {
    if (s.accountType !== undefined && s.accountType !== 'subscription' && s.accountType !== 'service')
      throw new ControlError('accountType must be subscription or service');
    const next = { ...this.accountSettings(appid) };
    if (s.accountType !== undefined) next.accountType = s.accountType;
    if (s.protection !== undefined) next.protection = s.protection;
    this.settings.set(appid, next);
    return next;
  }

  /** The next send job (of the appid, or any) ends with this event Status ("send fail", "err(20013)"…). */
  failNext(f: { status: string; appid?: string }): void {
    if (f.status !== 'send fail' && !/^err\(\d+\)$/.test(f.status)) throw new ControlError('status must be "send fail" or "err(<n>)"');
    this.failures.push(f);
  }

  /** The admin confirms (or refuses) a send held by 群发保护. */
  confirmProtection(msgId: number, approve: boolean): void {
    const m = this.msgs.get(Number(msgId));
    if (!m || !m.awaitingAdmin) throw new ControlError('no send waiting for confirmation', 404);
    m.awaitingAdmin = false;
    if (approve) this.timers.after(this.config.jobDelayMs, () => this.finish(m));
    else this.finish(m, 'send fail');
  }

  messages(): MassMessage[] {
    return [...this.msgs.values()].map((m) => ({ ...m, articles: [...m.articles], urls: [...m.urls], deletedIdx: [...m.deletedIdx] }));
  }

  previews() {
    return this.previewLog.map((p) => ({ ...p }));
  }

  callbacks() {
    return this.pushes.map((p) => ({ ...p }));
  }

  reset(): void {
    this.timers.clear();
    this.config = { ...WECHAT_MASS_DEFAULTS };
    this.settings.clear();
    this.uploads.clear();
    this.msgs.clear();
    this.keys.clear();
    this.calls.clear();
    this.failures = [];
    this.previewLog = [];
    this.pushes = [];
  }

  close(): void {
    this.closed = true;
    this.timers.clear();
  }

  /** Protocol routes; mounted before the host's own /s so mass article pages are served here. */
  mount(r: Router): void {
    r.post('/cgi-bin/media/upload', (req, res) => this.host.withAuth(req, res, (a) => this.uploadTemp(a, req, res)));
    r.post('/cgi-bin/media/uploadnews', (req, res) => this.host.withAuth(req, res, (a) => this.uploadNews(a, req, res)));
    r.post('/cgi-bin/message/mass/sendall', (req, res) => this.host.withAuth(req, res, (a) => this.sendAll(a, req, res)));
    r.post('/cgi-bin/message/mass/get', (req, res) => this.host.withAuth(req, res, (a) => this.get(a, req, res)));
    r.post('/cgi-bin/message/mass/delete', (req, res) => this.host.withAuth(req, res, (a) => this.remove(a, req, res)));
    r.post('/cgi-bin/message/mass/preview', (req, res) => this.host.withAuth(req, res, (a) => this.preview(a, req, res)));
    r.get('/s', (req, res, next) => this.page(req, res, next));
  }

  // ---------------------------------------------------------------- protocol

  private accountSettings(appid: string): MassAccountSettings {
    return this.settings.get(appid) ?? { accountType: 'subscription', protection: false };
  }

  private live(id: unknown, appid: string, kind: Upload['kind']): Upload | undefined {
    const u = typeof id === 'string' ? this.uploads.get(id) : undefined;
    if (!u || u.appid !== appid || u.kind !== kind) return undefined;
    return this.ctx.clock.now() - u.createdAt > this.config.tempMediaTtlMs ? undefined : u;
  }

  private uploadTemp(appid: string, req: Request, res: Response): void {
    if (req.query.type !== 'thumb') {
      res.json(wechatError(40004)); // only thumbs are modelled
      return;
    }
    const file = getBody(req).files.media;
    if (!file || !file.data.length) return void res.json(wechatError(41005));
    if (sniffImage(file.data) !== 'jpeg') return void res.json(wechatError(40005));
    if (file.data.length > THUMB_MAX) return void res.json(wechatError(40009));
    const u: Upload = { mediaId: randomToken(48), appid, kind: 'thumb', createdAt: this.ctx.clock.now() };
    this.uploads.set(u.mediaId, u);
    res.json({ type: 'thumb', thumb_media_id: u.mediaId, created_at: Math.floor(u.createdAt / 1000) });
  }

  private uploadNews(appid: string, req: Request, res: Response): void {
    const body = jsonObject(req);
    if (!body || !Array.isArray(body.articles)) return void res.json(wechatError(47001));
    if (!body.articles.length) return void res.json(wechatError(44003));
    if (body.articles.length > 8) return void res.json(wechatError(45008));
    const articles: MassArticle[] = [];
    for (const raw of body.articles as unknown[]) {
      const a = this.host.validateArticle(appid, raw, body.articles.length === 1, (id) => !!this.live(id, appid, 'thumb'));
      if ('errcode' in a) return void res.json(a);
      articles.push(a);
    }
    const u: Upload = { mediaId: randomToken(48), appid, kind: 'news', articles, createdAt: this.ctx.clock.now() };
    this.uploads.set(u.mediaId, u);
    res.json({ type: 'news', media_id: u.mediaId, created_at: Math.floor(u.createdAt / 1000) });
  }

  /** The articles behind an mpnews media_id: an uploadnews id, or (doc reading only) a draft. */
  private media(appid: string, mediaId: unknown): { articles: MassArticle[]; draft: boolean } | undefined {
    const u = this.live(mediaId, appid, 'news');
    if (u?.articles) return { articles: u.articles, draft: false };
    const d = this.config.acceptDraftMediaId && typeof mediaId === 'string' ? this.host.draft(mediaId) : undefined;
    if (d && d.appid === appid && d.state === 'draft') return { articles: d.articles, draft: true };
    return undefined;
  }

  private tooFast(appid: string): boolean {
    const now = this.ctx.clock.now();
    const recent = (this.calls.get(appid) ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    this.calls.set(appid, recent);
    return recent.length > 60;
  }

  private sendAll(appid: string, req: Request, res: Response): void {
    if (this.tooFast(appid)) return void res.json(wechatError(45011));
    const body = jsonObject(req);
    const filter = body?.filter as Record<string, unknown> | undefined;
    if (!body || !filter || typeof filter !== 'object' || body.msgtype !== 'mpnews') return void res.json(wechatError(47001));
    const isToAll = filter.is_to_all === true || filter.is_to_all === 'true';
    const tagId = filter.tag_id === undefined || filter.tag_id === null || filter.tag_id === '' ? null : Number(filter.tag_id);
    if (!isToAll && (tagId === null || !Number.isInteger(tagId) || tagId < 0)) return void res.json(wechatError(47001, 'data format error hint: tag_id'));
    const now = this.ctx.clock.now();
    const clientMsgId = typeof body.clientmsgid === 'string' ? body.clientmsgid : '';
    if (Buffer.byteLength(clientMsgId, 'utf8') > 32) return void res.json(wechatError(45067, 'clientmsgid size out of limit'));
    const mediaId = (body.mpnews as Record<string, unknown> | undefined)?.media_id;
    // Without a clientmsgid the platform keys on the scope and the content.
    const key = `${appid}:${
      clientMsgId ||
      crypto
        .createHash('sha1')
        .update(`${isToAll}:${tagId}:${String(mediaId)}`)
        .digest('hex')
    }`;
    const seen = this.keys.get(key);
    if (seen && now - seen.firstAt < DAY_MS) {
      if (now - seen.lastAt < this.config.retryTooFastMs) {
        seen.lastAt = now;
        return void res.json(wechatError(45066, 'same clientmsgid retry too fast hint: [retry after 1 minute]'));
      }
      seen.lastAt = now;
      return void res.json({ ...wechatError(45065, 'clientmsgid exist'), msg_id: seen.msgId });
    }
    const media = this.media(appid, mediaId);
    if (!media) return void res.json(wechatError(40007));
    if (!this.hasQuota(appid, now)) return void res.json(wechatError(45028, 'has no masssend quota'));
    if (media.draft) this.host.consumeDraft(String(mediaId));
    const m: MassMessage = {
      msgId: ++this.msgSeq,
      msgDataId: ++this.dataSeq,
      appid,
      clientMsgId,
      mediaId: String(mediaId),
      articles: media.articles,
      isToAll,
      tagId: isToAll ? null : tagId,
      status: 'SENDING',
      awaitingAdmin: isToAll && this.accountSettings(appid).protection,
      submittedAt: now,
      urls: [],
      deletedIdx: [],
    };
    this.msgs.set(m.msgId, m);
    this.keys.set(key, { msgId: m.msgId, firstAt: now, lastAt: now });
    if (m.awaitingAdmin) this.timers.after(this.config.protectionTimeoutMs, () => m.awaitingAdmin && ((m.awaitingAdmin = false), this.finish(m, 'send fail')));
    else this.timers.after(this.config.jobDelayMs, () => this.finish(m));
    res.json({ errcode: 0, errmsg: 'send job submission success', msg_id: m.msgId, msg_data_id: m.msgDataId });
  }

  private beijing(t: number): { day: number; month: string } {
    const d = new Date(t + BEIJING_MS);
    return { day: Math.floor((t + BEIJING_MS) / DAY_MS), month: `${d.getUTCFullYear()}-${d.getUTCMonth()}` };
  }

  private sentIn(appid: string, pred: (t: number) => boolean): number {
    return [...this.msgs.values()].filter((m) => m.appid === appid && pred(m.submittedAt)).length;
  }

  private hasQuota(appid: string, now: number): boolean {
    const { day } = this.beijing(now);
    const today = this.sentIn(appid, (t) => this.beijing(t).day === day);
    return this.accountSettings(appid).accountType === 'subscription' ? today < 1 : today < 100;
  }

  private takeFailure(m: MassMessage): string | undefined {
    const { month } = this.beijing(m.submittedAt);
    // 服务号: a follower receives at most 4 a month; the 5th reaches nobody.
    if (this.accountSettings(m.appid).accountType === 'service' && this.sentIn(m.appid, (t) => t < m.submittedAt && this.beijing(t).month === month) >= 4)
      return 'send fail';
    const i = this.failures.findIndex((f) => !f.appid || f.appid === m.appid);
    return i < 0 ? undefined : this.failures.splice(i, 1)[0].status;
  }

  private finish(m: MassMessage, forced?: string): void {
    if (this.closed || m.status !== 'SENDING' || m.awaitingAdmin) return;
    const failure = forced ?? this.takeFailure(m);
    m.finishedAt = this.ctx.clock.now();
    m.eventStatus = failure ?? 'send success';
    if (failure) m.status = 'SEND_FAIL';
    else {
      m.status = 'SEND_SUCCESS';
      m.urls = m.articles.map((_, i) => this.articleUrl(m, i + 1));
      m.articles.forEach((art, i) =>
        this.ctx.records.add({
          system: 'wechat',
          account: m.appid,
          externalId: String(m.msgId),
          index: i + 1,
          title: art.title,
          text: htmlToText(art.content),
          url: m.urls[i],
          action: 'mass',
          meta: {
            msg_id: m.msgId,
            msg_data_id: m.msgDataId,
            is_to_all: m.isToAll,
            tag_id: m.tagId,
            clientmsgid: m.clientMsgId,
            author: art.author,
            content_source_url: art.content_source_url,
            content: art.content,
          },
        }),
      );
      this.ctx.log(`wechat: ${m.appid} mass-sent ${m.articles.length} article(s), msg_id ${m.msgId}`);
    }
    this.push(m);
  }

  private articleUrl(m: MassMessage, idx: number): string {
    const sn = crypto.createHash('md5').update(`${m.msgId}:${idx}`).digest('hex');
    return `${this.ctx.baseUrl()}/wechat/s?__biz=${encodeURIComponent(Buffer.from(m.appid).toString('base64'))}&mid=${m.msgDataId}&idx=${idx}&sn=${sn}#rd`;
  }

  private get(appid: string, req: Request, res: Response): void {
    const m = this.msgs.get(Number(jsonObject(req)?.msg_id));
    if (!m || m.appid !== appid) return void res.json(wechatError(40059, 'invalid msg id'));
    res.json({ msg_id: m.msgId, msg_status: m.status });
  }

  private remove(appid: string, req: Request, res: Response): void {
    const body = jsonObject(req);
    const m = this.msgs.get(Number(body?.msg_id));
    if (!m || m.appid !== appid) return void res.json(wechatError(40059, 'invalid msg id'));
    // api_deletemassmsg: only messages sent through the API that have already succeeded.
    if (m.status !== 'SEND_SUCCESS' && m.status !== 'DELETE') return void res.json(wechatError(40059, 'msg not sent successfully'));
    const idx = body?.article_idx === undefined || body?.article_idx === null ? 0 : Number(body.article_idx);
    if (!Number.isInteger(idx) || idx < 0 || idx > m.articles.length) return void res.json(wechatError(47001, 'data format error hint: article_idx'));
    for (let i = 1; i <= m.articles.length; i++) if ((idx === 0 || idx === i) && !m.deletedIdx.includes(i)) m.deletedIdx.push(i);
    if (m.deletedIdx.length === m.articles.length) m.status = 'DELETE';
    this.ctx.records.markDeleted(
      (r) => r.system === 'wechat' && r.action === 'mass' && r.externalId === String(m.msgId) && (idx === 0 || r.index === idx),
      'message/mass/delete',
    );
    res.json({ errcode: 0, errmsg: 'ok' });
  }

  private preview(appid: string, req: Request, res: Response): void {
    const body = jsonObject(req);
    const touser = typeof body?.touser === 'string' && body.touser ? body.touser : undefined;
    const towxname = typeof body?.towxname === 'string' && body.towxname ? body.towxname : undefined;
    if (!body || (!touser && !towxname) || body.msgtype !== 'mpnews') return void res.json(wechatError(47001));
    const now = this.ctx.clock.now();
    const { day } = this.beijing(now);
    if (towxname && this.previewLog.filter((p) => p.appid === appid && p.towxname && this.beijing(p.at).day === day).length >= 100)
      return void res.json(wechatError(45009));
    const media = this.media(appid, (body.mpnews as Record<string, unknown> | undefined)?.media_id);
    if (!media) return void res.json(wechatError(40007));
    this.previewLog.push({ appid, touser, towxname, titles: media.articles.map((a) => a.title), at: now });
    res.json({ errcode: 0, errmsg: 'preview success', msg_id: ++this.msgSeq });
  }

  private page(req: Request, res: Response, next: NextFunction): void {
    const m = [...this.msgs.values()].find((x) => x.msgDataId === Number(req.query.mid));
    if (!m) return next();
    const idx = Number(req.query.idx ?? 1);
    const art = m.articles[idx - 1];
    const shell = (inner: string, title = '微信公众平台') =>
      `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${inner}</body></html>`;
    if (!art || m.status === 'SENDING' || m.status === 'SEND_FAIL') return void res.status(404).type('html').send(shell('<p>该内容不存在</p>'));
    if (m.deletedIdx.includes(idx)) return void res.type('html').send(shell('<p>该内容已被发布者删除</p>'));
    const content = art.content.replace(/https?:\/\/mmbiz\.qpic\.cn\/sim\/([A-Za-z0-9_-]+)/g, (_x, id: string) => `${this.ctx.baseUrl()}/wechat/mmbiz/${id}`);
    res
      .type('html')
      .send(
        shell(
          `<article><h1 id="activity-name">${escapeHtml(art.title)}</h1><p class="meta">${escapeHtml(art.author)}</p><div id="js_content">${content}</div></article>`,
          art.title,
        ),
      );
  }

  private push(m: MassMessage): void {
    const a = this.host.account(m.appid);
    if (!a?.callbackUrl) return;
    const xml = massEventXml(a.ghid, m, this.ctx.clock.now());
    const { body, encrypt } = this.host.wrap?.(m.appid, a.ghid, xml) ?? { body: xml, encrypt: null };
    const p = { appid: m.appid, msgId: m.msgId, url: a.callbackUrl, delivered: false, attempts: 0, status: undefined as number | undefined, body };
    this.pushes.push(p);
    pushMassEvent(p, {
      token: a.callbackToken,
      encrypt,
      now: () => this.ctx.clock.now(),
      closed: () => this.closed,
      after: (ms, fn) => this.timers.after(ms, fn),
    });
  }
}
