import express, { Request, Response, Router } from 'express';
import { FaultHooks } from '../faults/fault.types';
import { imageMime } from '../http/image-type';
import { ControlError, SimContext, SimSystem, getBody } from '../http/sim-http';
import { withShortLinks } from './weibo-text';
import { weiboControlRouter } from './weibo-sim-control';
import { checkShareRequest } from './weibo-sim-share';
import { describeWeiboUser, newWeiboUser, resolveWeiboUser, weiboTokenOf } from './weibo-sim-tokens';
import { picUrl, statusObject, statusPage, statusUrl } from './weibo-sim-status';
import { ERRORS, Pic, SLOW_UPDATE_ERROR, WEIBO_DEFAULTS, WEIBO_TIMELINE_MAX, WeiboConfig, WeiboStatus, WeiboTokenInput, WeiboUser } from './weibo-sim.types';

/**
 * Sina Weibo open API (api.weibo.com/2): statuses/share, statuses/destroy, statuses/user_timeline.
 * Errors are `{request, error_code, error}` with error_code a string (docs) or a number (some
 * clients see that): configurable.
 *
 * Never kinder than the platform (sources: libs/channels/src/weibo/PLATFORM.md, CHANNELS.md):
 * - user_timeline shows the latest 5 posts only (open.weibo.com/wiki/2/statuses/user_timeline:
 *   "此接口最多只返回最新的5条数据"), whatever count / page / max_id ask for;
 * - share may answer 20032 "Update success, while server slow now, please wait 1-2 minutes"
 *   (error tables, PLATFORM.md §4; numbered 20020 in an older official table, open.weibo.com/wiki/index.php?title=Error_code&oldid=5237:
 *   `slowUpdateCode` produces either) for a post it made, shown only later (the strict reading of
 *   "wait 1-2 minutes": 2 minutes on the simulated clock);
 * - every URL of a post comes back as a t.cn short link (share answer and timelines);
 * - a #话题# is refused by share ("文本中不能包含“#话题词#”", open.weibo.com/wiki/2/statuses/share; PLATFORM.md §1);
 * - `rip` is required ("rip true … 请传操作用户的真实有效IP", same page, current revision; an older revision
 *   had it optional: the stricter reading) — both checked in weibo-sim-share.ts;
 * - the office also posts in the Weibo app, outside the product (`postFromApp`, POST /_sim/weibo/statuses).
 */

export { WEIBO_DEFAULTS, WEIBO_TIMELINE_MAX, WEIBO_TOPIC_ERROR } from './weibo-sim.types';
export type { WeiboConfig, WeiboTokenInput } from './weibo-sim.types';

export class WeiboSim implements SimSystem {
  readonly name = 'weibo' as const;
  readonly router: Router;
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;

  private config: WeiboConfig = { ...WEIBO_DEFAULTS, safeDomains: [...WEIBO_DEFAULTS.safeDomains] };
  private users = new Map<string, WeiboUser>();
  private statuses = new Map<string, WeiboStatus>();
  private pics = new Map<string, Pic>();
  private idSeq = 4990000000000000;

  constructor(private readonly ctx: SimContext) {
    this.router = this.buildRouter();
    this.controlRouter = weiboControlRouter(this);
    this.faultHooks = {
      accountOf: (req) => {
        const token = weiboTokenOf(req);
        if (!token) return undefined;
        const u = this.users.get(token);
        return u ? [String(u.uid), token] : [token];
      },
      renderError: (code, req, res) => {
        const n = Number(code);
        this.error(req, res, Number.isInteger(n) ? n : 10022);
      },
    };
  }

  // ---------------------------------------------------------------- programmatic controls

  configure(patch: Partial<WeiboConfig>): WeiboConfig {
    const c = { ...this.config, ...patch };
    if (!Array.isArray(c.safeDomains) || c.safeDomains.some((d) => typeof d !== 'string')) throw new ControlError('safeDomains must be a list of host names');
    if (c.slowUpdateRate > 1) throw new ControlError('slowUpdateRate must be between 0 and 1');
    if (c.slowUpdateCode !== 20032 && c.slowUpdateCode !== 20020) throw new ControlError('slowUpdateCode must be 20032 or 20020');
    for (const k of [
      'postsPerHour',
      'duplicateWindowMs',
      'maxTextLength',
      'maxPicBytes',
      'slowUpdateNext',
      'slowUpdateRate',
      'slowVisibleMs',
      'slowUpdateCode',
    ] as const) {
      if (typeof c[k] !== 'number' || !Number.isFinite(c[k]) || c[k] < 0) throw new ControlError(`${k} must be a non-negative number`);
    }
    this.config = { ...c, safeDomains: [...c.safeDomains] };
    return this.getConfig();
  }

