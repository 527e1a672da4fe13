import express, { Request, Response, Router } from 'express';
import { FaultHooks } from '../faults/fault.types';
import { ControlError, SimContext, SimSystem, jsonObject, getBody } from '../http/sim-http';
import { checkAttribute, checkPage, checkPages, checkPlayerIds, widgetUrls } from './novastar-check';
import { novastarAuthProblem } from './novastar-sim-auth';
import { novastarControlRouter } from './novastar-sim-control';
import { Emergency, Job, NOVASTAR_DEFAULTS, NovastarConfig, NovastarPlayerInput, NovastarShowing, Player } from './novastar-sim.types';

/**
 * NovaStar VNNOX open API v2 ("NovaCloud Open Platform"), the cloud that relays programs to Taurus
 * players. Every behaviour cites libs/channels/src/led/NOVASTAR.md, which names the public sources:
 * - auth (§1.2; Sentia/novacloud_client lib/novacloud_client/middleware/authentication.rb,
 *   ThomasDeTandt98/vnnox-controller src/api.ts): headers AppKey, Nonce, CurTime (UTC seconds),
 *   CheckSum = lowercase hex SHA-256(AppSecret + Nonce + CurTime);
 * - endpoints and bodies (§1.3; novacloud_client resources/players.rb, resources/solutions.rb and
 *   spec/…/solutions_spec.rb): GET /v2/player/list, POST /v2/player/current/online-status (≤100 ids),
 *   POST /v2/player/program/normal, POST /v2/player/emergency-program/page, …/cancel;
 * - answers (§1.3/1.4): publish/cancel → {success:[ids], fail:[ids]} (the cloud took the job for
 *   those players — not proof of display); errors by HTTP status (…/middleware/error_handler.rb: 400,
 *   401 auth/CheckSum, 403, 406, 429, 5xx).
 *
 * Simulator choices where the sources say nothing (stricter readings, NOVASTAR.md §1.2/1.4):
 * - CurTime must be within `maxCurTimeSkewSec` (300 s) of the simulated clock, and a Nonce may not be
 *   reused within that window (a public diagnostic script checks NTP before calling);
 * - error bodies are {status, message} with the HTTP status as the signal (the v2 catalogue: not found);
 * - a job for an offline player is accepted (success) and reaches the screen when the player comes
 *   online — acceptance is not display;
 * - the emergency page pauses the normal program for attribute.duration ms (simulated clock), then
 *   the normal program resumes; cancel ends it early; cancel where nothing is inserted → `fail`;
 *   a new normal program while an emergency plays is stored and shows once the emergency ends;
 * - online-status answers an array [{playerId, sn, onlineStatus: 1|0, lastOnlineTime}] (shape: not found).
 */

export { NOVASTAR_DEFAULTS } from './novastar-sim.types';
export type { NovastarConfig, NovastarPlayerInput, NovastarShowing } from './novastar-sim.types';

export class NovastarSim implements SimSystem {
  readonly name = 'novastar' as const;
  readonly router: Router;
  readonly controlRouter: Router;
  readonly faultHooks: FaultHooks;

  private config: NovastarConfig = { ...NOVASTAR_DEFAULTS };
  private apps = new Map<string, string>();
  private players = new Map<string, Player>();
  private nonces = new Map<string, number>();

  constructor(private readonly ctx: SimContext) {
    this.router = this.buildRouter();
    this.controlRouter = novastarControlRouter(this);
    this.faultHooks = {
      accountOf: (req) => {
        const ids = jsonObject(req)?.playerIds;
        const key = req.header('AppKey');
        return [...(Array.isArray(ids) ? ids.map(String) : []), ...(key ? [key] : [])];
      },
      // A numeric code is answered as that HTTP status (the v2 client reads errors from the status line).
      renderError: (code, _req, res) => {
        const status = /^\d{3}$/.test(code) ? Number(code) : 500;
        res.status(status).json({ status, message: code === 'failure' ? 'simulated failure' : code });
      },
    };
  }

  // ---------------------------------------------------------------- programmatic controls

  configure(patch: Partial<NovastarConfig>): NovastarConfig {
    this.config = { ...this.config, ...patch };
    return { ...this.config };
  }

  getConfig(): NovastarConfig {
    return { ...this.config };
  }

  addApp(appKey: string, appSecret: string): void {
    if (!appKey || !appSecret) throw new ControlError('appKey and appSecret are required');
    this.apps.set(appKey, appSecret);
  }

  registerPlayer(input: NovastarPlayerInput) {
    if (!input.playerId) throw new ControlError('playerId is required');
    const p = this.players.get(input.playerId) ?? {
      playerId: input.playerId,
      name: input.playerId,
      sn: input.playerId,
      online: true,
      lastOnlineTime: this.ctx.clock.now(),
    };
    if (input.name !== undefined) p.name = input.name;
    if (input.sn !== undefined) p.sn = input.sn;
    this.players.set(p.playerId, p);
    if (input.online !== undefined) this.setOnline(p.playerId, input.online);
    return this.describe(p);
  }

