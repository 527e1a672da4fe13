import { STATUS_CODES } from 'http';
import { Socket } from 'net';
import { Request, RequestHandler, Response } from 'express';
import { SimClock } from '../clock/sim-clock';
import { SYSTEM_NAMES, SystemName } from '../records/sim-records';

/**
 * Generic fault injection for every simulated endpoint, as express middleware. A fault matches by
 * system, path pattern, method and account, and can:
 * - add latency (`latencyMs`),
 * - answer with an error instead of running the endpoint (`error`, with probability `errorRate`):
 *   a system-specific code (WeChat errcode, Weibo error_code, Huidu "failure", testchan error name),
 *   `http:500` / `http:503` (a bare gateway error page), `reset` (socket destroyed, no effect) or
 *   `hang` (no answer and no effect),
 * - let the call take effect but lose the answer (`timeoutAfterEffect`: the socket is held open past
 *   the client's timeout, or destroyed),
 * - simulate an outage window (`outage`: every matching call in [from, to) is reset or gets 503),
 * - apply only to the next `count` calls it is considered for (matched, and not pre-empted by an
 *   earlier fault that already decided the answer).
 */

export interface OutageSpec {
  /** epoch ms or ISO time on the simulated clock; default: now */
  from?: number | string;
  /** epoch ms or ISO time; default: forever, or from + forMs */
  to?: number | string;
  forMs?: number;
  /** `reset` destroys the connection (closest to "connection refused"); `503` answers 503 */
  mode?: 'reset' | '503';
}

export interface TimeoutAfterEffectSpec {
  /** `hang` keeps the socket open for holdMs then destroys it; `destroy` resets it as soon as the answer is ready */
  mode?: 'hang' | 'destroy';
  holdMs?: number;
}

export interface FaultSpec {
  /** one system, or '*' / absent for all */
  system?: SystemName | '*';
  /** path inside the system's mount, e.g. "/cgi-bin/freepublish/submit"; `*` matches any characters; absent = all */
  path?: string;
  method?: string;
  /** appid (WeChat), uid or token (Weibo), device id or sdkKey (Huidu), token (testchan) */
  account?: string;
  latencyMs?: number;
  error?: string | number;
  /** probability of `error` / `timeoutAfterEffect` firing on a matching call; default 1 */
  errorRate?: number;
  timeoutAfterEffect?: boolean | TimeoutAfterEffectSpec;
  outage?: OutageSpec;
  /** apply to the next N matching calls only, then the fault removes itself */
  count?: number;
  label?: string;
}

export interface Fault {
  id: string;
  label?: string;
  system: SystemName | '*';
  path?: string;
  method?: string;
  account?: string;
  latencyMs?: number;
  error?: string;
  errorRate: number;
  timeoutAfterEffect?: Required<TimeoutAfterEffectSpec>;
  outage?: { from: number; to: number; mode: 'reset' | '503' };
  /** calls left when `count` was given */
  remaining?: number;
  /** matching calls seen */
  hits: number;
  /** calls where the error / timeout / outage actually fired */
  fired: number;
  createdAt: string;
}

/** What a simulator tells the fault middleware about its own protocol. */
export interface FaultHooks {
  /** the account a request acts for, when it can be told (after body parsing) */
  accountOf(req: Request): string | string[] | undefined;
  /** answer with the system's own error format for `code` */
  renderError(code: string, req: Request, res: Response): void;
}

export class FaultSpecError extends Error {}

export interface RequestLogEntry {
  seq: number;
  at: string;
  system: SystemName;
  method: string;
  path: string;
  account?: string;
  /** HTTP status sent, when one was */
  status?: number;
  outcome: 'pending' | 'answered' | 'error-injected' | 'reset' | 'hang' | 'swallowed' | 'outage';
  faults: string[];
  ms?: number;
}

const DEFAULT_HOLD_MS = 30_000;
const LOG_LIMIT = 2000;

export class FaultController {
  private faults: Fault[] = [];
  private nextId = 1;
  private rng: () => number = Math.random;
  private readonly heldSockets = new Set<Socket>();
  private readonly holdTimers = new Set<NodeJS.Timeout>();
  private log: RequestLogEntry[] = [];
  private logSeq = 0;

  constructor(private readonly clock: SimClock = new SimClock()) {}

  add(spec: FaultSpec): Fault {
    const f = this.normalise(spec);
    this.faults.push(f);
    return { ...f };
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const n = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== n;
  }

  /** Removes all faults (of one system when given). */
  clear(system?: SystemName): void {
    this.faults = system ? this.faults.filter((f) => f.system !== system) : [];
  }

