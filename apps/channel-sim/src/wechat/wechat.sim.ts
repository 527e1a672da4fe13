import * as crypto from 'crypto';
import express, { Request, Response, Router } from 'express';
import { FaultHooks } from '../faults/fault-injector';
import { ImageType, imageMime, sniffImage } from '../http/image-type';
import { ControlError, SimContext, SimSystem, TimerSet, charCount, control, controlBody, escapeHtml, getBody, jsonObject, optBool, optNumber, optString, randomToken, configPatch } from '../http/sim-http';
import { defaultDigest, htmlToText, isValidCrop, stripForeignImages } from './wechat-content';
import { wechatError } from './wechat-errors';
import { registerWechatCheckRoutes, WechatAccountExtras, WechatSimAccountExtras } from './wechat-sim-account-extras';
import { WechatMassSim } from './wechat-mass.sim';

/**
 * WeChat official account publishing API (api.weixin.qq.com), as CHANNELS.md describes it: token
 * (with the 5-minute overlap after a refresh), stable_token, uploadimg, add_material, draft/add,
 * freepublish submit/get/delete/batchget/getarticle, the PUBLISHJOBFINISH callback and the article
 * pages. Every error is `{errcode, errmsg}` with HTTP 200, like the real platform.
 */

export interface WechatConfig {
  /** unknown appids get an account on first use (any secret); false: only registered appids */
  acceptUnknownAppids: boolean;
  tokenTtlS: number;
  /** how long a superseded token keeps working */
  tokenOverlapS: number;
  /** time from freepublish/submit to the end of the publish job */
  publishDelayMs: number;
  /** live responses send publish_id as a number, the docs as a string */
  publishIdType: 'number' | 'string';
  callbackEvent: 'PUBLISHJOBFINISH' | 'FREEPUBLISHJOBFINISH';
  callbackAttempts: number;
  callbackRetryDelayMs: number;
  stableForceRefreshPerDay: number;
  stableForceRefreshMinIntervalS: number;
  /**
   * What the token endpoints answer to a wrong AppSecret: 40125 "invalid appsecret", or 40001 (the global
   * code list: "AppSecret 错误或者 AppSecret 不属于这个公众号"; PLATFORM.md §5). The adapter must read both as a
   * credentials error, never as "refresh the token and retry".
   */
  wrongSecretErrcode: number;
}

export const WECHAT_DEFAULTS: WechatConfig = {
  acceptUnknownAppids: true,
  tokenTtlS: 7200,
  tokenOverlapS: 300,
  publishDelayMs: 200,
  publishIdType: 'number',
  callbackEvent: 'PUBLISHJOBFINISH',
  callbackAttempts: 3,
  callbackRetryDelayMs: 500,
  stableForceRefreshPerDay: 20,
  stableForceRefreshMinIntervalS: 30,
  wrongSecretErrcode: 40125,
};

export interface WechatAccountInput {
  appid: string;
  /** absent: any secret is accepted for this appid */
  secret?: string;
  ghid?: string;
  ipWhitelistFail?: boolean;
  /** freepublish/delete answers 48001 */
  deleteUnauthorized?: boolean;
  callbackUrl?: string | null;
  /** the Token configured on the platform: the callback then carries signature/timestamp/nonce */
  callbackToken?: string | null;
}

interface Account {
  appid: string;
  secret?: string;
  ghid: string;
  ipWhitelistFail: boolean;
  deleteUnauthorized: boolean;
  callbackUrl?: string;
  callbackToken?: string;
  forceRefreshes: number[];
  registered: boolean;
}

interface TokenRec {
  token: string;
  appid: string;
  kind: 'normal' | 'stable';
  issuedAt: number;
  expiresAt: number;
  supersededAt?: number;
  revoked?: boolean;
}

interface StoredImage {
  id: string;
  appid: string;
  bytes: Buffer;
  type: ImageType;
  url: string;
  /** uploadimg, or add_material type */
  kind: 'uploadimg' | 'thumb' | 'image';
  mediaId?: string;
}

interface Article {
  title: string;
  author: string;
  digest: string;
  content: string;
  content_source_url: string;
  thumb_media_id: string;
  need_open_comment: number;
  only_fans_can_comment: number;
  pic_crop_235_1?: string;
  pic_crop_1_1?: string;
  strippedImages: number;
}

interface Draft {
  mediaId: string;
  appid: string;
  articles: Article[];
  state: 'draft' | 'publishing';
  createdAt: number;
  updatedAt: number;
}

interface PublishItem {
  idx: number;
  url: string;
  deleted: boolean;
}

interface PublishJob {
  publishId: number;
  msgDataId: number;
  appid: string;
  draftMediaId: string;
  articles: Article[];
  status: number;
  articleId?: string;
  items: PublishItem[];
  failIdx: number[];
  submittedAt: number;
  finishedAt?: number;
}