  /** A player coming online downloads what the cloud accepted for it meanwhile. */
  setOnline(playerId: string, online: boolean): void {
    const p = this.players.get(playerId);
    if (!p) throw new ControlError('unknown player', 404);
    p.online = online;
    p.lastOnlineTime = this.ctx.clock.now();
    if (online) this.download(p);
  }

  /** What the player's screen shows now (simulated clock). */
  showing(playerId: string): NovastarShowing {
    const p = this.players.get(playerId);
    if (!p) throw new ControlError('unknown player', 404);
    this.tick(p);
    const pending = !!(p.pendingNormal || p.pendingEmergency);
    if (p.emergency) return { mode: 'emergency', urls: widgetUrls([p.emergency.page]), normalPaused: !!p.normal, pending };
    if (p.normal) return { mode: 'normal', urls: widgetUrls(p.normal.pages), normalPaused: false, pending };
    return { mode: 'none', urls: [], normalPaused: false, pending };
  }

  /** Every player with what its screen shows now. */
  listPlayers() {
    return [...this.players.values()].map((p) => ({ ...this.describe(p), showing: this.showing(p.playerId) }));
  }

  reset(): void {
    this.config = { ...NOVASTAR_DEFAULTS };
    this.apps.clear();
    this.players.clear();
    this.nonces.clear();
  }

  close(): void {
    /* no timers: emergency ends are computed from the simulated clock */
  }

  // ---------------------------------------------------------------- protocol

  private buildRouter(): Router {
    const r = express.Router();
    r.get('/v2/player/list', (req, res) => this.authed(req, res, () => this.list(req, res)));
    r.post('/v2/player/current/online-status', (req, res) => this.authed(req, res, () => this.onlineStatus(req, res)));
    r.post('/v2/player/program/normal', (req, res) => this.authed(req, res, () => this.normal(req, res)));
    r.post('/v2/player/emergency-program/page', (req, res) => this.authed(req, res, () => this.emergency(req, res)));
    r.post('/v2/player/emergency-program/cancel', (req, res) => this.authed(req, res, () => this.cancel(req, res)));
    r.use((_req, res) => {
      res.status(404).json({ status: 404, message: 'not found' });
    });
    return r;
  }

  private err(res: Response, status: number, message: string): void {
    res.status(status).json({ status, message });
  }

  /** NOVASTAR.md §1.2 (signature and the simulator's CurTime/Nonce rules: novastar-sim-auth.ts). */
  private authed(req: Request, res: Response, fn: () => void): void {
    const problem = novastarAuthProblem(req, {
      apps: this.apps,
      nonces: this.nonces,
      maxCurTimeSkewSec: this.config.maxCurTimeSkewSec,
      now: this.ctx.clock.now(),
    });
    if (problem) return this.err(res, 401, problem);
    fn();
  }

  private body(req: Request, res: Response): Record<string, unknown> | undefined {
    const b = jsonObject(req);
    if (!b || getBody(req).error) this.err(res, 400, 'body must be a JSON object');
    return b;
  }

