import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { ACQUIRE, LEAVE, RELEASE } from './account-limiter.scripts';
import { commandConnection, workerConnection } from './redis-connection';

/** The limits one channel account's outside system tolerates (from the adapter, overridable per account). */
export interface AccountLimits {
  concurrency: number;
  rateLimit?: { max: number; durationMs: number };
}

export type AcquireResult = { ok: true; token: string } | { ok: false; busy: boolean; waitMs: number };

/**
 * A caller let through this process's gate: `queued`, its ticket, already put in the account's queue by
 * the release that let it through (RELEASE), which may have handed it the slot too; else it asks itself.
 */
type GateEntry = false | { queued?: string };

/** How long a waiting caller's place in the account's queue lasts unless it asks again (it asks at least every MAX_PAUSE_MS). */
const TICKET_MS = 5_000;
/**
 * A waiting caller asks again after FIRST_PAUSE_MS, doubling up to MAX_PAUSE_MS, unless named earlier:
 * the turn is told (RELEASE), so asking on its own only covers a lost message or a holder that died.
 */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 400;

/** How long a slot lives unless its holder renews it (ACQUIRE, and RELEASE handing it on). */
const slotHoldMs = (holdMs: number) => Math.max(1000, holdMs);

/**
 * Per-account concurrency and rate limits shared by every worker process, in Redis. BullMQ's own
 * limiter works per queue; a queue here carries every account of a channel type, and one busy WeChat
 * account must not slow the others down, nor may two workers together exceed one account's limit.
 *
 * Turns are taken in arrival order across processes: a caller that cannot have a slot keeps its place
 * in the account's queue in Redis, and a slot given back is handed, in the release's own round trip, to
 * the first in that queue whichever process it is in (RELEASE, which also queues the releasing
 * process's next caller); the owners are told by name (the releaser from the answer, others on their
 * own pub/sub channel; a lost message only delays: callers also ask on their own). Two worker processes
 * on one busy account so share its slots evenly, and a slot crosses processes without the taker asking.
 *
 * If Redis cannot answer, the limiter lets the call through (and logs): the queue itself lives in
 * Redis, so this only happens in the moment Redis fails, and a delivery is better late-limited than stuck.
 */
@Injectable()
export class AccountLimiter implements OnApplicationShutdown {
  private readonly log = componentLogger('account-limiter');
  private redis: IORedis | null = null;
  /** This process's gate per account, in front of Redis: jobs beyond the account's concurrency wait here (no polling). */
  private gates = new Map<string, { active: number; waiters: { turn: (entry: GateEntry) => void; first: boolean }[] }>();
  /** This process's callers waiting in an account's queue, by ticket. */
  private mine = new Set<string>();
  /** Napping callers, by ticket: woken when a release names their ticket. */
  private wakers = new Map<string, () => void>();
  /** Tickets of this process named by a release while their caller was asking: it asks again instead of napping. */
  private named = new Set<string>();
  /** Tickets of this process a release handed a slot (RELEASE): their callers go without asking again. */
  private handed = new Set<string>();
  /**
   * Each account's limits and slot hold as its callers gave them: a release hands freed slots on with
   * them (how many, the rate window, how long a handed slot lives unless its taker renews it).
   */
  private terms = new Map<string, { limits: AccountLimits; holdMs: number }>();
  private sub: IORedis | null = null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  private conn(): IORedis {
    if (!this.redis) {
      this.redis = commandConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
      this.redis.defineCommand('gdAcquireSlot', { numberOfKeys: 5, lua: ACQUIRE });
      this.redis.defineCommand('gdReleaseSlot', { numberOfKeys: 6, lua: RELEASE });
      this.redis.defineCommand('gdLeaveQueue', { numberOfKeys: 3, lua: LEAVE });
    }
    return this.redis;
  }

  private key(accountId: string, what: string): string {
    return `${this.config.QUEUE_PREFIX}:acct:${accountId}:${what}`;
  }

  /** The channel of released slots' turns; each process hears its own tickets on `<freed>:<process>`. */
  private get freed(): string {
    return `${this.config.QUEUE_PREFIX}:acct-freed`;
  }

