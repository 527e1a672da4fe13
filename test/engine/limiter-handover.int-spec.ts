import { randomBytes, randomUUID } from 'crypto';
import IORedis from 'ioredis';
import { AccountLimiter, AccountLimits } from '@app/channels/engine/account-limiter.service';
import type { AppConfig } from '@app/common/config/app-config';

/**
 * Issue 17.3: a slot given back is handed to the caller whose turn it is in the release's own round
 * trip (account-limiter.scripts.ts, RELEASE), whichever process it is in, instead of that caller being
 * woken to ask Redis again. Each AccountLimiter here stands for a process (its own gate and Redis
 * connections) on the real Redis. The hand-over keeps every limit: nothing is handed while the account
 * is paused or its rate window is full, a caller that died after being handed a slot holds it only
 * until the slot's own expiry, and a caller that gives up takes the slot it was handed.
 */
describe('account slots handed over on release', () => {
  const prefix = `handover-${randomBytes(4).toString('hex')}`;
  const config = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', QUEUE_PREFIX: prefix } as AppConfig;
  const a = new AccountLimiter(config);
  const b = new AccountLimiter(config);
  const c = new AccountLimiter(config);

  afterAll(async () => {
    for (const lim of [a, b, c]) await lim.onApplicationShutdown();
    const r = new IORedis(config.REDIS_URL!);
    const keys = await r.keys(`${prefix}:*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  /** Resolves once `cond` holds, checking every 10 ms (no fixed sleeps). */
  async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 20_000) {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The account's queue of waiting tickets (Redis). */
  async function queued(account: string): Promise<number> {
    const r = new IORedis(config.REDIS_URL!);
    try {
      return await r.zcard(`${prefix}:acct:${account}:queue`);
    } finally {
      r.disconnect();
    }
  }

  const one: AccountLimits = { concurrency: 1 };

  it('the other process’s waiting caller is handed the slot in the release’s own round trip', async () => {
    const account = randomUUID();
    const held = await a.acquire(account, one, 5_000);
    expect(held.ok).toBe(true);
    const waiting = b.acquire(account, one, 5_000, 10_000);
    await until(async () => (await queued(account)) === 1, 'b to queue');
    await a.release(account, (held as { token: string }).token);
    // as the release answers, the slot is already b's and its ticket out of the queue (before: b was
    // only told, and took the slot with an ask of its own after waking)
    expect(await a.inFlight(account)).toBe(1);
    expect(await queued(account)).toBe(0);
    const got = await waiting;
    expect(got.ok).toBe(true);
    await b.release(account, (got as { token: string }).token);
    expect(await a.inFlight(account)).toBe(0);
  });

  it('a release’s message goes only to the process whose caller it names, and none for the releaser’s own', async () => {
    const account = randomUUID();
    const heard: { channel: string; message: string }[] = [];
    const sub = new IORedis(config.REDIS_URL!);
    try {
      sub.on('pmessage', (_p: string, channel: string, message: string) => heard.push({ channel, message }));
      await sub.psubscribe(`${prefix}:acct-freed*`);
      // an account of two slots, one held by each process
      const two: AccountLimits = { concurrency: 2 };
      const held = await a.acquire(account, two, 5_000);
      const other = await b.acquire(account, two, 5_000);
      expect(held.ok && other.ok).toBe(true);
      // the releaser's own waiter (in the account's queue): handed the slot through the release's answer, no message
      const own = a.acquire(account, two, 5_000, 10_000);
      await until(async () => (await queued(account)) === 1, 'a’s second caller to queue');
      await a.release(account, (held as { token: string }).token);
      const second = await own;
      expect(second.ok).toBe(true);
      expect(heard).toHaveLength(0);
      // another process's waiter: one message, on that process's channel, naming its ticket as handed
      const waiting = b.acquire(account, two, 5_000, 10_000);
      await until(async () => (await queued(account)) === 1, 'b’s second caller to queue');
      await a.release(account, (second as { token: string }).token);
      const got = await waiting;
      expect(got.ok).toBe(true);
      await until(() => heard.length > 0, 'the message');
      expect(heard).toHaveLength(1);
      const token = (got as { token: string }).token;
      expect(heard[0].message).toBe(`${account} +${token}`);
      expect(heard[0].channel).toBe(`${prefix}:acct-freed:${token.split('.')[0]}`);
      await b.release(account, token);
      await b.release(account, (other as { token: string }).token);
      expect(heard).toHaveLength(1);
    } finally {
      sub.disconnect();
    }
  });

  it('nothing is handed over while the account is paused: the caller waits the pause out', async () => {
    const account = randomUUID();
    const held = await a.acquire(account, one, 5_000);
    const waiting = b.acquire(account, one, 5_000, 10_000);
    await until(async () => (await queued(account)) === 1, 'b to queue');
    await a.pause(account, 600, 'test');
    await a.release(account, (held as { token: string }).token);
    expect(await a.inFlight(account)).toBe(0);
    expect((await a.pauses([account])).has(account)).toBe(true);
    const got = await waiting;
    expect(got.ok).toBe(true);
    // it took its slot only once the pause was over
    expect((await a.pauses([account])).has(account)).toBe(false);
    await b.release(account, (got as { token: string }).token);
  });

  it('nothing is handed over while the rate window is full: the caller waits for the window', async () => {
    const account = randomUUID();
    const limits: AccountLimits = { concurrency: 1, rateLimit: { max: 1, durationMs: 800 } };
    const held = await a.acquire(account, limits, 5_000);
    const firstAt = Date.now();
    const waiting = b.acquire(account, limits, 5_000, 10_000);
    await until(async () => (await queued(account)) === 1, 'b to queue');
    await a.release(account, (held as { token: string }).token);
    expect(await a.inFlight(account)).toBe(0);
    const got = await waiting;
    expect(got.ok).toBe(true);
    // the second call of the window came no sooner than the window allows (a lower bound: a slow machine only widens it)
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(800 - 50);
    await b.release(account, (got as { token: string }).token);
  });

  it('a slot handed to a caller that died frees at its own expiry', async () => {
    const account = randomUUID();
    const held = await a.acquire(account, one, 1_000);
    // a caller of a process that then died: its ticket is in the queue, nobody will take what it is handed
    const dead = randomUUID();
    expect((await c.tryAcquire(account, one, 1_000, { token: dead })).ok).toBe(false);
    await a.release(account, (held as { token: string }).token);
    expect(await a.inFlight(account)).toBe(1);
    // the next caller gets the slot once the handed one expires (1 s), not after a lease or never
    const got = await b.acquire(account, one, 5_000, 10_000);
    expect(got.ok).toBe(true);
    expect((got as { token: string }).token).not.toBe(dead);
    await b.release(account, (got as { token: string }).token);
  });

  it('a caller that gives up after being handed a slot keeps it; one that was not handed one leaves', async () => {
    const account = randomUUID();
    const held = await a.acquire(account, one, 5_000);
    const tickets = [randomUUID(), randomUUID()];
    for (const t of tickets) await c.tryAcquire(account, one, 5_000, { token: t });
    await a.release(account, (held as { token: string }).token);
    // the first in the queue was handed the slot (two tickets queued in the same millisecond rank by
    // their names, so which one is read back from Redis rather than assumed)
    const r = new IORedis(config.REDIS_URL!);
    const holders = await r.zrange(`${prefix}:acct:${account}:inflight`, 0, -1).finally(() => r.disconnect());
    expect(holders).toHaveLength(1);
    expect(tickets).toContain(holders[0]);
    const [handed, other] = holders[0] === tickets[0] ? tickets : [tickets[1], tickets[0]];
    // the give-up path of acquire (its wait ran out): LEAVE tells it whether a release handed it a slot
    const leave = (c as unknown as { leaveQueue(acc: string, t: string): Promise<boolean> }).leaveQueue.bind(c);
    expect(await leave(account, handed)).toBe(true);
    expect(await leave(account, other)).toBe(false);
    expect(await queued(account)).toBe(0);
    await c.release(account, handed);
    expect(await a.inFlight(account)).toBe(0);
  });
});