  private list(req: Request, res: Response): void {
    const start = Number(req.query.start ?? 0);
    const count = Number(req.query.count ?? 20);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(count) || count <= 0 || count > 100)
      return this.err(res, 400, 'start >= 0 and 1 <= count <= 100');
    const name = typeof req.query.name === 'string' ? req.query.name : '';
    const all = [...this.players.values()].filter((p) => !name || p.name.includes(name));
    res.json({ total: all.length, rows: all.slice(start, start + count).map((p) => this.describe(p)) });
  }

  private onlineStatus(req: Request, res: Response): void {
    const b = this.body(req, res);
    if (!b) return;
    const bySn = b.playerSns !== undefined;
    const c = checkPlayerIds(bySn ? b.playerSns : b.playerIds, bySn ? 'playerSns' : 'playerIds', 100);
    if (!c.ok) return this.err(res, 400, `${c.field}: ${c.reason}`);
    const found = c.value.map((id) => [...this.players.values()].find((p) => (bySn ? p.sn : p.playerId) === id)).filter((p): p is Player => !!p);
    res.json(found.map((p) => ({ playerId: p.playerId, sn: p.sn, onlineStatus: p.online ? 1 : 0, lastOnlineTime: new Date(p.lastOnlineTime).toISOString() })));
  }

  private normal(req: Request, res: Response): void {
    const b = this.body(req, res);
    if (!b) return;
    const ids = checkPlayerIds(b.playerIds);
    if (!ids.ok) return this.err(res, 400, `${ids.field}: ${ids.reason}`);
    const pages = checkPages(b.pages);
    if (!pages.ok) return this.err(res, 400, `${pages.field}: ${pages.reason}`);
    const success: string[] = [];
    const fail: string[] = [];
    for (const id of ids.value) {
      const p = this.players.get(id);
      if (!p) {
        fail.push(id);
        continue;
      }
      const rec = this.ctx.records.add({
        system: 'novastar',
        account: id,
        externalId: `normal-${id}-${this.ctx.clock.now()}-${success.length}`,
        title: pages.value.map((x) => x.name).join(' / '),
        text: widgetUrls(pages.value).join('\n'),
        action: 'normal',
        meta: { pages: pages.value, schedule: b.schedule ?? null, appKey: req.header('AppKey'), urls: widgetUrls(pages.value), delivered: p.online },
      });
      const job: Job = { pages: pages.value, record: rec.seq, acceptedAt: this.ctx.clock.now() };
      if (p.pendingNormal) this.drop(p.pendingNormal.record, 'replaced before download');
      if (p.online) {
        if (p.normal) this.drop(p.normal.record, 'replaced');
        p.normal = job;
        p.pendingNormal = undefined;
      } else p.pendingNormal = job;
      success.push(id);
    }
    this.ctx.log(`novastar: normal program for ${success.join(',') || 'nobody'}`);
    res.json({ success, fail });
  }

  private emergency(req: Request, res: Response): void {
    const b = this.body(req, res);
    if (!b) return;
    const ids = checkPlayerIds(b.playerIds);
    if (!ids.ok) return this.err(res, 400, `${ids.field}: ${ids.reason}`);
    const attr = checkAttribute(b.attribute);
    if (!attr.ok) return this.err(res, 400, `${attr.field}: ${attr.reason}`);
    const page = checkPage(b.page, 'page');
    if (!page.ok) return this.err(res, 400, `${page.field}: ${page.reason}`);
    const success: string[] = [];
    const fail: string[] = [];
    for (const id of ids.value) {
      const p = this.players.get(id);
      if (!p) {
        fail.push(id);
        continue;
      }
      this.tick(p);
      const rec = this.ctx.records.add({
        system: 'novastar',
        account: id,
        externalId: `emergency-${id}-${this.ctx.clock.now()}-${success.length}`,
        title: page.value.name,
        text: widgetUrls([page.value]).join('\n'),
        action: 'emergency',
        meta: { page: page.value, attribute: attr.value, appKey: req.header('AppKey'), urls: widgetUrls([page.value]) },
      });
      const em: Emergency = {
        page: page.value,
        until: this.ctx.clock.now() + attr.value.duration,
        normalProgramStatus: attr.value.normalProgramStatus,
        record: rec.seq,
      };
      // A new insertion replaces the one playing (one emergency page per player).
      for (const old of [p.emergency, p.pendingEmergency]) if (old) this.drop(old.record, 'replaced');
      if (p.online) p.emergency = em;
      else p.pendingEmergency = em;
      success.push(id);
    }
    res.json({ success, fail });
  }

  private cancel(req: Request, res: Response): void {
    const b = this.body(req, res);
    if (!b) return;
    const ids = checkPlayerIds(b.playerIds);
    if (!ids.ok) return this.err(res, 400, `${ids.field}: ${ids.reason}`);
    const success: string[] = [];
    const fail: string[] = [];
    for (const id of ids.value) {
      const p = this.players.get(id);
      if (p) this.tick(p);
      const em = p?.emergency ?? p?.pendingEmergency;
      if (!p || !em) {
        fail.push(id);
        continue;
      }
      this.drop(em.record, 'cancelled');
      p.emergency = p.pendingEmergency = undefined;
      success.push(id);
    }
    res.json({ success, fail });
  }

  private download(p: Player): void {
    if (p.pendingNormal) {
      if (p.normal) this.drop(p.normal.record, 'replaced');
      p.normal = p.pendingNormal;
      p.pendingNormal = undefined;
    }
    if (p.pendingEmergency) {
      p.emergency = p.pendingEmergency;
      p.pendingEmergency = undefined;
    }
  }

  /** An emergency whose duration is over ends; the paused normal program resumes. */
  private tick(p: Player): void {
    const now = this.ctx.clock.now();
    for (const k of ['emergency', 'pendingEmergency'] as const) {
      const em = p[k];
      if (em && now >= em.until) {
        this.drop(em.record, 'duration over');
        p[k] = undefined;
      }
    }
  }

  private drop(seq: number, reason: string): void {
    this.ctx.records.markDeleted((r) => r.system === 'novastar' && r.seq === seq, reason);
  }

  private describe(p: Player) {
    return {
      playerId: p.playerId,
      name: p.name,
      sn: p.sn,
      playerType: 'Taurus',
      onlineStatus: p.online ? 1 : 0,
      lastOnlineTime: new Date(p.lastOnlineTime).toISOString(),
    };
  }
}
