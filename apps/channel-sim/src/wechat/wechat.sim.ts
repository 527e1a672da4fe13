import express, { Router } from 'express';
import { FaultHooks } from '../faults/fault.types';
import { imageMime } from '../http/image-type';
import { ControlError, SimContext, SimSystem, TimerSet } from '../http/sim-http';
import { wechatError } from './wechat-errors';
import { WechatMassSim } from './wechat-mass.sim';
import { registerWechatCheckRoutes, WechatAccountExtras, WechatSimAccountExtras } from './wechat-sim-account-extras';
import { accessToken, accountOf, describeAccount, newAccount, stableToken, withAuth } from './wechat-sim-auth';
import { wechatControlRouter } from './wechat-sim-control';
import { draftAdd, draftDelete, draftGet, validateArticle } from './wechat-sim-drafts';
import { addMaterial, serveImage, uploadImg } from './wechat-sim-media';
import { articlePage, batchGet, describeJob, getArticle, publishDelete, publishGet, submit } from './wechat-sim-publish';
import {
  Account,
  CallbackDelivery,
  Draft,
  PublishJob,
  StoredImage,
  TokenRec,
  WECHAT_DEFAULTS,
  WechatAccountInput,
  WechatConfig,
  WechatSimState,
} from './wechat-sim.types';

/**
 * WeChat official account publishing API (api.weixin.qq.com), as CHANNELS.md describes it: token
 * (with the 5-minute overlap after a refresh), stable_token, uploadimg, add_material, draft/add,
 * freepublish submit/get/delete/batchget/getarticle, the PUBLISHJOBFINISH callback and the article
 * pages. Every error is `{errcode, errmsg}` with HTTP 200, like the real platform.
 *
 * Where each behaviour lives: wechat-sim.types.ts (settings, records, limits), wechat-sim-auth.ts
 * (accounts, token, stable_token, the access_token check), wechat-sim-media.ts (uploadimg,
 * add_material), wechat-sim-drafts.ts (draft box, article validation), wechat-sim-publish.ts
 * (freepublish/*, article pages), wechat-sim-callback.ts (PUBLISHJOBFINISH), wechat-sim-control.ts
 * (/_sim/wechat), wechat-mass.sim.ts (群发), wechat-sim-account-extras.ts (issue-13 account rights).
 */

export { WECHAT_DEFAULTS } from './wechat-sim.types';
export type { CallbackDelivery, WechatAccountInput, WechatConfig } from './wechat-sim.types';

export class WechatSim implements SimSystem {
  readonly name = 'wechat' as const;
  readonly router: Router;
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;

  /** 群发 (mass send): its own file, sharing accounts, tokens, drafts and the article validation. */
  readonly mass: WechatMassSim;
  /** verification-dependent rights, title byte limit, callback security mode (issue 13) */
  readonly extras = new WechatSimAccountExtras();
  /** accounts, tokens, images, drafts, publish jobs, callbacks: shared with the wechat-sim-*.ts behaviours */
  private readonly s: WechatSimState;

  constructor(private readonly ctx: SimContext) {
    this.s = {
      ctx,
      timers: new TimerSet(),
      extras: this.extras,
      config: { ...WECHAT_DEFAULTS },
      closed: false,
      accounts: new Map<string, Account>(),
      tokens: new Map<string, TokenRec>(),
      images: new Map<string, StoredImage>(),
      materials: new Map<string, StoredImage>(),
      drafts: new Map<string, Draft>(),
      jobs: new Map<string, PublishJob>(),
      jobsByMsgId: new Map<number, PublishJob>(),
      failures: [],
      callbacks: [],
      publishSeq: 2247503050,
      msgSeq: 2247483650,
    };
    this.mass = new WechatMassSim(ctx, {
      withAuth: (req, res, fn) => withAuth(this.s, req, res, (a) => fn(a.appid)),
      account: (appid) => this.s.accounts.get(appid),
      validateArticle: (appid, raw, single, thumbOk) => validateArticle(this.s, this.s.accounts.get(appid) as Account, raw, single, thumbOk),
      draft: (id) => this.s.drafts.get(id),
      consumeDraft: (id) => void this.s.drafts.delete(id),
      wrap: (appid, ghid, xml) => this.extras.callbackBody(appid, ghid, xml),
    });
    this.router = this.buildRouter();
    this.controlRouter = wechatControlRouter(this, (id, res) => serveImage(this.s, id, res));
    this.faultHooks = {
      accountOf: (req) => accountOf(this.s, req),
      renderError: (code, _req, res) => {
        const n = Number(code);
        res.json(wechatError(Number.isInteger(n) ? n : -1));
      },
    };
  }

  // ---------------------------------------------------------------- programmatic controls

