import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'crypto';
import type IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { commandConnection, workerConnection } from './redis-connection';

/** The limits one channel account's outside system tolerates (from the adapter, overridable per account). */
export interface AccountLimits {
  concurrency: number;
  rateLimit?: { max: number; durationMs: number };
}

export type AcquireResult = { ok: true; token: string } | { ok: false; busy: boolean; waitMs: number };

/*
 * One round trip decides everything for an account: an outside-imposed pause (a 429's window), the
 * number of calls in flight (a sorted set of tokens scored by their expiry, so a crashed worker's slot
 * frees itself), the turn of the caller among every process's callers waiting for the account (a queue
 * of tickets in arrival order, each living `ttl` ms unless its caller asks again, so a crashed worker's
 * tickets free themselves) and a sliding-window rate limit. Returns 0 when a slot was taken, -1 when
 * the account is at its concurrency or it is another caller's turn, or the milliseconds to wait.
 * KEYS: inflight, rate, pause, queue (ticket -> arrival), queue expiry (ticket -> expiry).
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
local conc = tonumber(ARGV[2])
local token = ARGV[5]
local ttl = tonumber(ARGV[7])
local queued = conc > 0 and ttl > 0
if queued then
  local dead = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 500)
  for _, d in ipairs(dead) do
    redis.call('ZREM', KEYS[4], d)
    redis.call('ZREM', KEYS[5], d)
  end
  if not redis.call('ZSCORE', KEYS[4], token) then
    local at = now
    if ARGV[8] == '1' then at = now - 1e12 end
    redis.call('ZADD', KEYS[4], at, token)
  end
  redis.call('ZADD', KEYS[5], now + ttl, token)
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('PEXPIRE', KEYS[5], ttl)
end
local pttl = redis.call('PTTL', KEYS[3])
if pttl > 0 then return pttl end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if conc > 0 then
  local free = conc - redis.call('ZCARD', KEYS[1])
  if free <= 0 then return -1 end
  if queued and redis.call('ZRANK', KEYS[4], token) >= free then return -1 end
end
local rmax = tonumber(ARGV[3])
if rmax > 0 then
  local win = tonumber(ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - win)
  if redis.call('ZCARD', KEYS[2]) >= rmax then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return math.max(1, math.floor(tonumber(oldest[2]) + win - now))
  end
  redis.call('ZADD', KEYS[2], now, token)
  redis.call('PEXPIRE', KEYS[2], win)
end
if queued then
  redis.call('ZREM', KEYS[4], token)
  redis.call('ZREM', KEYS[5], token)
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[6]), token)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[6]))
return 0
`;

/* Gives a slot back and, when callers of any process wait for the account, tells them (one message). */
const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[2]) > 0 then redis.call('PUBLISH', KEYS[3], ARGV[2]) end
return 0
`;

/** How long a waiting caller's place in the account's queue lasts unless it asks again (it asks at least every 100 ms). */
const TICKET_MS = 5_000;

/**
 * Per-account concurrency and rate limits shared by every worker process, in Redis. BullMQ's own
 * limiter works per queue; a queue here carries every account of a channel type, and one busy WeChat
 * account must not slow the others down, nor may two workers together exceed one account's limit.
 *
 * Turns are taken in arrival order across processes: a caller that cannot have a slot keeps its place
 * in the account's queue in Redis while it waits, a slot given back goes to the first in that queue
 * whichever process it is in, and the waiting processes are told at once (Redis pub/sub; they also ask
 * again on their own, so a lost message only delays). Two worker processes on one busy account so
 * share its slots evenly, instead of the process that holds them handing each to its own next job.
 *
 * If Redis cannot answer, the limiter lets the call through (and logs): the queue itself lives in
 * Redis, so this only happens in the moment Redis fails, and a delivery is better late-limited than stuck.
 */
@Injectable()
export class AccountLimiter implements OnApplicationShutdown {
  private readonly log = componentLogger('account-limiter');
  private redis: IORedis | null = null;
  /**
   * This process's own gate per account, in front of Redis: jobs beyond the account's concurrency wait
   * here for a turn (no polling) instead of asking Redis again and again. Redis still decides across
   * processes.
   */
  private gates = new Map<string, { active: number; waiters: ((granted: boolean) => void)[] }>();
  /** This process's callers waiting for a turn, by account: woken when any process gives a slot back. */
  private wakers = new Map<string, Set<() => void>>();
  /** Slots of the account given back so far, as this process heard of them: a caller that heard of one while it asked does not nap. */
  private freedCount = new Map<string, number>();
  private sub: IORedis | null = null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  private conn(): IORedis {
    if (!this.redis) {
      this.redis = commandConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
      this.redis.defineCommand('gdAcquireSlot', { numberOfKeys: 5, lua: ACQUIRE });
      this.redis.defineCommand('gdReleaseSlot', { numberOfKeys: 3, lua: RELEASE });
    }
    return this.redis;
  }

  private key(accountId: string, what: string): string {
    return `${this.config.QUEUE_PREFIX}:acct:${accountId}:${what}`;
  }

  private get freed(): string {
    return `${this.config.QUEUE_PREFIX}:acct-freed`;
  }

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
          Math.max(1000, holdMs),
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
    if (!(await this.enterGate(accountId, Math.max(1, limits.concurrency), maxLocalWaitMs, first))) {
      return { ok: false, busy: true, waitMs: 100 + Math.round(Math.random() * 200) };
    }
    const ticket = { token: randomUUID(), first };
    let pause = 10;
    for (;;) {
      const heard = this.freedCount.get(accountId) ?? 0;
      const r = await this.tryAcquire(accountId, limits, holdMs, ticket);
      if (r.ok) return r;
      const left = maxLocalWaitMs - (Date.now() - started);
      const wait = r.busy ? pause : r.waitMs;
      if (wait > left) {
        await this.leaveQueue(accountId, ticket.token);
        this.leaveGate(accountId);
        return { ok: false, busy: r.busy, waitMs: r.busy ? 100 + Math.round(Math.random() * 200) : r.waitMs };
      }
      // a slot given back while this caller asked: ask again at once rather than nap through it
      if (r.busy && (this.freedCount.get(accountId) ?? 0) !== heard) continue;
      await this.nap(accountId, wait + Math.round(Math.random() * 5));
      if (r.busy) pause = Math.min(100, pause * 2);
    }
  }

  /** Waits `ms`, or less when a process gives one of the account's slots back. */
  private nap(accountId: string, ms: number): Promise<void> {
    this.listen();
    let set = this.wakers.get(accountId);
    if (!set) this.wakers.set(accountId, (set = new Set()));
    const waiting = set;
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (!waiting.size && this.wakers.get(accountId) === waiting) this.wakers.delete(accountId);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
    });
  }

  /** Subscribes (once) to the slots given back by every process. */
  private listen(): void {
    if (this.sub) return;
    this.sub = workerConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
    this.sub.on('message', (_channel: string, accountId: string) => this.freedHere(accountId));
    this.sub
      .subscribe(this.freed)
      .catch((e: Error) => this.log.warn({ err: e.message }, 'limiter wake-ups unavailable; waiting callers ask again on their own'));
  }

  /** A slot of the account was given back (here, or by another process): this process's waiting callers ask again now. */
  private freedHere(accountId: string): void {
    this.freedCount.set(accountId, (this.freedCount.get(accountId) ?? 0) + 1);
    for (const wake of [...(this.wakers.get(accountId) ?? [])]) wake();
  }

  private async leaveQueue(accountId: string, token: string): Promise<void> {
    await this.conn()
      .multi()
      .zrem(this.key(accountId, 'queue'), token)
      .zrem(this.key(accountId, 'queue-exp'), token)
      .exec()
      .catch(() => undefined);
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

  async release(accountId: string, token: string): Promise<void> {
    this.leaveGate(accountId);
    const released = (this.conn() as any).gdReleaseSlot(this.key(accountId, 'inflight'), this.key(accountId, 'queue'), this.freed, token, accountId);
    // this process's own waiters ask at once (their calls follow the release on the same connection);
    // other processes' hear of it through the message
    this.freedHere(accountId);
    await released.catch(() => undefined);
  }

  /** `first`: a dead worker's step taken over goes ahead of this process's other waiters for the account. */
  private enterGate(accountId: string, limit: number, maxWaitMs: number, first = false): Promise<boolean> {
    let g = this.gates.get(accountId);
    if (!g) this.gates.set(accountId, (g = { active: 0, waiters: [] }));
    if (g.active < limit) {
      g.active++;
      return Promise.resolve(true);
    }
    const gate = g;
    return new Promise<boolean>((resolve) => {
      const turn = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted);
      };
      const timer = setTimeout(() => {
        const i = gate.waiters.indexOf(turn);
        if (i >= 0) gate.waiters.splice(i, 1);
        resolve(false);
      }, maxWaitMs);
      if (first) gate.waiters.unshift(turn);
      else gate.waiters.push(turn);
    });
  }

  /** Hands the slot to the next waiter of this process, or frees it. */
  private leaveGate(accountId: string) {
    const g = this.gates.get(accountId);
    if (!g) return;
    const next = g.waiters.shift();
    if (next) next(true);
    else g.active = Math.max(0, g.active - 1);
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
