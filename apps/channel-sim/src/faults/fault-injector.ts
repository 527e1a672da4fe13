import { STATUS_CODES } from 'http';
import { Socket } from 'net';
import { Request, RequestHandler, Response } from 'express';
import { SimClock } from '../clock/sim-clock';
import { SystemName } from '../records/sim-records';
import { DEFAULT_HOLD_MS, normaliseFault, pathMatches } from './fault-spec';
import { Fault, FaultHooks, FaultSpec, RequestLogEntry, TimeoutAfterEffectSpec } from './fault.types';

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
 *
 * The spec and its checks are in fault-spec.ts, the shapes in fault.types.ts.
 */

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
    const f = normaliseFault(spec, this.clock, () => `f${this.nextId++}`);
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
      let accounts: string[];
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
}

function sendHttpError(res: Response, status: number): void {
  const text = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  res
    .status(status)
    .type('text/html')
    .send(`<html><head><title>${text}</title></head><body><center><h1>${text}</h1></center><hr><center>nginx</center></body></html>`);
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