  getConfig(): WeiboConfig {
    return { ...this.config, safeDomains: [...this.config.safeDomains] };
  }

  registerToken(input: WeiboTokenInput) {
    if (!input.token) throw new ControlError('token is required');
    const u = this.users.get(input.token) ?? newWeiboUser(input.token);
    if (input.uid !== undefined) u.uid = input.uid;
    if (input.screenName !== undefined) u.screenName = input.screenName;
    if (input.expired !== undefined) {
      u.state = input.expired ? 'expired' : 'ok';
      if (input.expired) u.expiredCode = input.expired;
    } else if (u.state === 'revoked') u.state = 'ok';
    this.users.set(u.token, u);
    return describeWeiboUser(u);
  }

  /** The token stops working for good (21332), even when unknown tokens are accepted. */
  revokeToken(token: string): void {
    const u = this.users.get(token) ?? newWeiboUser(token);
    u.state = 'revoked';
    this.users.set(token, u);
  }

  expireToken(token: string, code: 21327 | 21315 = 21327): void {
    const u = this.users.get(token) ?? newWeiboUser(token);
    u.state = 'expired';
    u.expiredCode = code;
    this.users.set(token, u);
  }

  listTokens() {
    return [...this.users.values()].map((u) => describeWeiboUser(u));
  }

  /** Every status the simulator holds, deleted ones included. */
  allStatuses() {
    return [...this.statuses.values()].map((s) => ({ ...this.statusObject(s), deleted: s.deleted }));
  }

  reset(): void {
    this.config = { ...WEIBO_DEFAULTS, safeDomains: [...WEIBO_DEFAULTS.safeDomains] };
    this.users.clear();
    this.statuses.clear();
    this.pics.clear();
  }

  close(): void {
    /* no timers */
  }

  // ---------------------------------------------------------------- protocol

  private buildRouter(): Router {
    const r = express.Router();
    r.post('/2/statuses/share.json', (req, res) => this.share(req, res));
    r.post('/2/statuses/destroy.json', (req, res) => this.destroy(req, res));
    r.get('/2/statuses/user_timeline.json', (req, res) => this.userTimeline(req, res));
    r.get('/2/statuses/show.json', (req, res) => this.show(req, res));
    r.get('/sinaimg/:size/:file', (req, res) => this.servePic(req, res));
    r.get('/u/:uid/:id', (req, res) => this.statusPage(req, res));
    r.use((req, res) => {
      res.status(404).json(this.errorBody(req, 10014, 'Request api not found!'));
    });
    return r;
  }

  private errorBody(req: Request, code: number, message?: string) {
    return {
      request: req.path,
      error_code: this.config.errorCodeAsNumber ? code : String(code),
      error: message ?? ERRORS[code]?.error ?? 'simulated error',
    };
  }

  private error(req: Request, res: Response, code: number, message?: string): void {
    res.status(ERRORS[code]?.status ?? 400).json(this.errorBody(req, code, message));
  }

  /** Resolves the acting user, or answers the token error. */
  private auth(req: Request, res: Response): WeiboUser | undefined {
    const u = resolveWeiboUser(this.users, weiboTokenOf(req), this.config.acceptUnknownTokens);
    if (typeof u !== 'number') return u;
    this.error(req, res, u);
    return undefined;
  }

  private share(req: Request, res: Response): void {
    const u = this.auth(req, res);
    if (!u) return;
    const c = checkShareRequest(getBody(req), this.config);
    if (!c.ok) {
      this.error(req, res, c.code, c.message);
      return;
    }
    const { text, pic } = c;
    const now = this.ctx.clock.now();
    const own = [...this.statuses.values()].filter((s) => s.uid === u.uid);
    // The limit counts this app's calls for the user (open.weibo.com/wiki/Rate-limiting): posts the
    // account holder makes in the Weibo app are not the app's calls.
    if (this.config.postsPerHour > 0 && own.filter((s) => s.source === 'api' && now - s.createdAt < 3600_000).length >= this.config.postsPerHour) {
      this.error(req, res, 10023);
      return;
    }
    // identical content: the posts as shown (links shortened alike), whether the timelines show them yet or not
    const shown = withShortLinks(text);
    if (own.some((s) => !s.deleted && s.text === shown && now - s.createdAt < this.config.duplicateWindowMs)) {
      this.error(req, res, 20019);
      return;
    }
    if (pic) this.pics.set(pic.id, pic);
    const slow = this.config.slowUpdateNext > 0 || (this.config.slowUpdateRate > 0 && Math.random() < this.config.slowUpdateRate);
    if (this.config.slowUpdateNext > 0) this.config.slowUpdateNext--;
    const s = this.addStatus(u, text, 'api', { pic, rip: c.rip, visibleAt: slow ? now + this.config.slowVisibleMs : now });
    if (slow) {
      this.error(req, res, this.config.slowUpdateCode, SLOW_UPDATE_ERROR);
      return;
    }
    res.json(this.statusObject(s));
  }

