import IORedis from 'ioredis';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { DeliveryRunner } from '@app/channels/engine/delivery-runner.service';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { createTestchanAccount, deliveryFor, eventsOf, ledgerOf, publishItem, waitSettled } from './engine-helpers';
import { unscheduledDeliveries } from './engine-invariants';

/**
 * Postgres is the truth, Redis only wakes workers up: the suite's queues are wiped (every key of its
 * BullMQ prefix — the shared Redis is never flushed), leases of "dead" workers expire, and a worker
 * shutting down drains what it is doing. The chaos suite does the same under load with its own Redis.
 */
describe('delivery engine: recovery', () => {
  let sim: ChannelSim, sys: TestSystem;
  let redis: IORedis;
  let n = 0;
  const token = () => `rec-${++n}-${Math.random().toString(36).slice(2, 8)}`;
  const recordsFor = (tok: string) => sim.records.list({ system: 'testchan', account: tok });

  /** Everything the suite had in Redis is gone (its queues, jobs, limiter and metrics keys). */
  async function wipeQueues(): Promise<number> {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${sys.config.QUEUE_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) removed += await redis.del(...keys);
    } while (cursor !== '0');
    return removed;
  }

  startChannelSuite(
    'recovery',
    { simUrl: false, system: { worker: false, overrides: { DELIVERY_LEASE_SECONDS: 5 } }, beforeClose: () => redis?.disconnect() },
    (s) => ({ sim, sys } = s),
  );
  beforeAll(async () => {
    redis = new IORedis(sys.config.REDIS_URL!);
  });
  afterEach(async () => {
    sim.faults.clear();
    await sys.stopWorker();
  });

  it('Redis loses every job: the sweeper at worker start re-enqueues from Postgres; each published once', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'wiped', tok);
    const portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await publishItem(sys, [acc, portal]));
    expect(await wipeQueues()).toBeGreaterThan(0);
    await sys.startWorker();
    for (const id of ids) expect((await waitSettled(sys, id, 30_000)).map((d) => d.state)).toEqual(['published', 'published']);
    expect(recordsFor(tok)).toHaveLength(5);
    expect(new Set(recordsFor(tok).map((r) => r.meta?.ref)).size).toBe(5);
  });

  it('a worker died after its post took effect: the lease expires, the sweeper reclaims, reconcile finds the post', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'dead-worker', tok);
    const id = await publishItem(sys, [acc]);
    const d = await deliveryFor(sys, id, acc);
    // The "dead" worker: it claimed the delivery and posted, then vanished with its job.
    const runner = sys.api.get(DeliveryRunner);
    const claim = await runner.claim(d.id);
    expect(claim && !('notDueUntil' in claim)).toBe(true);
    const post = await fetch(`${sim.url}/testchan/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: d.id, title: 't', text: 'x' }),
    });
    expect(post.status).toBe(200);
    await wipeQueues();
    expect((await deliveryFor(sys, id, acc)).state).toBe('processing');
    await sys.startWorker();
    const [after] = await waitSettled(sys, id, 30_000);
    expect(after.state).toBe('published');
    expect(after.external_id).toBe((await post.json()).id);
    expect(recordsFor(tok)).toHaveLength(1);
    expect((await eventsOf(sys, d.id)).filter((e) => e.kind === 'reconcile')).toHaveLength(1);
    expect(await ledgerOf(sys, id)).toHaveLength(1);
  });

  it('a scheduled publication survives losing its delayed job', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'scheduled', tok);
    const at = new Date(Date.now() + 4000);
    const id = await publishItem(sys, [acc], { publishAt: at.toISOString() });
    await wipeQueues();
    await sys.startWorker();
    await waitSettled(sys, id, 30_000);
    const recs = recordsFor(tok);
    expect(recs).toHaveLength(1);
    expect(new Date(recs[0].at).getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('graceful shutdown lets the call in flight finish and record its outcome', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'drain', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, latencyMs: 1500 });
    await sys.startWorker();
    const id = await publishItem(sys, [acc]);
    await waitFor(async () => (await deliveryFor(sys, id, acc)).state === 'processing', 10_000, 'in flight');
    const started = Date.now();
    await sys.stopWorker();
    expect(Date.now() - started).toBeGreaterThan(500); // it waited for the job
    const d = await deliveryFor(sys, id, acc);
    expect(d.state).toBe('published');
    expect(recordsFor(tok)).toHaveLength(1);
  });

  it('leaves every delivery that is not final with the time of its next step (issue 13 invariant)', async () => {
    expect(await unscheduledDeliveries(sys.ds)).toEqual([]);
  });
});