interface PublishFailure {
  appid?: string;
  status: 2 | 3 | 4;
  failIdx?: number[];
  remaining: number;
}

export interface CallbackDelivery {
  publishId: number;
  appid: string;
  url: string;
  event: string;
  attempts: number;
  delivered: boolean;
  lastStatus?: number;
  lastError?: string;
  body: string;
  at: string;
}

const UPLOADIMG_MAX = 1024 * 1024;
const THUMB_MAX = 64 * 1024;
const IMAGE_MAX = 10 * 1024 * 1024;
const CONTENT_MAX_CHARS = 20000;
const CONTENT_MAX_BYTES = 1024 * 1024;
const DAY_MS = 24 * 3600 * 1000;

export class WechatSim implements SimSystem {
  readonly name = 'wechat' as const;
  readonly router: Router;
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;

  private config: WechatConfig = { ...WECHAT_DEFAULTS };
  private accounts = new Map<string, Account>();
  private tokens = new Map<string, TokenRec>();
  private images = new Map<string, StoredImage>();
  private materials = new Map<string, StoredImage>();
  private drafts = new Map<string, Draft>();
  private jobs = new Map<string, PublishJob>();
  private jobsByMsgId = new Map<number, PublishJob>();
  private failures: PublishFailure[] = [];
  private callbacks: CallbackDelivery[] = [];
  private publishSeq = 2247503050;
  private msgSeq = 2247483650;
  private readonly timers = new TimerSet();
  /** 群发 (mass send): its own file, sharing accounts, tokens, drafts and the article validation. */
  readonly mass: WechatMassSim;
  private closed = false;
  /** verification-dependent rights, title byte limit, callback security mode (issue 13) */
  readonly extras = new WechatSimAccountExtras();

  constructor(private readonly ctx: SimContext) {
    this.mass = new WechatMassSim(ctx, {
      withAuth: (req, res, fn) => this.withAuth(req, res, (a) => fn(a.appid)),
      account: (appid) => this.accounts.get(appid),
      validateArticle: (appid, raw, single, thumbOk) => this.validateArticle(this.accounts.get(appid) as Account, raw, single, thumbOk),
      draft: (id) => this.drafts.get(id),
      consumeDraft: (id) => void this.drafts.delete(id),
      wrap: (appid, ghid, xml) => this.extras.callbackBody(appid, ghid, xml),
    });
    this.router = this.buildRouter();
    this.controlRouter = this.buildControlRouter();
    this.faultHooks = {
      accountOf: (req) => this.accountOf(req),
      renderError: (code, _req, res) => {
        const n = Number(code);
        res.json(wechatError(Number.isInteger(n) ? n : -1));
      },
    };
  }

  // ---------------------------------------------------------------- programmatic controls