  /** This process's (this limiter's) name in its tickets, `<process>.<uuid>`: a release tells only the owner. */
  private readonly procName = randomUUID().slice(0, 8);
  private readonly newTicket = () => `${this.procName}.${randomUUID()}`;

  /**
   * One attempt. `queue`: the caller waits for its turn if refused (its `token` keeps its place in the
   * account's queue; `first` puts it at the head); without it, the attempt takes no place.
   */
  async tryAcquire(accountId: string, limits: AccountLimits, holdMs: number, queue?: { token: string; first?: boolean }): Promise<AcquireResult> {
    const token = queue?.token ?? randomUUID();
    try {
      const r = Number(
        await (this.conn() as any).gdAcquireSlot(
          this.key(accountId, 'inflight'),
          this.key(accountId, 'rate'),
          this.key(accountId, 'pause'),
          this.key(accountId, 'queue'),
          this.key(accountId, 'queue-exp'),
          Date.now(),
          Math.max(0, limits.concurrency),
          limits.rateLimit?.max ?? 0,
          limits.rateLimit?.durationMs ?? 0,
          token,
          slotHoldMs(holdMs),
          queue ? TICKET_MS : 0,
          queue?.first ? '1' : '0',
        ),
      );
      if (r === 0) return { ok: true, token };
      if (r === -1) return { ok: false, busy: true, waitMs: 0 };
      return { ok: false, busy: false, waitMs: r };
    } catch (e) {
      this.log.warn({ err: (e as Error).message, accountId }, 'limiter unavailable; letting the call through');
      return { ok: true, token };
    }
  }

  /**
   * Waits in process for a slot while the wait is short (a busy account frees a slot within
   * milliseconds); gives up with the time to come back when it is not.
   */
  async acquire(accountId: string, limits: AccountLimits, holdMs: number, maxLocalWaitMs = 1500, first = false): Promise<AcquireResult> {
    const started = Date.now();
    const entry = await this.enterGate(accountId, Math.max(1, limits.concurrency), maxLocalWaitMs, first);
    if (!entry) return { ok: false, busy: true, waitMs: 100 + Math.round(Math.random() * 200) };
    this.terms.set(accountId, { limits, holdMs });
    const ticket = { token: entry.queued ?? this.newTicket(), first };
    const mine: AcquireResult = { ok: true, token: ticket.token };
    this.mine.add(ticket.token);
    // queued by the release that let it through: that release's answer tells it its turn, no ask of its own first
    let queued = entry.queued !== undefined;
    try {
      let pause = FIRST_PAUSE_MS;
      for (;;) {
        if (this.handed.has(ticket.token)) return mine;
        let r: AcquireResult = { ok: false, busy: true, waitMs: 0 };
        if (queued) queued = false;
        else {
          this.named.delete(ticket.token);
          r = await this.tryAcquire(accountId, limits, holdMs, ticket);
          if (r.ok || this.handed.has(ticket.token)) return mine;
        }
        const left = maxLocalWaitMs - (Date.now() - started);
        const wait = r.busy ? pause : r.waitMs;
        if (wait > left) {
          // a release may have handed this ticket a slot meanwhile: take it rather than let it sit unused
          if (await this.leaveQueue(accountId, ticket.token)) return mine;
          this.leaveGate(accountId);
          return { ok: false, busy: r.busy, waitMs: r.busy ? 100 + Math.round(Math.random() * 200) : r.waitMs };
        }
        // named by a release while this caller asked: its turn came, ask again at once rather than nap through it
        if (r.busy && this.named.has(ticket.token)) continue;
        await this.nap(ticket.token, wait + Math.round(Math.random() * 5));
        if (r.busy) pause = Math.min(MAX_PAUSE_MS, pause * 2);
      }
    } finally {
      this.mine.delete(ticket.token);
      this.named.delete(ticket.token);
      this.handed.delete(ticket.token);
    }
  }

