import * as net from 'net';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { AttemptLog, ChannelError, DeliveryContext } from '@app/channels/channel-adapter';
import { TestchanAdapter } from '@app/channels/testchan/testchan.adapter';

/** The test channel adapter against the simulator: every answer maps to its typed outcome. */
describe('TestchanAdapter', () => {
  let sim: ChannelSim;
  const adapter = new TestchanAdapter();
  let n = 0;

  beforeAll(async () => {
    sim = await startChannelSim();
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => sim.faults.clear());

  function ctx(o: { token?: string; baseUrl?: string; externalId?: string | null; settings?: Record<string, unknown> } = {}) {
    const logs: AttemptLog[] = [];
    const c: DeliveryContext = {
      deliveryId: `d-${++n}`,
      attempt: 1,
      version: { itemId: 'i1', versionNo: 1, title: '关于开展安全检查的通知', summary: '安全检查安排', bodyHtml: '<p>正文</p>' } as ItemSnapshot,
      versionId: 'v1',
      account: {
        id: 'a1',
        organisationId: 'o1',
        name: 't',
        baseUrl: o.baseUrl ?? `${sim.url}/testchan`,
        settings: o.settings ?? {},
        credentials: { token: o.token ?? `tok-${n}` },
      },
      checkpoint: {},
      saveCheckpoint: async () => undefined,
      logAttempt: async (e) => void logs.push(e),
      portalUrl: 'https://www.sfx.gov.cn/articles/i1.html',
      externalId: o.externalId ?? null,
      externalUrl: null,
    };
    return { c, logs };
  }

  async function outcome(p: Promise<unknown>): Promise<{ kind: string; code: string; retryAfterMs?: number; refreshable?: boolean } | 'ok'> {
    try {
      await p;
      return 'ok';
    } catch (e) {
      if (!(e instanceof ChannelError)) throw e;
      return { kind: e.kind, code: e.code, retryAfterMs: (e as any).retryAfterMs, refreshable: (e as any).refreshable };
    }
  }

  it('publishes at once, with the portal link in the text, and logs the call', async () => {
    const { c, logs } = ctx();
    const r = await adapter.deliver(c);
    expect(r).toMatchObject({ status: 'published', externalId: expect.stringMatching(/^tc_/) });
    const rec = sim.records.list({ system: 'testchan', account: c.account.credentials.token })[0];
    expect(rec.meta?.ref).toBe(c.deliveryId);
    expect(rec.text).toContain('https://www.sfx.gov.cn/articles/i1.html');
    expect(logs[0]).toMatchObject({ call: 'POST /posts', response: expect.stringContaining('HTTP 200') });
  });

  it('async tokens: accepted, confirmed later; reconcile finds it', async () => {
    const { c } = ctx({ token: `async-${n}`, settings: { pollAfterMs: 50 } });
    const r = await adapter.deliver(c);
    expect(r).toMatchObject({ status: 'awaiting_confirmation', pollAfterMs: 50 });
    c.externalId = (r as { externalId: string }).externalId;
    expect(await adapter.confirm(c)).toEqual({ status: 'pending', pollAfterMs: 50 });
    expect(await adapter.reconcile(c)).toMatchObject({ found: true, status: 'pending' });
    await sim.records.waitFor((x) => x.externalId === c.externalId, 3000);
    expect(await adapter.confirm(c)).toMatchObject({ status: 'published', externalId: c.externalId });
    expect(await adapter.reconcile(c)).toMatchObject({ found: true, status: 'published', externalId: c.externalId });
  });

  it('maps refusals: 401 credentials (refreshable), 429 rate limited with the window, 400 permanent, 503 retryable', async () => {
    const t = `tok-x${n}`;
    for (const [error, expected] of [
      ['invalid_token', { kind: 'credentials', code: 'invalid_token', refreshable: true }],
      ['rate_limited', { kind: 'rate_limited', code: 'rate_limited', retryAfterMs: 1000 }],
      ['bad_request', { kind: 'permanent', code: 'bad_request' }],
      ['busy', { kind: 'retryable', code: 'busy' }],
    ] as const) {
      sim.faults.add({ system: 'testchan', account: t, error, count: 1 });
      expect(await outcome(adapter.deliver(ctx({ token: t }).c))).toMatchObject(expected);
    }
    expect(sim.records.list({ system: 'testchan', account: t })).toHaveLength(0);
  });

  it('a lost answer on a post is an unknown outcome; on a lookup it is only retryable', async () => {
    const t = `tok-y${n}`;
    sim.faults.add({ system: 'testchan', account: t, method: 'POST', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    const { c } = ctx({ token: t });
    expect(await outcome(adapter.deliver(c))).toMatchObject({ kind: 'unknown' });
    expect(sim.records.list({ system: 'testchan', account: t })).toHaveLength(1); // it did take effect
    expect(await adapter.reconcile(c)).toMatchObject({ found: true, status: 'published' });
    sim.faults.add({ system: 'testchan', account: t, method: 'GET', error: 'reset', count: 1 });
    expect(await outcome(adapter.reconcile(c))).toMatchObject({ kind: 'retryable' });
    // A hung answer past the account's timeout: unknown as well.
    sim.faults.add({ system: 'testchan', account: t, method: 'POST', timeoutAfterEffect: { mode: 'hang', holdMs: 2000 }, count: 1 });
    expect(await outcome(adapter.deliver(ctx({ token: t, settings: { timeoutMs: 200 } }).c))).toMatchObject({ kind: 'unknown', code: 'ETIMEDOUT' });
  });

  it('nothing listening: retryable (the request never left)', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    expect(await outcome(adapter.deliver(ctx({ baseUrl: `http://127.0.0.1:${port}/testchan` }).c))).toMatchObject({ kind: 'retryable', code: 'ECONNREFUSED' });
  });

  it('withdraws; repeating a withdrawal whose answer was lost is still success', async () => {
    const { c } = ctx();
    const r = (await adapter.deliver(c)) as { externalId: string };
    c.externalId = r.externalId;
    await adapter.withdraw(c);
    expect(sim.records.list({ system: 'testchan', externalId: r.externalId })[0].deleted).toBe(true);
    await expect(adapter.withdraw(c)).resolves.toBeUndefined();
  });

  it('reconcile ignores failed and deleted posts (a resend is then safe)', async () => {
    const t = `async-z${n}`;
    sim.testchan.failNextAsync(1);
    const { c } = ctx({ token: t });
    const r = (await adapter.deliver(c)) as { externalId: string };
    c.externalId = r.externalId;
    await new Promise((res) => setTimeout(res, 500));
    expect(await outcome(adapter.confirm(c))).toMatchObject({ kind: 'permanent', code: 'PUBLISH_FAILED' });
    expect(await adapter.reconcile(c)).toEqual({ found: false });
  });
});
