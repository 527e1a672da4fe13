import {
  AdapterAccount,
  ChannelAdapter,
  ChannelCapabilities,
  CredentialsError,
  DeliverResult,
  DeliveryContext,
  ReconcileResult,
  RetryableError,
  UnknownOutcomeError,
} from '@app/channels/channel-adapter';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';
import { eventsOf } from './engine-helpers';
import { unscheduledDeliveries } from './engine-invariants';
import { fakeCapabilities, RunnerBench } from './runner-fixtures';

/** An outside system in memory, with an adapter whose behaviour each test scripts. */
class FakeOutside {
  uploads = 0;
  posts: { deliveryId: string; id: string }[] = [];
  inDeliver = 0;
  maxInDeliver = 0;
  deliverAt: number[] = [];
}

class FakeAdapter implements ChannelAdapter {
  capabilities: ChannelCapabilities;
  outside = new FakeOutside();
  /** Runs inside deliver after the checkpointed upload; may throw. */
  beforePost: (ctx: DeliveryContext) => Promise<void> = async () => undefined;
  refreshed = 0;
  reconcile?: (ctx: DeliveryContext) => Promise<ReconcileResult>;
  holdMs = 0;

  constructor(type: string, o: { reconcile?: boolean; concurrency?: number; reportRow?: ChannelCapabilities['reportRow']; newMedia?: boolean } = {}) {
    this.capabilities = fakeCapabilities(type, o);
    if (o.reconcile !== false) {
      this.reconcile = async (ctx) => {
        const p = this.outside.posts.find((x) => x.deliveryId === ctx.deliveryId);
        return p ? { found: true, status: 'published', externalId: p.id, externalUrl: `https://fake/${p.id}` } : { found: false };
      };
    }
  }

  async validate() {
    return [];
  }
  async preview() {
    return { channelType: this.capabilities.type, problems: [] };
  }

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    this.outside.inDeliver++;
    this.outside.maxInDeliver = Math.max(this.outside.maxInDeliver, this.outside.inDeliver);
    this.outside.deliverAt.push(Date.now());
    try {
      if (this.holdMs) await new Promise((r) => setTimeout(r, this.holdMs));
      // Step 1 (checkpointed): an upload that must never be repeated.
      if (!ctx.checkpoint.mediaId) {
        this.outside.uploads++;
        await ctx.saveCheckpoint({ mediaId: `m${this.outside.uploads}` });
      }
      await this.beforePost(ctx);
      // Step 2: the post.
      const id = `p${this.outside.posts.length + 1}`;
      this.outside.posts.push({ deliveryId: ctx.deliveryId, id });
      await ctx.logAttempt({ call: 'POST /fake', response: id });
      return { status: 'published', externalId: id, externalUrl: `https://fake/${id}` };
    } finally {
      this.outside.inDeliver--;
    }
  }

  async refreshCredentials(_a: AdapterAccount) {
    this.refreshed++;
  }
}

/**
 * The runner's contract with adapters, with scripted outside systems: checkpoints, fencing of a
 * worker whose lease was taken over, reconcile-before-resend, refresh-once, the retry budget, per-account
 * concurrency and rate limits, and what a withdrawal does where the channel cannot withdraw.
 */