  /** Makes errorRate rolls reproducible; no seed restores Math.random. */
  setSeed(seed?: number): void {
    this.rng = seed === undefined ? Math.random : mulberry32(seed);
  }

  /** Requests seen by the simulators, newest last (bounded). */
  requests(filter: { system?: SystemName; path?: string } = {}): RequestLogEntry[] {
    return this.log.filter((e) => (!filter.system || e.system === filter.system) && (!filter.path || e.path === filter.path)).map((e) => ({ ...e }));
  }

  clearRequests(): void {
    this.log = [];
    this.logSeq = 0;
  }

  /** Destroys sockets held by `hang` / timeoutAfterEffect faults. */
  releaseHeld(): void {
    for (const t of this.holdTimers) clearTimeout(t);
    this.holdTimers.clear();
    for (const s of this.heldSockets) s.destroy();
    this.heldSockets.clear();
  }

  reset(): void {
    this.faults = [];
    this.nextId = 1;
    this.rng = Math.random;
    this.clearRequests();
    this.releaseHeld();
  }

  middleware(system: SystemName, hooks: FaultHooks): RequestHandler {
    return (req, res, next) => {
      const started = Date.now();
      let accounts: string[] = [];
      try {
        const a = hooks.accountOf(req);
        accounts = a === undefined ? [] : Array.isArray(a) ? a : [a];
      } catch {
        accounts = [];
      }
      const entry: RequestLogEntry = {
        seq: ++this.logSeq,
        at: new Date(this.clock.now()).toISOString(),
        system,
        method: req.method,
        path: req.path,
        account: accounts[0],
        outcome: 'pending',
        faults: [],
      };
      this.log.push(entry);
      if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
      res.on('finish', () => {
        entry.status = res.statusCode;
        entry.ms = Date.now() - started;
        if (entry.outcome === 'pending') entry.outcome = 'answered';
      });

      const matched = this.match(system, req.method, req.path, accounts);
      if (matched.length === 0) return next();
      // A fault is "considered" for a call when it matches and no earlier fault has already decided
      // the call's answer; `count` counts considered calls, so two `count: 1` error faults fire on
      // two successive calls.
      const consider = (f: Fault) => {
        f.hits++;
        entry.faults.push(f.id);
        if (f.remaining !== undefined && --f.remaining <= 0) this.remove(f.id);
      };

      const outage = matched.find((f) => f.outage);
      if (outage?.outage) {
        consider(outage);
        outage.fired++;
        entry.outcome = 'outage';
        if (outage.outage.mode === '503') sendHttpError(res, 503);
        else req.socket.destroy();
        return;
      }

      let latency = 0;
      let error: Fault | undefined;
      let tae: Fault | undefined;
      for (const f of matched) {
        consider(f);
        latency += f.latencyMs ?? 0;
        if (f.error !== undefined && this.rng() < f.errorRate) {
          f.fired++;
          error = f;
          break;
        }
        if (f.timeoutAfterEffect && !tae && this.rng() < f.errorRate) {
          f.fired++;
          tae = f;
        }
      }
      const proceed = () => {
        if (error?.error !== undefined) {
          this.applyError(error.error, req, res, hooks, entry);
          return;
        }
        if (tae?.timeoutAfterEffect) {
          entry.outcome = 'swallowed';
          this.swallowResponse(req, res, tae.timeoutAfterEffect);
        }
        next();
      };
      if (latency > 0) {
        const t = setTimeout(() => {
          this.holdTimers.delete(t);
          proceed();
        }, latency);
        this.holdTimers.add(t);
      } else proceed();
    };
  }

  private match(system: SystemName, method: string, path: string, accounts: string[]): Fault[] {
    const now = this.clock.now();
    return this.faults.filter(
      (f) =>
        (f.system === '*' || f.system === system) &&
        (!f.method || f.method === method.toUpperCase()) &&
        (!f.path || pathMatches(f.path, path)) &&
        (f.account === undefined || accounts.includes(f.account)) &&
        (!f.outage || (now >= f.outage.from && now < f.outage.to)),
    );
  }

  private applyError(code: string, req: Request, res: Response, hooks: FaultHooks, entry: RequestLogEntry): void {
    if (code === 'reset') {
      entry.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    if (code === 'hang') {
      entry.outcome = 'hang';
      this.hold(req.socket, DEFAULT_HOLD_MS);
      return;
    }
    entry.outcome = 'error-injected';
    const http = /^http:(\d{3})$/.exec(code);
    if (http) sendHttpError(res, Number(http[1]));
    else hooks.renderError(code, req, res);
  }

  /** The endpoint runs (its effect happens) but whatever it answers never reaches the client. */
  private swallowResponse(req: Request, res: Response, spec: Required<TimeoutAfterEffectSpec>): void {
    const socket = req.socket;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (spec.mode === 'destroy') socket.destroy();
      else this.hold(socket, spec.holdMs);
    };
    const r = res as unknown as Record<string, unknown>;
    r.writeHead = () => res;
    r.write = () => true;
    r.end = () => {
      finish();
      return res;
    };
  }