  configure(patch: Partial<WechatConfig>): WechatConfig {
    const c = { ...this.config, ...patch };
    if (c.publishIdType !== 'number' && c.publishIdType !== 'string') throw new ControlError('publishIdType must be number or string');
    if (c.callbackEvent !== 'PUBLISHJOBFINISH' && c.callbackEvent !== 'FREEPUBLISHJOBFINISH') throw new ControlError('callbackEvent must be PUBLISHJOBFINISH or FREEPUBLISHJOBFINISH');
    if (c.wrongSecretErrcode !== 40001 && c.wrongSecretErrcode !== 40125) throw new ControlError('wrongSecretErrcode must be 40001 or 40125');
    for (const k of ['tokenTtlS', 'tokenOverlapS', 'publishDelayMs', 'callbackAttempts', 'callbackRetryDelayMs', 'stableForceRefreshPerDay', 'stableForceRefreshMinIntervalS'] as const) {
      if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] < 0) throw new ControlError(`${k} must be a non-negative number`);
    }
    this.config = c;
    return { ...c };
  }

  getConfig(): WechatConfig {
    return { ...this.config };
  }

  /** Registers (or updates) an appid; a registered appid only accepts its own secret. */
  registerAccount(input: WechatAccountInput & Partial<WechatAccountExtras>): ReturnType<WechatSim['describeAccount']> {
    if (!input.appid) throw new ControlError('appid is required');
    this.extras.set(input.appid, input);
    const a = this.accounts.get(input.appid) ?? this.newAccount(input.appid);
    a.registered = true;
    if (input.secret !== undefined) a.secret = input.secret;
    if (input.ghid !== undefined) a.ghid = input.ghid;
    if (input.ipWhitelistFail !== undefined) a.ipWhitelistFail = input.ipWhitelistFail;
    if (input.deleteUnauthorized !== undefined) a.deleteUnauthorized = input.deleteUnauthorized;
    if (input.callbackUrl !== undefined) a.callbackUrl = input.callbackUrl ?? undefined;
    if (input.callbackToken !== undefined) a.callbackToken = input.callbackToken ?? undefined;
    this.accounts.set(a.appid, a);
    return this.describeAccount(a);
  }

  removeAccount(appid: string): boolean {
    this.revokeTokens(appid);
    this.extras.delete(appid);
    return this.accounts.delete(appid);
  }

  listAccounts() {
    return [...this.accounts.values()].map((a) => this.describeAccount(a));
  }

  /** Every token of the appid (or all) expires now: the next call gets 42001. */
  expireTokens(appid?: string): number {
    let n = 0;
    const now = this.ctx.clock.now();
    for (const t of this.tokens.values()) {
      if (!appid || t.appid === appid) {
        t.expiresAt = Math.min(t.expiresAt, now);
        n++;
      }
    }
    return n;
  }

  /** Every token of the appid (or all) becomes invalid: the next call gets 40001. */
  revokeTokens(appid?: string): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (!appid || t.appid === appid) {
        t.revoked = true;
        n++;
      }
    }
    return n;
  }

  /** The next `count` publish jobs (of the appid, or any) end with this failure status. */
  failNextPublish(f: { status: 2 | 3 | 4; appid?: string; failIdx?: number[]; count?: number }): void {
    if (![2, 3, 4].includes(f.status)) throw new ControlError('status must be 2, 3 or 4');
    this.failures.push({ status: f.status, appid: f.appid, failIdx: f.failIdx, remaining: f.count ?? 1 });
  }

  /** Bytes uploaded through uploadimg / add_material, by id or by their mmbiz URL. */
  mediaBytes(idOrUrl: string): { bytes: Buffer; contentType: string } | undefined {
    const id = idOrUrl.includes('/') ? idOrUrl.replace(/\/+$/, '').split('/').pop() ?? '' : idOrUrl;
    const img = this.images.get(id);
    return img ? { bytes: img.bytes, contentType: imageMime(img.type) } : undefined;
  }

  callbackDeliveries(): CallbackDelivery[] {
    return this.callbacks.map((c) => ({ ...c }));
  }

  publications() {
    return [...this.jobs.values()].map((j) => this.describeJob(j));
  }

  reset(): void {
    this.timers.clear();
    this.config = { ...WECHAT_DEFAULTS };
    this.accounts.clear();
    this.extras.clear();
    this.tokens.clear();
    this.images.clear();
    this.materials.clear();
    this.drafts.clear();
    this.jobs.clear();
    this.jobsByMsgId.clear();
    this.failures = [];
    this.callbacks = [];
    this.mass.reset();
  }

  close(): void {
    this.closed = true;
    this.timers.clear();
    this.mass.close();
  }

  // ---------------------------------------------------------------- protocol

  private buildRouter(): Router {
    const r = express.Router();
    r.get('/cgi-bin/token', (req, res) => this.token(req, res));
    r.post('/cgi-bin/stable_token', (req, res) => this.stableToken(req, res));
    r.post('/cgi-bin/media/uploadimg', (req, res) => this.withAuth(req, res, (a) => this.uploadImg(a, req, res)));
    r.post('/cgi-bin/material/add_material', (req, res) => this.withAuth(req, res, (a) => this.addMaterial(a, req, res)));
    r.post('/cgi-bin/draft/add', (req, res) => this.withAuth(req, res, (a) => this.draftAdd(a, req, res)));
    r.post('/cgi-bin/draft/get', (req, res) => this.withAuth(req, res, (a) => this.draftGet(a, req, res)));
    r.post('/cgi-bin/draft/delete', (req, res) => this.withAuth(req, res, (a) => this.draftDelete(a, req, res)));
    r.post('/cgi-bin/freepublish/submit', (req, res) => this.withAuth(req, res, (a) => this.submit(a, req, res)));
    r.post('/cgi-bin/freepublish/get', (req, res) => this.withAuth(req, res, (a) => this.publishGet(a, req, res)));
    r.post('/cgi-bin/freepublish/delete', (req, res) => this.withAuth(req, res, (a) => this.publishDelete(a, req, res)));
    r.post('/cgi-bin/freepublish/batchget', (req, res) => this.withAuth(req, res, (a) => this.batchGet(a, req, res)));
    r.post('/cgi-bin/freepublish/getarticle', (req, res) => this.withAuth(req, res, (a) => this.getArticle(a, req, res)));
    this.mass.mount(r);
    registerWechatCheckRoutes(r, (req, res, fn) => this.withAuth(req, res, fn), (appid) => [...this.drafts.values()].filter((d) => d.appid === appid && d.state === 'draft').length);
    r.get('/s', (req, res) => this.articlePage(req, res));
    r.get('/mmbiz/:id', (req, res) => this.serveImage(req.params.id, res));
    r.use((_req, res) => {
      res.status(404).json(wechatError(-1, 'invalid url'));
    });
    return r;
  }

  private accountOf(req: Request): string | undefined {
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    if (token) return this.tokens.get(token)?.appid;
    if (typeof req.query.appid === 'string') return req.query.appid;
    return getBody(req).fields.appid;
  }

  private newAccount(appid: string): Account {
    const ghid = 'gh_' + crypto.createHash('md5').update(appid).digest('hex').slice(0, 12);
    return { appid, ghid, ipWhitelistFail: false, deleteUnauthorized: false, forceRefreshes: [], registered: false };
  }

  private describeAccount(a: Account) {
    return {
      appid: a.appid,
      ghid: a.ghid,
      registered: a.registered,
      secretSet: a.secret !== undefined,
      ipWhitelistFail: a.ipWhitelistFail,
      deleteUnauthorized: a.deleteUnauthorized,
      callbackUrl: a.callbackUrl ?? null,
    };
  }

  /** Credential check shared by token and stable_token; answers the error itself. */
  private checkCredentials(req: Request, res: Response, appid: unknown, secret: unknown, grantType: unknown): Account | undefined {
    if (grantType !== 'client_credential') {
      res.json(wechatError(40002));
      return undefined;
    }
    if (typeof appid !== 'string' || appid === '') {
      res.json(wechatError(41002));
      return undefined;
    }
    if (typeof secret !== 'string' || secret === '') {
      res.json(wechatError(41004));
      return undefined;
    }
    let a = this.accounts.get(appid);
    if (!a) {
      if (!this.config.acceptUnknownAppids) {
        res.json(wechatError(40013));
        return undefined;
      }
      a = this.newAccount(appid);
      this.accounts.set(appid, a);
    }
    if (a.secret !== undefined && a.secret !== secret) {
      res.json(wechatError(this.config.wrongSecretErrcode));
      return undefined;
    }
    if (a.ipWhitelistFail) {
      res.json(this.ipError(req));
      return undefined;
    }
    return a;
  }

  private ipError(req: Request) {
    const ip = (req.ip ?? '127.0.0.1').replace(/^::ffff:/, '');
    return wechatError(40164, `invalid ip ${ip} ipv6 ::ffff:${ip}, not in whitelist`);
  }

  private issueToken(appid: string, kind: 'normal' | 'stable'): TokenRec {
    const now = this.ctx.clock.now();
    for (const t of this.tokens.values()) {
      if (t.appid === appid && t.kind === kind && t.supersededAt === undefined) t.supersededAt = now;
    }
    const rec: TokenRec = { token: randomToken(96), appid, kind, issuedAt: now, expiresAt: now + this.config.tokenTtlS * 1000 };
    this.tokens.set(rec.token, rec);
    return rec;
  }

  private token(req: Request, res: Response): void {
    const q = req.query;
    const a = this.checkCredentials(req, res, q.appid, q.secret, q.grant_type);
    if (!a) return;
    const t = this.issueToken(a.appid, 'normal');
    res.json({ access_token: t.token, expires_in: this.config.tokenTtlS });
  }

  private stableToken(req: Request, res: Response): void {
    const body = jsonObject(req);
    if (!body) {
      res.json(wechatError(47001));
      return;
    }
    const a = this.checkCredentials(req, res, body.appid, body.secret, body.grant_type);
    if (!a) return;
    const now = this.ctx.clock.now();
    const force = body.force_refresh === true || body.force_refresh === 'true';
    const current = [...this.tokens.values()].find((t) => t.appid === a.appid && t.kind === 'stable' && t.supersededAt === undefined && !t.revoked && t.expiresAt > now);
    if (force) {
      a.forceRefreshes = a.forceRefreshes.filter((t) => now - t < DAY_MS);
      if (a.forceRefreshes.length >= this.config.stableForceRefreshPerDay) {
        res.json(wechatError(45009));
        return;
      }
      const last = a.forceRefreshes[a.forceRefreshes.length - 1];
      if (last !== undefined && now - last < this.config.stableForceRefreshMinIntervalS * 1000) {
        res.json(wechatError(45011));
        return;
      }
      a.forceRefreshes.push(now);
      // "强制刷新模式下，上次获取的 access_token 会立即失效" per the stable_token doc
      // (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken): no 5-minute overlap.
      if (current) current.revoked = true;
    } else if (current) {
      res.json({ access_token: current.token, expires_in: Math.max(0, Math.floor((current.expiresAt - now) / 1000)) });
      return;
    }
    const t = this.issueToken(a.appid, 'stable');
    res.json({ access_token: t.token, expires_in: this.config.tokenTtlS });
  }

  /** Validates ?access_token= and runs fn with the account, or answers the token error. */
  private withAuth(req: Request, res: Response, fn: (a: Account) => void): void {
    const token = req.query.access_token;
    if (typeof token !== 'string' || token === '') {
      res.json(wechatError(41001));
      return;
    }
    const t = this.tokens.get(token);
    if (!t) {
      res.json(wechatError(40014));
      return;
    }
    const now = this.ctx.clock.now();
    if (t.revoked) {
      res.json(wechatError(40001));
      return;
    }
    if (now >= t.expiresAt) {
      res.json(wechatError(42001));
      return;
    }
    if (t.supersededAt !== undefined && now >= t.supersededAt + this.config.tokenOverlapS * 1000) {
      res.json(wechatError(40001));
      return;
    }
    const a = this.accounts.get(t.appid);
    if (!a) {
      res.json(wechatError(40001));
      return;
    }
    if (a.ipWhitelistFail) {
      res.json(this.ipError(req));
      return;
    }
    const denied = this.extras.denied(a.appid, req.path, jsonObject(req));
    if (denied) {
      res.json(denied);
      return;
    }
    fn(a);
  }

  private storeImage(appid: string, bytes: Buffer, type: ImageType, kind: StoredImage['kind']): StoredImage {
    const id = randomToken(18);
    const img: StoredImage = { id, appid, bytes: Buffer.from(bytes), type, kind, url: `http://mmbiz.qpic.cn/sim/${id}` };
    this.images.set(id, img);
    return img;
  }

  private uploadImg(a: Account, req: Request, res: Response): void {
    const file = getBody(req).files.media;
    if (!file || file.data.length === 0) {
      res.json(wechatError(41005));
      return;
    }
    const type = sniffImage(file.data);
    if (type !== 'jpeg' && type !== 'png') {
      res.json(wechatError(40005));
      return;
    }
    if (file.data.length > UPLOADIMG_MAX) {
      res.json(wechatError(40009));
      return;
    }
    const img = this.storeImage(a.appid, file.data, type, 'uploadimg');
    res.json({ url: img.url });
  }

  private addMaterial(a: Account, req: Request, res: Response): void {
    const kind = req.query.type;
    if (kind !== 'thumb' && kind !== 'image') {
      res.json(wechatError(40004));
      return;
    }
    const file = getBody(req).files.media;
    if (!file || file.data.length === 0) {
      res.json(wechatError(41005));
      return;
    }
    const type = sniffImage(file.data);
    const allowed: (ImageType | undefined)[] = kind === 'thumb' ? ['jpeg'] : ['jpeg', 'png', 'gif', 'bmp'];
    if (!allowed.includes(type) || !type) {
      res.json(wechatError(40005));
      return;
    }
    if (file.data.length > (kind === 'thumb' ? THUMB_MAX : IMAGE_MAX)) {
      res.json(wechatError(40009));
      return;
    }
    const img = this.storeImage(a.appid, file.data, type, kind);
    img.mediaId = randomToken(48);
    this.materials.set(img.mediaId, img);
    res.json({ media_id: img.mediaId, url: img.url, item: [] });
  }

  private draftAdd(a: Account, req: Request, res: Response): void {
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
      const r = this.validateArticle(a, raw, body.articles.length === 1);
      if ('errcode' in r) {
        res.json(r);
        return;
      }
      articles.push(r);
    }
    const now = this.ctx.clock.now();
    const d: Draft = { mediaId: randomToken(48), appid: a.appid, articles, state: 'draft', createdAt: now, updatedAt: now };
    this.drafts.set(d.mediaId, d);
    res.json({ media_id: d.mediaId, item: [] });
  }

  private validateArticle(a: Account, raw: unknown, single: boolean, thumbOk?: (id: string) => boolean): Article | { errcode: number; errmsg: string } {
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
    const titleBytes = this.extras.titleError(a.appid, title);
    if (titleBytes) return titleBytes;
    if (author && charCount(author) > 16) return wechatError(45110);
    if (digest && charCount(digest) > 128) return wechatError(45004);
    if (!content) return wechatError(44004);
    if (charCount(content) >= CONTENT_MAX_CHARS || Buffer.byteLength(content, 'utf8') >= CONTENT_MAX_BYTES) return wechatError(45002);
    if (/<script\b/i.test(content)) return wechatError(45166);
    if (sourceUrl && Buffer.byteLength(sourceUrl, 'utf8') > 1024) return wechatError(45005);
    if (!thumb) return wechatError(40007);
    const material = this.materials.get(thumb);
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

  private draftGet(a: Account, req: Request, res: Response): void {
    const id = jsonObject(req)?.media_id;
    const d = typeof id === 'string' ? this.drafts.get(id) : undefined;
    if (!d || d.appid !== a.appid) {
      res.json(wechatError(40007));
      return;
    }
    res.json({ news_item: d.articles.map((x) => this.newsItem(x, undefined, true)) });
  }

  private draftDelete(a: Account, req: Request, res: Response): void {
    const id = jsonObject(req)?.media_id;
    const d = typeof id === 'string' ? this.drafts.get(id) : undefined;
    if (!d || d.appid !== a.appid) {
      res.json(wechatError(40007));
      return;
    }
    this.drafts.delete(d.mediaId);
    res.json({ errcode: 0, errmsg: 'ok' });
  }

  private submit(a: Account, req: Request, res: Response): void {
    const body = jsonObject(req);
    if (!body) {
      res.json(wechatError(47001));
      return;
    }
    const id = body.media_id;
    const d = typeof id === 'string' ? this.drafts.get(id) : undefined;
    // A draft being published, or already published (it leaves the draft box), is not submittable.
    if (!d || d.appid !== a.appid || d.state !== 'draft') {
      res.json(wechatError(40007));
      return;
    }
    d.state = 'publishing';
    const job: PublishJob = {
      publishId: ++this.publishSeq,
      msgDataId: ++this.msgSeq,
      appid: a.appid,
      draftMediaId: d.mediaId,
      articles: d.articles,
      status: 1,
      items: [],
      failIdx: [],
      submittedAt: this.ctx.clock.now(),
    };
    this.jobs.set(String(job.publishId), job);
    this.jobsByMsgId.set(job.msgDataId, job);
    this.timers.after(this.config.publishDelayMs, () => this.finishJob(job));
    res.json({ errcode: 0, errmsg: 'ok', publish_id: this.idOut(job.publishId), msg_data_id: this.idOut(job.msgDataId) });
  }

  private idOut(n: number): number | string {
    return this.config.publishIdType === 'string' ? String(n) : n;
  }

  private takeFailure(appid: string): PublishFailure | undefined {
    const i = this.failures.findIndex((f) => !f.appid || f.appid === appid);
    if (i < 0) return undefined;
    const f = this.failures[i];
    if (--f.remaining <= 0) this.failures.splice(i, 1);
    return f;
  }

  private finishJob(job: PublishJob): void {
    if (this.closed || job.status !== 1) return;
    const draft = this.drafts.get(job.draftMediaId);
    const failure = this.takeFailure(job.appid);
    job.finishedAt = this.ctx.clock.now();
    if (failure) {
      job.status = failure.status;
      job.failIdx = failure.status === 2 || failure.status === 4 ? (failure.failIdx ?? job.articles.map((_, i) => i + 1)) : [];
      if (draft) draft.state = 'draft';
    } else {
      job.status = 0;
      job.articleId = randomToken(32);
      job.items = job.articles.map((_, i) => ({ idx: i + 1, url: this.articleUrl(job, i + 1), deleted: false }));
      this.drafts.delete(job.draftMediaId);
      job.articles.forEach((art, i) => {
        this.ctx.records.add({
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
      this.ctx.log(`wechat: ${job.appid} published ${job.articles.length} article(s), publish_id ${job.publishId}`);
    }
    this.deliverCallback(job);
  }

  private articleUrl(job: PublishJob, idx: number): string {
    const biz = Buffer.from(String(parseInt(crypto.createHash('md5').update(job.appid).digest('hex').slice(0, 8), 16))).toString('base64');
    const sn = crypto.createHash('md5').update(`${job.articleId}:${idx}`).digest('hex');
    return `${this.ctx.baseUrl()}/wechat/s?__biz=${encodeURIComponent(biz)}&mid=${job.msgDataId}&idx=${idx}&sn=${sn}#rd`;
  }

  private jobStatus(job: PublishJob): number {
    if (job.status === 0 && job.items.length > 0 && job.items.every((i) => i.deleted)) return 5;
    return job.status;
  }

  private describeJob(job: PublishJob) {
    const status = this.jobStatus(job);
    const out: Record<string, unknown> = { publish_id: this.idOut(job.publishId), publish_status: status };
    if (job.status === 0) {
      const items = job.items.filter((i) => !i.deleted);
      out.article_id = job.articleId;
      out.article_detail = { count: items.length, item: items.map((i) => ({ idx: i.idx, article_url: i.url })) };
    }
    out.fail_idx = job.failIdx;
    return out;
  }

  private publishGet(a: Account, req: Request, res: Response): void {
    const id = jsonObject(req)?.publish_id;
    const job = id === undefined || id === null ? undefined : this.jobs.get(String(id));
    if (!job || job.appid !== a.appid) {
      res.json(wechatError(40007, 'invalid publish_id'));
      return;
    }
    res.json(this.describeJob(job));
  }

  private jobByArticleId(appid: string, articleId: unknown): PublishJob | undefined {
    if (typeof articleId !== 'string') return undefined;
    for (const j of this.jobs.values()) if (j.appid === appid && j.articleId === articleId) return j;
    return undefined;
  }

  private publishDelete(a: Account, req: Request, res: Response): void {
    if (a.deleteUnauthorized) {
      res.json(wechatError(48001));
      return;
    }
    const body = jsonObject(req);
    if (!body) {
      res.json(wechatError(47001));
      return;
    }
    const job = this.jobByArticleId(a.appid, body.article_id);
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
    this.ctx.records.markDeleted(
      (r) => r.system === 'wechat' && r.externalId === job.articleId && (index === 0 || r.index === index),
      'freepublish/delete',
    );
    res.json({ errcode: 0, errmsg: 'ok' });
  }

  private newsItem(art: Article, item: PublishItem | undefined, withContent: boolean) {
    const thumb = this.materials.get(art.thumb_media_id);
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

  private batchGet(a: Account, req: Request, res: Response): void {
    const body = jsonObject(req);
    const offset = Number(body?.offset ?? 0);
    const count = Number(body?.count);
    if (!body || !Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 1 || count > 20) {
      res.json(wechatError(47001));
      return;
    }
    const noContent = body.no_content === 1 || body.no_content === '1' || body.no_content === true;
    const published = [...this.jobs.values()].filter((j) => j.appid === a.appid && j.status === 0).sort((x, y) => (y.finishedAt ?? 0) - (x.finishedAt ?? 0) || y.publishId - x.publishId);
    const page = published.slice(offset, offset + count);
    res.json({
      total_count: published.length,
      item_count: page.length,
      item: page.map((j) => ({
        article_id: j.articleId,
        content: {
          news_item: j.articles.map((art, i) => this.newsItem(art, j.items[i], !noContent)),
          create_time: Math.floor(j.submittedAt / 1000),
          update_time: Math.floor((j.finishedAt ?? j.submittedAt) / 1000),
        },
        update_time: Math.floor((j.finishedAt ?? j.submittedAt) / 1000),
      })),
    });
  }

  private getArticle(a: Account, req: Request, res: Response): void {
    const job = this.jobByArticleId(a.appid, jsonObject(req)?.article_id);
    if (!job) {
      res.json(wechatError(53600));
      return;
    }
    res.json({ news_item: job.articles.map((art, i) => this.newsItem(art, job.items[i], true)) });
  }

  private articlePage(req: Request, res: Response): void {
    const job = this.jobsByMsgId.get(Number(req.query.mid));
    const idx = Number(req.query.idx ?? 1);
    const item = job?.items.find((i) => i.idx === idx);
    if (!job || !item) {
      res.status(404).type('html').send('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>微信公众平台</title></head><body><p>该内容不存在</p></body></html>');
      return;
    }
    if (item.deleted) {
      res.type('html').send('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>微信公众平台</title></head><body><p>该内容已被发布者删除</p></body></html>');
      return;
    }
    const art = job.articles[idx - 1];
    // Show the article's images from the simulator, since mmbiz.qpic.cn/sim/... does not exist.
    const content = art.content.replace(/https?:\/\/mmbiz\.qpic\.cn\/sim\/([A-Za-z0-9_-]+)/g, (_m, id: string) => `${this.ctx.baseUrl()}/wechat/mmbiz/${id}`);
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

  private serveImage(id: string, res: Response): void {
    const img = this.images.get(id);
    if (!img) {
      res.status(404).end();
      return;
    }
    res.type(imageMime(img.type)).send(img.bytes);
  }

  // ---------------------------------------------------------------- callback

  private deliverCallback(job: PublishJob): void {
    const a = this.accounts.get(job.appid);
    if (!a?.callbackUrl) return;
    const { body, encrypt } = this.extras.callbackBody(a.appid, a.ghid, this.callbackXml(a, job));
    const d: CallbackDelivery = {
      publishId: job.publishId,
      appid: job.appid,
      url: a.callbackUrl,
      event: this.config.callbackEvent,
      attempts: 0,
      delivered: false,
      body,
      at: new Date(this.ctx.clock.now()).toISOString(),
    };
    this.callbacks.push(d);
    const attempt = async () => {
      if (this.closed) return;
      d.attempts++;
      const url = new URL(d.url);
      if (a.callbackToken) {
        const timestamp = String(Math.floor(this.ctx.clock.now() / 1000));
        const nonce = String(crypto.randomInt(100000000, 2000000000));
        const signature = crypto.createHash('sha1').update([a.callbackToken, timestamp, nonce].sort().join('')).digest('hex');
        url.searchParams.set('signature', signature);
        url.searchParams.set('timestamp', timestamp);
        url.searchParams.set('nonce', nonce);
        url.searchParams.set('openid', 'mphelper');
        if (encrypt) WechatSimAccountExtras.signEncrypted(url, a.callbackToken, encrypt);
      }
      try {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body, signal: AbortSignal.timeout(5000) });
        d.lastStatus = r.status;
        await r.text().catch(() => '');
        if (r.ok) {
          d.delivered = true;
          return;
        }
      } catch (e) {
        d.lastError = String((e as Error).message ?? e);
      }
      if (d.attempts < this.config.callbackAttempts) this.timers.after(this.config.callbackRetryDelayMs, () => void attempt());
    };
    void attempt();
  }

  private callbackXml(a: Account, job: PublishJob): string {
    const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
    const lines = [
      '<xml>',
      `<ToUserName>${cdata(a.ghid)}</ToUserName>`,
      `<FromUserName>${cdata('mphelper')}</FromUserName>`,
      `<CreateTime>${Math.floor((job.finishedAt ?? this.ctx.clock.now()) / 1000)}</CreateTime>`,
      `<MsgType>${cdata('event')}</MsgType>`,
      `<Event>${cdata(this.config.callbackEvent)}</Event>`,
      '<PublishEventInfo>',
      `<publish_id>${job.publishId}</publish_id>`,
      `<publish_status>${job.status}</publish_status>`,
    ];
    if (job.status === 0) {
      lines.push(`<article_id>${cdata(job.articleId as string)}</article_id>`, '<article_detail>', `<count>${job.items.length}</count>`);
      for (const i of job.items) lines.push('<item>', `<idx>${i.idx}</idx>`, `<article_url>${cdata(i.url)}</article_url>`, '</item>');
      lines.push('</article_detail>');
    }
    for (const f of job.failIdx) lines.push(`<fail_idx>${f}</fail_idx>`);
    lines.push('</PublishEventInfo>', '</xml>');
    return lines.join('\n');
  }

  // ---------------------------------------------------------------- control API

  private buildControlRouter(): Router {
    const r = express.Router();
    r.get('/config', control(() => this.getConfig()));
    r.post(
      '/config',
      control((req) => {
        const b = controlBody(req);
        const patch = configPatch<WechatConfig>(b, {
          bools: ['acceptUnknownAppids'],
          numbers: ['tokenTtlS', 'tokenOverlapS', 'publishDelayMs', 'callbackAttempts', 'callbackRetryDelayMs', 'stableForceRefreshPerDay', 'stableForceRefreshMinIntervalS', 'wrongSecretErrcode'],
        });
        const pit = optString(b.publishIdType, 'publishIdType');
        if (pit !== undefined) patch.publishIdType = pit as WechatConfig['publishIdType'];
        const ev = optString(b.callbackEvent, 'callbackEvent');
        if (ev !== undefined) patch.callbackEvent = ev as WechatConfig['callbackEvent'];
        return this.configure(patch);
      }),
    );
    r.get('/accounts', control(() => ({ accounts: this.listAccounts() })));
    r.post(
      '/accounts',
      control((req) => {
        const b = controlBody(req);
        const appid = optString(b.appid, 'appid');
        if (!appid) throw new ControlError('appid is required');
        return this.registerAccount({
          appid,
          secret: optString(b.secret, 'secret'),
          ghid: optString(b.ghid, 'ghid'),
          ipWhitelistFail: optBool(b.ipWhitelistFail, 'ipWhitelistFail'),
          deleteUnauthorized: optBool(b.deleteUnauthorized, 'deleteUnauthorized'),
          callbackUrl: b.callbackUrl === null ? null : optString(b.callbackUrl, 'callbackUrl'),
          callbackToken: b.callbackToken === null ? null : optString(b.callbackToken, 'callbackToken'),
          ...WechatSimAccountExtras.fromControl(b),
        });
      }),
    );
    r.delete(
      '/accounts/:appid',
      control((req) => {
        if (!this.removeAccount(String(req.params.appid))) throw new ControlError('unknown appid', 404);
        return { ok: true };
      }),
    );
    r.post('/expire-tokens', control((req) => ({ expired: this.expireTokens(optString(controlBody(req).appid, 'appid')) })));
    r.post('/revoke-tokens', control((req) => ({ revoked: this.revokeTokens(optString(controlBody(req).appid, 'appid')) })));
    r.post(
      '/publish-failures',
      control((req) => {
        const b = controlBody(req);
        const status = optNumber(b.status, 'status', 2, 4);
        if (status === undefined) throw new ControlError('status (2, 3 or 4) is required');
        const failIdx = Array.isArray(b.failIdx) ? b.failIdx.map(Number) : undefined;
        this.failNextPublish({ status: status as 2 | 3 | 4, appid: optString(b.appid, 'appid'), failIdx, count: optNumber(b.count, 'count', 1) });
        return { ok: true };
      }),
    );
    r.get('/publications', control(() => ({ publications: this.publications() })));
    r.get('/callbacks', control(() => ({ deliveries: this.callbackDeliveries() })));
    r.use('/mass', this.mass.controlRouter);
    r.get('/media/:id', (req, res) => this.serveImage(String(req.params.id), res));
    return r;
  }
}