describe('delivery runner contract', () => {
  let sys: TestSystem;
  let bench: RunnerBench;

  beforeAll(async () => {
    sys = await startTestSystem('runner', { worker: false });
    bench = new RunnerBench(sys);
    await bench.init();
  });
  afterAll(async () => {
    await sys?.close();
  });

  const runnerWith = (...adapters: ChannelAdapter[]) => bench.runnerWith(...adapters);
  const account = (type: string, settings: Record<string, unknown> = {}) => bench.account(type, settings);
  const delivery = (accountId: string, type: string) => bench.delivery(accountId, type);

  const row = async (id: string) => (await sys.ds.query(`SELECT * FROM deliveries WHERE id = $1`, [id]))[0];
  const dueNow = (id: string) => sys.ds.query(`UPDATE deliveries SET next_attempt_at = NULL WHERE id = $1`, [id]);
  const ledger = async (id: string) => (await sys.ds.query(`SELECT * FROM publication_records WHERE delivery_id = $1`, [id])) as unknown[];

  it('resumes after the last checkpoint: a step that took effect is never repeated', async () => {
    const fake = new FakeAdapter('fake1');
    let failOnce = true;
    fake.beforePost = async () => {
      if (failOnce) {
        failOnce = false;
        throw new RetryableError('BUSY', 'busy');
      }
    };
    const runner = runnerWith(fake);
    const acc = await account('fake1');
    const id = await delivery(acc, 'fake1');
    expect((await runner.run(id)).done).toBe(false);
    expect((await row(id)).state).toBe('pending');
    expect((await row(id)).checkpoint).toEqual({ mediaId: 'm1' });
    await dueNow(id);
    expect(await runner.run(id)).toEqual({ done: true });
    expect(fake.outside.uploads).toBe(1);
    expect(fake.outside.posts).toHaveLength(1);
    expect((await row(id)).state).toBe('published');
    const kinds = (await eventsOf(sys, id)).map((e) => e.kind);
    expect(kinds).toEqual(['checkpoint', 'error', 'state', 'attempt', 'state']);
  });

  it('a publication writes its ledger row with the channel’s statistics row and 政务新媒体 flag (the adapter’s capabilities)', async () => {
    const runner = runnerWith(new FakeAdapter('fake-nm', { reportRow: 'wechat', newMedia: true }), new FakeAdapter('fake-plain'));
    const a = await delivery(await account('fake-nm'), 'fake-nm');
    const b = await delivery(await account('fake-plain'), 'fake-plain');
    expect(await runner.run(a)).toEqual({ done: true });
    expect(await runner.run(b)).toEqual({ done: true });
    const [la] = (await ledger(a)) as { report_row: string; new_media: boolean; channel_type: string }[];
    const [lb] = (await ledger(b)) as { report_row: string; new_media: boolean }[];
    expect(la).toMatchObject({ channel_type: 'fake-nm', report_row: 'wechat', new_media: true });
    expect(lb).toMatchObject({ report_row: 'other', new_media: false });
  });

  it('a worker whose lease was taken over cannot record anything; the new owner reconciles first', async () => {
    const fake = new FakeAdapter('fake2');
    const runner = runnerWith(fake);
    const acc = await account('fake2');
    const id = await delivery(acc, 'fake2');
    // Worker A claims and "hangs" (as if stopped in a debugger or partitioned away) after posting.
    const a = await runner.claim(id);
    if (!a || 'notDueUntil' in a) throw new Error('not claimed');
    fake.outside.posts.push({ deliveryId: id, id: 'pA' });
    // Its lease runs out; worker B takes over and must not post again.
    await sys.ds.query(`UPDATE deliveries SET lease_until = now() - interval '1 second' WHERE id = $1`, [id]);
    expect(await runner.run(id)).toEqual({ done: true });
    expect(fake.outside.posts).toHaveLength(1);
    const r = await row(id);
    expect(r.state).toBe('published');
    expect(r.external_id).toBe('pA');
    // A wakes up and tries to record its publication with its stale token: refused, ledger unchanged.
    const snapshot = (await sys.ds.query(`SELECT snapshot FROM item_versions WHERE id = $1`, [a.d.itemVersionId]))[0].snapshot;
    expect(await runner.markPublished(a.d, snapshot, 'pA', 'https://fake/pA', new Date(), { token: a.token })).toBe(false);
    expect(await ledger(id)).toHaveLength(1);
    expect((await eventsOf(sys, id)).some((e) => e.kind === 'reconcile')).toBe(true);
  });

  it('a claim is refused while another worker holds a live lease, and comes back when it expires', async () => {
    const fake = new FakeAdapter('fake3');
    const runner = runnerWith(fake);
    const acc = await account('fake3');
    const id = await delivery(acc, 'fake3');
    const a = await runner.claim(id);
    expect(a && !('notDueUntil' in a)).toBe(true);
    const b = await runner.run(id);
    expect(b.done).toBe(false);
    // The live lease (lease-heartbeat.ts: ≤ 10 s, renewed by its holder's heartbeat), not DELIVERY_LEASE_SECONDS.
    if (!b.done) expect(b.runAt.getTime()).toBeGreaterThan(Date.now() + 5_000);
    if (!b.done) expect(b.runAt.getTime()).toBeLessThanOrEqual(Date.now() + 10_500);
    expect(fake.outside.posts).toHaveLength(0);
  });

  it('an unknown outcome on a channel that cannot be asked is never resent: a person checks (待人工核实), not failed', async () => {
    const fake = new FakeAdapter('fake4', { reconcile: false });
    fake.beforePost = async () => {
      throw new UnknownOutcomeError('ETIMEDOUT', 'timed out after sending');
    };
    const runner = runnerWith(fake);
    const acc = await account('fake4');
    const id = await delivery(acc, 'fake4');
    await runner.run(id);
    expect((await row(id)).state).toBe('unconfirmed');
    await dueNow(id);
    const waits = await runner.run(id);
    expect(waits.done).toBe(false);
    const r = await row(id);
    expect(r.state).toBe('unconfirmed');
    expect(r.checkpoint.manualCheck).toBe(true);
    expect(r.last_error_code).toBe('UNCONFIRMED_NO_RECONCILE');
    expect(r.last_error_message).toContain('待人工核实');
    expect(r.last_error_message).toContain('标记为已发布');
    expect(fake.outside.posts).toHaveLength(0);
  });

  it('refreshable credentials: refreshed once and the step runs again; the account stays active', async () => {
    const fake = new FakeAdapter('fake5');
    let first = true;
    fake.beforePost = async () => {
      if (first) {
        first = false;
        throw new CredentialsError('TOKEN_EXPIRED', 'access token expired', true);
      }
    };
    const runner = runnerWith(fake);
    const acc = await account('fake5');
    const id = await delivery(acc, 'fake5');
    expect(await runner.run(id)).toEqual({ done: true });
    expect(fake.refreshed).toBe(1);
    expect((await row(id)).state).toBe('published');
    expect((await sys.ds.query(`SELECT status FROM channel_accounts WHERE id = $1`, [acc]))[0].status).toBe('active');
  });

  it('the retry budget: a delivery that keeps failing ends failed with the count and the last message', async () => {
    const fake = new FakeAdapter('fake6');
    fake.beforePost = async () => {
      throw new RetryableError('BUSY', '系统繁忙');
    };
    const runner = runnerWith(fake);
    const acc = await account('fake6');
    const id = await delivery(acc, 'fake6');
    for (let i = 0; i < 7; i++) {
      expect((await runner.run(id)).done).toBe(false);
      await dueNow(id);
    }
    expect(await runner.run(id)).toEqual({ done: true });
    const r = await row(id);
    expect(r.state).toBe('failed');
    expect(r.attempts).toBe(8);
    expect(r.last_error_message).toBe('重试8次后仍失败：系统繁忙');
    expect(fake.outside.uploads).toBe(1);
  });

  it('per-account concurrency: at most the declared number of calls at once per account, accounts independent', async () => {
    const fake = new FakeAdapter('fake7', { concurrency: 2 });
    fake.holdMs = 250;
    const runner = runnerWith(fake);
    const acc1 = await account('fake7');
    const ids1 = await Promise.all(Array.from({ length: 6 }, () => delivery(acc1, 'fake7')));
    let outcomes = await Promise.all(ids1.map((id) => runner.run(id)));
    // Those that could not get a slot within the local wait come back later; run them again.
    for (let round = 0; round < 5 && outcomes.some((o) => !o.done); round++) {
      outcomes = await Promise.all(ids1.map((id) => runner.run(id)));
    }
    expect(fake.outside.maxInDeliver).toBe(2);
    expect(fake.outside.posts).toHaveLength(6);

    // Two accounts: 2 + 2 at once.
    const acc2 = await account('fake7');
    const acc3 = await account('fake7');
    fake.outside.maxInDeliver = 0;
    const ids = await Promise.all([acc2, acc2, acc3, acc3].map((a) => delivery(a, 'fake7')));
    await Promise.all(ids.map((id) => runner.run(id)));
    expect(fake.outside.maxInDeliver).toBe(4);
  });

  it('per-account rate limit from the account settings: no more calls in a window than allowed', async () => {
    const fake = new FakeAdapter('fake8');
    const runner = runnerWith(fake);
    const acc = await account('fake8', { rateLimit: { max: 2, durationMs: 1000 } });
    const ids = await Promise.all(Array.from({ length: 5 }, () => delivery(acc, 'fake8')));
    // The first step's own work before its outside call is slow (as on a loaded machine: the claim and
    // the reads before the call). Counted when the slot was taken, two more calls would then reach the
    // outside system less than a window after that slow one; counted at the call, they cannot.
    // the step's reads before the call happen in its context (delivery-context.ts)
    const r = (runner as unknown as { contexts: { context(...a: unknown[]): Promise<unknown> } }).contexts;
    const context = r.context.bind(r);
    let slow = true;
    r.context = async (...a: unknown[]) => {
      if (slow) {
        slow = false;
        await new Promise((res) => setTimeout(res, 250));
      }
      return context(...a);
    };
    let pending = ids;
    // like the queue: a step told to come back later is run again then (a loaded machine may need several rounds)
    for (let round = 0; round < 40 && pending.length; round++) {
      const res = await Promise.all(pending.map(async (id) => [id, await runner.run(id)] as const));
      const later = res.filter(([, o]) => !o.done);
      pending = later.map(([id]) => id);
      const until = Math.min(...later.map(([, o]) => (o.done ? Infinity : o.runAt.getTime())));
      if (Number.isFinite(until)) await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    }
    expect(pending).toHaveLength(0);
    const at = fake.outside.deliverAt.slice(-5).sort((x, y) => x - y);
    for (let i = 2; i < at.length; i++) expect(at[i] - at[i - 2]).toBeGreaterThanOrEqual(990);
  });

  it('withdrawal on a channel that cannot take it back: stays published with the reason, for the operator', async () => {
    const fake = new FakeAdapter('fake9');
    const runner = runnerWith(fake);
    const acc = await account('fake9');
    const id = await delivery(acc, 'fake9');
    await runner.run(id);
    await sys.ds.query(`UPDATE deliveries SET state = 'withdrawing' WHERE id = $1`, [id]);
    expect(await runner.runWithdraw(id)).toEqual({ done: true });
    const r = await row(id);
    expect(r.state).toBe('published');
    expect(r.last_error_code).toBe('WITHDRAW_UNSUPPORTED');
    expect(r.last_error_message).toContain('标记为已撤回');
    expect((await eventsOf(sys, id)).some((e) => e.kind === 'withdraw_unsupported')).toBe(true);
  });

  it('withdrawal of a delivery that never got out cancels it (looked up first)', async () => {
    const fake = new FakeAdapter('fake10');
    const runner = runnerWith(fake);
    const acc = await account('fake10');
    const id = await delivery(acc, 'fake10');
    await sys.ds.query(`UPDATE deliveries SET state = 'withdrawing' WHERE id = $1`, [id]);
    expect(await runner.runWithdraw(id)).toEqual({ done: true });
    expect((await row(id)).state).toBe('cancelled');
    // ... but one that did get out (the answer was lost) is recorded, then taken back where possible.
    const id2 = await delivery(acc, 'fake10');
    fake.outside.posts.push({ deliveryId: id2, id: 'px' });
    await sys.ds.query(`UPDATE deliveries SET state = 'withdrawing' WHERE id = $1`, [id2]);
    await runner.runWithdraw(id2);
    const r2 = await row(id2);
    expect(r2.external_id).toBe('px');
    expect(r2.state).toBe('published'); // fake cannot withdraw: left for the operator
    expect(await ledger(id2)).toHaveLength(1);
  });

  it('leaves every delivery that is not final with the time of its next step (issue 13 invariant)', async () => {
    expect(await unscheduledDeliveries(sys.ds)).toEqual([]);
  });
});