  configure(patch: Partial<WechatConfig>): WechatConfig {
    const c = { ...this.s.config, ...patch };
    if (c.publishIdType !== 'number' && c.publishIdType !== 'string') throw new ControlError('publishIdType must be number or string');
    if (c.callbackEvent !== 'PUBLISHJOBFINISH' && c.callbackEvent !== 'FREEPUBLISHJOBFINISH')
      throw new ControlError('callbackEvent must be PUBLISHJOBFINISH or FREEPUBLISHJOBFINISH');
    if (c.wrongSecretErrcode !== 40001 && c.wrongSecretErrcode !== 40125) throw new ControlError('wrongSecretErrcode must be 40001 or 40125');
    for (const k of [
      'tokenTtlS',
      'tokenOverlapS',
      'publishDelayMs',
      'callbackAttempts',
      'callbackRetryDelayMs',
      'stableForceRefreshPerDay',
      'stableForceRefreshMinIntervalS',
    ] as const) {
      if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] < 0) throw new ControlError(`${k} must be a non-negative number`);
    }
    this.s.config = c;
    return { ...c };
  }

  getConfig(): WechatConfig {
    return { ...this.s.config };
  }

  /** Registers (or updates) an appid; a registered appid only accepts its own secret. */
  registerAccount(input: WechatAccountInput & Partial<WechatAccountExtras>): ReturnType<typeof describeAccount> {
    if (!input.appid) throw new ControlError('appid is required');
    this.extras.set(input.appid, input);
    const a = this.s.accounts.get(input.appid) ?? newAccount(input.appid);
    a.registered = true;
    if (input.secret !== undefined) a.secret = input.secret;
    if (input.ghid !== undefined) a.ghid = input.ghid;
    if (input.ipWhitelistFail !== undefined) a.ipWhitelistFail = input.ipWhitelistFail;
    if (input.deleteUnauthorized !== undefined) a.deleteUnauthorized = input.deleteUnauthorized;
    if (input.callbackUrl !== undefined) a.callbackUrl = input.callbackUrl ?? undefined;
    if (input.callbackToken !== undefined) a.callbackToken = input.callbackToken ?? undefined;
    this.s.accounts.set(a.appid, a);
    return describeAccount(a);
  }

  removeAccount(appid: string): boolean {
    this.revokeTokens(appid);
    this.extras.delete(appid);
    return this.s.accounts.delete(appid);
  }

  listAccounts() {
    return [...this.s.accounts.values()].map((a) => describeAccount(a));
  }

  /** Every token of the appid (or all) expires now: the next call gets 42001. */
  expireTokens(appid?: string): number {
    let n = 0;
    const now = this.ctx.clock.now();
    for (const t of this.s.tokens.values()) {
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
    for (const t of this.s.tokens.values()) {
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
    this.s.failures.push({ status: f.status, appid: f.appid, failIdx: f.failIdx, remaining: f.count ?? 1 });
  }

  /** Bytes uploaded through uploadimg / add_material, by id or by their mmbiz URL. */
  mediaBytes(idOrUrl: string): { bytes: Buffer; contentType: string } | undefined {
    const id = idOrUrl.includes('/') ? (idOrUrl.replace(/\/+$/, '').split('/').pop() ?? '') : idOrUrl;
    const img = this.s.images.get(id);
    return img ? { bytes: img.bytes, contentType: imageMime(img.type) } : undefined;
  }

  callbackDeliveries(): CallbackDelivery[] {
    return this.s.callbacks.map((c) => ({ ...c }));
  }

  publications() {
    return [...this.s.jobs.values()].map((j) => describeJob(this.s, j));
  }

  reset(): void {
    this.s.timers.clear();
    this.s.config = { ...WECHAT_DEFAULTS };
    this.s.accounts.clear();
    this.extras.clear();
    this.s.tokens.clear();
    this.s.images.clear();
    this.s.materials.clear();
    this.s.drafts.clear();
    this.s.jobs.clear();
    this.s.jobsByMsgId.clear();
    this.s.failures = [];
    this.s.callbacks = [];
    this.mass.reset();
  }

  close(): void {
    this.s.closed = true;
    this.s.timers.clear();
    this.mass.close();
  }

  // ---------------------------------------------------------------- protocol

  private buildRouter(): Router {
    const r = express.Router();
    r.get('/cgi-bin/token', (req, res) => accessToken(this.s, req, res));
    r.post('/cgi-bin/stable_token', (req, res) => stableToken(this.s, req, res));
    r.post('/cgi-bin/media/uploadimg', (req, res) => withAuth(this.s, req, res, (a) => uploadImg(this.s, a, req, res)));
    r.post('/cgi-bin/material/add_material', (req, res) => withAuth(this.s, req, res, (a) => addMaterial(this.s, a, req, res)));
    r.post('/cgi-bin/draft/add', (req, res) => withAuth(this.s, req, res, (a) => draftAdd(this.s, a, req, res)));
    r.post('/cgi-bin/draft/get', (req, res) => withAuth(this.s, req, res, (a) => draftGet(this.s, a, req, res)));
    r.post('/cgi-bin/draft/delete', (req, res) => withAuth(this.s, req, res, (a) => draftDelete(this.s, a, req, res)));
    r.post('/cgi-bin/freepublish/submit', (req, res) => withAuth(this.s, req, res, (a) => submit(this.s, a, req, res)));
    r.post('/cgi-bin/freepublish/get', (req, res) => withAuth(this.s, req, res, (a) => publishGet(this.s, a, req, res)));
    r.post('/cgi-bin/freepublish/delete', (req, res) => withAuth(this.s, req, res, (a) => publishDelete(this.s, a, req, res)));
    r.post('/cgi-bin/freepublish/batchget', (req, res) => withAuth(this.s, req, res, (a) => batchGet(this.s, a, req, res)));
    r.post('/cgi-bin/freepublish/getarticle', (req, res) => withAuth(this.s, req, res, (a) => getArticle(this.s, a, req, res)));
    this.mass.mount(r);
    registerWechatCheckRoutes(
      r,
      (req, res, fn) => withAuth(this.s, req, res, fn),
      (appid) => [...this.s.drafts.values()].filter((d) => d.appid === appid && d.state === 'draft').length,
    );
    r.get('/s', (req, res) => articlePage(this.s, req, res));
    r.get('/mmbiz/:id', (req, res) => serveImage(this.s, req.params.id, res));
    r.use((_req, res) => {
      res.status(404).json(wechatError(-1, 'invalid url'));
    });
    return r;
  }
}