  private hold(socket: Socket, ms: number): void {
    this.heldSockets.add(socket);
    socket.once('close', () => this.heldSockets.delete(socket));
    const t = setTimeout(() => {
      this.holdTimers.delete(t);
      socket.destroy();
    }, ms);
    this.holdTimers.add(t);
  }

  private normalise(spec: FaultSpec): Fault {
    if (!spec || typeof spec !== 'object') throw new FaultSpecError('fault must be an object');
    const system = spec.system ?? '*';
    if (system !== '*' && !SYSTEM_NAMES.includes(system)) throw new FaultSpecError(`unknown system "${String(system)}"`);
    const num = (v: unknown, name: string, min: number, max = Infinity): number | undefined => {
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new FaultSpecError(`${name} must be a number in [${min}, ${max}]`);
      return v;
    };
    const latencyMs = num(spec.latencyMs, 'latencyMs', 0);
    const errorRate = num(spec.errorRate, 'errorRate', 0, 1) ?? 1;
    const count = num(spec.count, 'count', 1);
    if (count !== undefined && !Number.isInteger(count)) throw new FaultSpecError('count must be an integer');
    let error: string | undefined;
    if (spec.error !== undefined && spec.error !== null) {
      if (typeof spec.error !== 'string' && typeof spec.error !== 'number') throw new FaultSpecError('error must be a string or a number');
      error = String(spec.error);
      if (error === '') throw new FaultSpecError('error must not be empty');
    }
    let timeoutAfterEffect: Required<TimeoutAfterEffectSpec> | undefined;
    if (spec.timeoutAfterEffect) {
      const t = spec.timeoutAfterEffect === true ? {} : spec.timeoutAfterEffect;
      const mode = t.mode ?? 'hang';
      if (mode !== 'hang' && mode !== 'destroy') throw new FaultSpecError('timeoutAfterEffect.mode must be hang or destroy');
      timeoutAfterEffect = { mode, holdMs: num(t.holdMs, 'timeoutAfterEffect.holdMs', 0) ?? DEFAULT_HOLD_MS };
    }
    let outage: Fault['outage'];
    if (spec.outage) {
      const now = this.clock.now();
      const from = spec.outage.from === undefined ? now : toEpoch(spec.outage.from, 'outage.from');
      const forMs = num(spec.outage.forMs, 'outage.forMs', 0);
      const to = spec.outage.to !== undefined ? toEpoch(spec.outage.to, 'outage.to') : forMs !== undefined ? from + forMs : Number.POSITIVE_INFINITY;
      const mode = spec.outage.mode ?? 'reset';
      if (mode !== 'reset' && mode !== '503') throw new FaultSpecError('outage.mode must be reset or 503');
      if (!(to > from)) throw new FaultSpecError('outage window is empty');
      outage = { from, to, mode };
    }
    if (latencyMs === undefined && error === undefined && !timeoutAfterEffect && !outage) {
      throw new FaultSpecError('a fault needs at least one of latencyMs, error, timeoutAfterEffect, outage');
    }
    if (spec.path !== undefined && (typeof spec.path !== 'string' || !spec.path.startsWith('/'))) throw new FaultSpecError('path must start with "/"');
    return {
      id: `f${this.nextId++}`,
      label: spec.label,
      system,
      path: spec.path,
      method: spec.method?.toUpperCase(),
      account: spec.account === undefined ? undefined : String(spec.account),
      latencyMs,
      error,
      errorRate,
      timeoutAfterEffect,
      outage,
      remaining: count,
      hits: 0,
      fired: 0,
      createdAt: new Date(this.clock.now()).toISOString(),
    };
  }
}

export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path || pattern === path.replace(/\/$/, '');
  const re = new RegExp('^' + pattern.split('*').map(escapeRegExp).join('.*') + '$');
  return re.test(path);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toEpoch(v: number | string, name: string): number {
  const n = typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(n)) throw new FaultSpecError(`${name} must be epoch ms or an ISO time`);
  return n;
}

function sendHttpError(res: Response, status: number): void {
  const text = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  res.status(status).type('text/html').send(`<html><head><title>${text}</title></head><body><center><h1>${text}</h1></center><hr><center>nginx</center></body></html>`);
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
