import type { QueryRunner } from 'typeorm';
import { ChannelAdapter, ChannelCapabilities, DeliverResult, DeliveryContext, ReconcileResult } from '@app/channels/channel-adapter';
import { startTestSystem, TestSystem, waitFor } from '@app/test/utils/test-system';
import { fakeCapabilities, RunnerBench } from './runner-fixtures';

/** An outside system that takes one call at a time per account and counts what it sees. */
class OneAtATime implements ChannelAdapter {
  capabilities: ChannelCapabilities;
  posts: string[] = [];
  inCall = 0;
  maxInCall = 0;
  /** Runs inside each call once it took effect or answered (a test holds the delivery's row here, or waits). */
  hook: (deliveryId: string, call: 'deliver' | 'reconcile') => Promise<void> = async () => undefined;

  constructor(type: string, reconcile = false) {
    this.capabilities = fakeCapabilities(type, { concurrency: 1 });
    if (reconcile) {
      this.reconcile = async (ctx) => {
        this.maxInCall = Math.max(this.maxInCall, ++this.inCall);
        try {
          await this.hook(ctx.deliveryId, 'reconcile');
          return this.posts.includes(ctx.deliveryId) ? { found: true, status: 'published', externalId: ctx.deliveryId } : { found: false };
        } finally {
          this.inCall--;
        }
      };
    }
  }

  reconcile?: (ctx: DeliveryContext) => Promise<ReconcileResult>;

  async validate() {
    return [];
  }
  async preview() {
    return { channelType: this.capabilities.type, problems: [] };
  }

  async deliver(ctx: DeliveryContext): Promise<DeliverResult> {
    this.maxInCall = Math.max(this.maxInCall, ++this.inCall);
    try {
      this.posts.push(ctx.deliveryId);
      await this.hook(ctx.deliveryId, 'deliver');
      return { status: 'published', externalId: ctx.deliveryId, externalUrl: `https://fake/${ctx.deliveryId}` };
    } finally {
      this.inCall--;
    }
  }
}

/**
 * The account's slot bounds the calls an outside system sees at once, not the engine's own writes: a
 * step gives its slot back as soon as its last outside call has answered, so the account's next
 * delivery goes out while the first one's publication is still being written (issue 17, workers that
 * add up: with the slot held through the write, a slow write stalled the whole account).
 */
describe('delivery engine: the account slot is given back after the last outside call', () => {
  let sys: TestSystem;
  let bench: RunnerBench;

  beforeAll(async () => {
    sys = await startTestSystem('slot-release', { worker: false });
    bench = new RunnerBench(sys);
    await bench.init();
  });
  afterAll(async () => {
    await sys?.close();
  });

  const runnerWith = (adapter: ChannelAdapter) => bench.runnerWith(adapter);
  const account = (type: string) => bench.account(type);
  const delivery = (accountId: string, type: string, state = 'pending') => bench.delivery(accountId, type, state);
  const states = async (ids: string[]) =>
    (await sys.ds.query(`SELECT id, state FROM deliveries WHERE id = ANY($1::uuid[])`, [ids])).map((r: { id: string; state: string }) => [r.id, r.state]);
  const ledger = async (ids: string[]) =>
    (await sys.ds.query(`SELECT count(*)::int AS n FROM publication_records WHERE delivery_id = ANY($1::uuid[])`, [ids]))[0].n as number;

  /** Holds the delivery's row (FOR UPDATE) from another session: its publication waits until `free`. */
  const hold = async (deliveryId: string) => {
    const qr: QueryRunner = sys.ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    await qr.query(`SELECT 1 FROM deliveries WHERE id = $1 FOR UPDATE`, [deliveryId]);
    return {
      free: async () => {
        await qr.commitTransaction();
        await qr.release();
      },
    };
  };

  /** Settles when the run settles or the outside system has the delivery's post, whichever comes first. */
  const postedOrSettled = async (fake: OneAtATime, run: Promise<unknown>, id: string) => {
    let settled = false;
    run.then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitFor(async () => settled || fake.posts.includes(id), 60_000, 'the run to settle or its post');
  };

  it('a second delivery of a concurrency-1 account goes out while the first one’s publication is still being written', async () => {
    const fake = new OneAtATime('slot1');
    const runner = runnerWith(fake);
    const acc = await account('slot1');
    const first = await delivery(acc, 'slot1');
    const second = await delivery(acc, 'slot1');
    let held: { free(): Promise<void> } | null = null;
    fake.hook = async (id) => {
      if (id === first) held = await hold(first);
    };
    const one = runner.run(first);
    await waitFor(async () => held !== null, 30_000);
    // the first step's outside call has answered; its publication waits on the row held above
    const two = runner.run(second);
    try {
      // with the slot kept until the write, the second run gives up waiting for it (done: false) instead
      await postedOrSettled(fake, two, second);
      expect(fake.posts).toEqual([first, second]);
      expect(await states([first])).toEqual([[first, 'processing']]);
    } finally {
      await held!.free();
    }
    expect(await Promise.all([one, two])).toEqual([{ done: true }, { done: true }]);
    // one call at a time at the outside system, each delivery published once
    expect(fake.maxInCall).toBe(1);
    expect(new Map(await states([first, second]))).toEqual(
      new Map([
        [first, 'published'],
        [second, 'published'],
      ]),
    );
    expect(await ledger([first, second])).toBe(2);
  });

  it('a reconcile that finds the post gives the slot back before its write; one that does not keeps it through the send', async () => {
    const fake = new OneAtATime('slot2', true);
    const runner = runnerWith(fake);
    const acc = await account('slot2');
    // an earlier call's outcome unknown, and it took effect: the outside system has the post
    const found = await delivery(acc, 'slot2', 'unconfirmed');
    fake.posts.push(found);
    const next = await delivery(acc, 'slot2');
    let held: { free(): Promise<void> } | null = null;
    fake.hook = async (id, call) => {
      if (id === found && call === 'reconcile') held = await hold(found);
    };
    const one = runner.run(found);
    await waitFor(async () => held !== null, 30_000);
    const two = runner.run(next);
    try {
      await postedOrSettled(fake, two, next);
      expect(fake.posts).toEqual([found, next]);
      expect(await states([found])).toEqual([[found, 'processing']]);
    } finally {
      await held!.free();
    }
    expect(await Promise.all([one, two])).toEqual([{ done: true }, { done: true }]);
    expect(await ledger([found, next])).toBe(2);

    // not found: the step sends after the reconcile, so the account's slot stays taken until the send answered;
    // the other delivery's run gives up waiting for it (comes back later) and never calls meanwhile
    const lost = await delivery(acc, 'slot2', 'unconfirmed');
    const after = await delivery(acc, 'slot2');
    let four: Promise<unknown> | null = null;
    fake.hook = async (id, call) => {
      if (id !== lost || call !== 'deliver') return;
      await waitFor(async () => four !== null, 30_000);
      await postedOrSettled(fake, four!, after);
    };
    const three = runner.run(lost);
    await waitFor(async () => fake.posts.includes(lost), 30_000);
    four = runner.run(after);
    const [r3, r4] = await Promise.all([three, four]);
    expect(r3).toEqual({ done: true });
    expect(r4).toMatchObject({ done: false });
    expect(fake.posts).toEqual([found, next, lost]);
    expect(fake.maxInCall).toBe(1);
  });
});