  private addStatus(u: WeiboUser, sentText: string, source: WeiboStatus['source'], o: { pic?: Pic; rip?: string; visibleAt?: number } = {}): WeiboStatus {
    const now = this.ctx.clock.now();
    const s: WeiboStatus = {
      id: ++this.idSeq,
      uid: u.uid,
      text: withShortLinks(sentText),
      sentText,
      createdAt: now,
      visibleAt: o.visibleAt ?? now,
      source,
      pic: o.pic,
      rip: o.rip,
      deleted: false,
    };
    this.statuses.set(String(s.id), s);
    this.ctx.records.add({
      system: 'weibo',
      account: String(u.uid),
      externalId: String(s.id),
      text: s.text,
      url: this.statusUrl(s),
      action: 'publish',
      meta: { token: u.token, pic: o.pic ? picUrl(this.ctx.baseUrl(), o.pic, 'large') : undefined, rip: s.rip, sentText, source },
    });
    this.ctx.log(`weibo: uid ${u.uid} posted status ${s.id} (${source})`);
    return s;
  }

  /**
   * A post the account holder makes in the Weibo app, outside the product: none of the open API's
   * checks apply (no safe-domain link needed, topics allowed); links are shortened as always.
   */
  postFromApp(token: string, text: string) {
    if (!token || !text) throw new ControlError('token and text are required');
    let u = this.users.get(token);
    if (!u) {
      u = newWeiboUser(token);
      this.users.set(token, u);
    }
    return this.statusObject(this.addStatus(u, text, 'app'));
  }

  private visible(s: WeiboStatus): boolean {
    return !s.deleted && s.visibleAt <= this.ctx.clock.now();
  }

  private destroy(req: Request, res: Response): void {
    const u = this.auth(req, res);
    if (!u) return;
    const id = getBody(req).fields.id ?? (typeof req.query.id === 'string' ? req.query.id : undefined);
    const s = id ? this.statuses.get(id) : undefined;
    if (!s || s.uid !== u.uid || s.deleted) {
      this.error(req, res, 20101);
      return;
    }
    s.deleted = true;
    this.ctx.records.markDeleted((r) => r.system === 'weibo' && r.externalId === String(s.id), 'statuses/destroy');
    res.json(this.statusObject(s));
  }

  private userTimeline(req: Request, res: Response): void {
    const u = this.auth(req, res);
    if (!u) return;
    const count = Math.min(100, Math.max(1, Number(req.query.count ?? 20) || 20));
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const sinceId = Number(req.query.since_id ?? 0) || 0;
    const maxId = Number(req.query.max_id ?? 0) || 0;
    const own = [...this.statuses.values()].filter((s) => s.uid === u.uid && this.visible(s)).sort((a, b) => b.id - a.id);
    // "此接口最多只返回最新的5条数据": the latest 5, and paging, since_id and max_id only move inside them
    const latest = own.slice(0, WEIBO_TIMELINE_MAX).filter((s) => s.id > sinceId && (!maxId || s.id <= maxId));
    const slice = latest.slice((page - 1) * count, page * count);
    res.json({ statuses: slice.map((s) => this.statusObject(s)), total_number: own.length, previous_cursor: 0, next_cursor: 0, hasvisible: false });
  }

  private show(req: Request, res: Response): void {
    const u = this.auth(req, res);
    if (!u) return;
    const s = typeof req.query.id === 'string' ? this.statuses.get(req.query.id) : undefined;
    if (!s || !this.visible(s)) {
      this.error(req, res, 20101);
      return;
    }
    res.json(this.statusObject(s));
  }

  private statusUrl(s: WeiboStatus): string {
    return statusUrl(this.ctx.baseUrl(), s);
  }

  private statusObject(s: WeiboStatus) {
    return statusObject(this.ctx.baseUrl(), s, [...this.users.values()].find((x) => x.uid === s.uid)?.screenName);
  }

  private servePic(req: Request, res: Response): void {
    const id = String(req.params.file).replace(/\.[a-z]+$/i, '');
    const p = this.pics.get(id);
    if (!p) {
      res.status(404).end();
      return;
    }
    res.type(imageMime(p.type)).send(p.bytes);
  }

  private statusPage(req: Request, res: Response): void {
    const s = this.statuses.get(String(req.params.id));
    const found = s && String(s.uid) === String(req.params.uid) ? s : null;
    res
      .status(found ? 200 : 404)
      .type('html')
      .send(statusPage(this.ctx.baseUrl(), found));
  }
}