  /** Waits `ms`, or less when a release names this ticket. */
  private nap(token: string, ms: number): Promise<void> {
    this.listen();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        if (this.wakers.get(token) === wake) this.wakers.delete(token);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.set(token, wake);
    });
  }

  /** Subscribes (once) to the turns released slots give, in every process. */
  private listen(): void {
    if (this.sub) return;
    this.sub = workerConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
    this.sub.on('message', (_channel: string, message: string) => this.turns(message.split(' ').slice(1)));
    this.sub
      .subscribe(`${this.freed}:${this.procName}`)
      .catch((e: Error) => this.log.warn({ err: e.message }, 'limiter wake-ups unavailable; waiting callers ask again on their own'));
  }

  /**
   * It is these tickets' turn (RELEASE): those of this process handed a slot ("+ticket") go now, the
   * others ask again now (or, if asking, once more).
   */
  private turns(tickets: string[]): void {
    for (const named of tickets) {
      const t = named.startsWith('+') ? named.slice(1) : named;
      if (!this.mine.has(t)) continue;
      (t === named ? this.named : this.handed).add(t);
      this.wakers.get(t)?.();
    }
  }

  /** Gives up the ticket's place; true if a release had handed it a slot, which the caller then holds. */
  private async leaveQueue(accountId: string, token: string): Promise<boolean> {
    const held = await (this.conn() as any)
      .gdLeaveQueue(this.key(accountId, 'queue'), this.key(accountId, 'queue-exp'), this.key(accountId, 'inflight'), token, Date.now())
      .catch(() => 0);
    return Number(held) === 1;
  }

  /**
   * Moves a taken slot's mark in the rate window to now (only if it is still there): the call it stands
   * for is being made now, and the window is about calls as the outside system receives them. Later
   * only, so a slot's wait never shrinks. If Redis cannot answer the mark stays where it was.
   */
  async stamp(accountId: string, token: string, rateLimit: { durationMs: number }): Promise<void> {
    const key = this.key(accountId, 'rate');
    await this.conn()
      .multi()
      .zadd(key, 'XX', 'GT', Date.now(), token)
      .pexpire(key, rateLimit.durationMs)
      .exec()
      .catch((e: Error) => this.log.warn({ err: e.message, accountId }, 'limiter unavailable; rate mark not moved'));
  }

  /**
   * The holder's heartbeat: a slot lives only as long as the step holding it is alive (its expiry is
   * moved forward here, only if it is still there), so a SIGKILLed worker's slot frees itself within
   * `holdMs` instead of the whole delivery lease.
   */
  async renew(accountId: string, token: string, holdMs: number): Promise<void> {
    const key = this.key(accountId, 'inflight');
    await this.conn()
      .multi()
      .zadd(key, 'XX', Date.now() + holdMs, token)
      .pexpire(key, holdMs)
      .exec()
      .catch(() => undefined);
  }

  /**
   * Gives the slot back; freed slots go straight to the callers whose turn it is (RELEASE). This
   * process's next caller waiting at its gate for the account is let through and queued in the same
   * round trip (and handed the slot, if it is next), instead of asking Redis on its own.
   */
  async release(accountId: string, token: string): Promise<void> {
    const next = this.leaveGate(accountId, true);
    const terms = this.terms.get(accountId);
    const heads = await (this.conn() as any)
      .gdReleaseSlot(
        this.key(accountId, 'inflight'),
        this.key(accountId, 'queue'),
        this.key(accountId, 'queue-exp'),
        this.freed,
        this.key(accountId, 'rate'),
        this.key(accountId, 'pause'),
        token,
        accountId,
        Date.now(),
        Math.max(0, terms?.limits.concurrency ?? 1),
        terms ? slotHoldMs(terms.holdMs) : 0,
        terms?.limits.rateLimit?.max ?? 0,
        terms?.limits.rateLimit?.durationMs ?? 0,
        this.procName,
        next?.token ?? '',
        next?.first ? '1' : '0',
        TICKET_MS,
      )
      .catch(() => null);
    // this process's own callers named hear it from the answer (a message goes only to other processes)
    if (Array.isArray(heads)) this.turns(heads.map(String));
  }

  /** `first`: a dead worker's step taken over goes ahead of this process's other waiters for the account. */
  private enterGate(accountId: string, limit: number, maxWaitMs: number, first = false): Promise<GateEntry> {
    let g = this.gates.get(accountId);
    if (!g) this.gates.set(accountId, (g = { active: 0, waiters: [] }));
    if (g.active < limit) {
      g.active++;
      return Promise.resolve({});
    }
    const gate = g;
    return new Promise<GateEntry>((resolve) => {
      const waiter = {
        first,
        turn: (entry: GateEntry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      const timer = setTimeout(() => {
        const i = gate.waiters.indexOf(waiter);
        if (i >= 0) gate.waiters.splice(i, 1);
        resolve(false);
      }, maxWaitMs);
      if (first) gate.waiters.unshift(waiter);
      else gate.waiters.push(waiter);
    });
  }

  /**
   * Hands the gate place to the next waiter of this process, or frees it. `queue`: the caller is a
   * release, which queues the waiter's ticket in Redis itself (returned; the waiter's own from now).
   */
  private leaveGate(accountId: string, queue = false): { token: string; first: boolean } | null {
    const g = this.gates.get(accountId);
    if (!g) return null;
    const next = g.waiters.shift();
    if (!next) {
      g.active = Math.max(0, g.active - 1);
      return null;
    }
    if (!queue) {
      next.turn({});
      return null;
    }
    const token = this.newTicket();
    // its ticket is this process's before the release's answer can name it
    this.mine.add(token);
    next.turn({ queued: token });
    return { token, first: next.first };
  }

  /**
   * The outside system named a window (429 Retry-After, Weibo 10023): every worker waits it out for
   * this account. The reason (shown to the operator) is kept with it.
   */
  async pause(accountId: string, ms: number, reason = ''): Promise<void> {
    if (ms <= 0) return;
    const value = JSON.stringify({ reason, until: new Date(Date.now() + Math.round(ms)).toISOString() });
    await this.conn()
      .set(this.key(accountId, 'pause'), value, 'PX', Math.round(ms))
      .catch(() => undefined);
  }

  /** The accounts' pauses in force now (operator view): the reason and when the account resumes. */
  async pauses(accountIds: string[]): Promise<Map<string, { reason: string; resumesAt: Date }>> {
    const out = new Map<string, { reason: string; resumesAt: Date }>();
    if (!accountIds.length) return out;
    const m = this.conn().multi();
    for (const id of accountIds) m.get(this.key(id, 'pause')).pttl(this.key(id, 'pause'));
    const res = (await m.exec().catch(() => null)) ?? [];
    accountIds.forEach((id, i) => {
      const value = res[2 * i]?.[1] as string | null;
      const pttl = Number(res[2 * i + 1]?.[1] ?? -2);
      if (!value || pttl <= 0) return;
      let reason = '';
      try {
        reason = String(JSON.parse(value).reason ?? '');
      } catch {
        /* a pause written before reasons were kept */
      }
      out.set(id, { reason, resumesAt: new Date(Date.now() + pttl) });
    });
    return out;
  }

  /**
   * When each account's own rate window frees a call, for the accounts whose window is full now
   * (operator view: 限流中 until then). `limits` gives each account's rate limit; others are skipped.
   */
  async rateLimitedUntil(limits: Map<string, { max: number; durationMs: number }>): Promise<Map<string, Date>> {
    const out = new Map<string, Date>();
    const ids = [...limits.keys()];
    if (!ids.length) return out;
    const now = Date.now();
    const m = this.conn().multi();
    for (const id of ids) m.zrangebyscore(this.key(id, 'rate'), now - limits.get(id)!.durationMs, '+inf', 'WITHSCORES');
    const res = (await m.exec().catch(() => null)) ?? [];
    ids.forEach((id, i) => {
      const { max, durationMs } = limits.get(id)!;
      const marks = ((res[i]?.[1] as string[] | null) ?? []).filter((_, k) => k % 2 === 1).map(Number);
      if (max > 0 && marks.length >= max) out.set(id, new Date(marks[marks.length - max] + durationMs));
    });
    return out;
  }

  /** Calls in flight for the account right now (for tests and the operator view). */
  async inFlight(accountId: string): Promise<number> {
    const k = this.key(accountId, 'inflight');
    await this.conn().zremrangebyscore(k, '-inf', Date.now());
    return this.conn().zcard(k);
  }

  async onApplicationShutdown() {
    this.redis?.disconnect();
    this.redis = null;
    this.sub?.disconnect();
    this.sub = null;
  }
}
