import type { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { createTestchanAccount, publishItem } from './engine-helpers';
import { unscheduledDeliveries } from './engine-invariants';

/**
 * Issue 13, points 9 and 11: an unknown outcome is bounded by time (checks back off, their events are
 * coalesced, and at the give-up time a person takes over — 待人工核实 — never `failed`), and a rate limit
 * met while reconciling leaves the delivery scheduled and the account shown paused with the reason and
 * the time it resumes.
 */
describe('delivery engine: unknown outcomes and paused accounts', () => {
  let sim: ChannelSim, sys: TestSystem, operator: AxiosInstance;
  let seq = 0;

  startChannelSuite(
    'unknown-outcome',
    {
      users: ['operator'],
      beforeClose: async () => {
        if (sys) expect(await unscheduledDeliveries(sys.ds)).toEqual([]);
      },
    },
    (s) =>
      ({
        sim,
        sys,
        users: { operator },
      } = s),
  );
  afterEach(() => sim.faults.clear());

  const row = async (itemId: string) => (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [itemId]))[0];

  it('a lost answer whose lookups keep failing: checks back off, one coalesced row per kind of check, then 待人工核实 (never failed, never resent)', async () => {
    const tok = `unknown-${++seq}-${Date.now().toString(36)}`;
    const acc = await createTestchanAccount(sys, sim.url, `结果未知${seq}`, tok, { timeoutMs: 2000, unknownGiveUpMs: 6000 });
    sim.faults.add({ system: 'testchan', account: tok, path: '/posts', method: 'POST', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    sim.faults.add({ system: 'testchan', account: tok, path: '/posts', method: 'GET', error: 503 });
    const itemId = await publishItem(sys, [acc]);
    const d = await waitFor(
      async () => {
        const r = await row(itemId);
        return r && (r.checkpoint?.manualCheck || ['failed', 'published'].includes(r.state)) ? r : null;
      },
      40_000,
      'the delivery handed to a person',
    );
    expect(d.state).toBe('unconfirmed');
    expect(d.checkpoint.manualCheck).toBe(true);
    expect(d.last_error_code).toBe('UNCONFIRMED_GIVE_UP');
    expect(d.last_error_message).toContain('待人工核实');
    expect(d.last_error_message).toContain('不会自动重发');
    // Looked up again once a day, in case the channel can tell by then; nothing is sent again.
    expect(new Date(d.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 3600_000);
    expect(sim.records.list({ system: 'testchan', account: tok })).toHaveLength(1);
    const ev: { kind: string; call: string | null; error_code: string | null; count: number; last_at: Date | null }[] = await sys.ds.query(
      `SELECT kind, call, error_code, count, last_at FROM delivery_events WHERE delivery_id = $1 ORDER BY id`,
      [d.id],
    );
    const checkErrors = ev.filter((e) => e.kind === 'error' && e.call === 'reconcile');
    // Every failed lookup is counted, in one row with the time of the last.
    expect(checkErrors).toHaveLength(1);
    expect(checkErrors[0].count).toBeGreaterThanOrEqual(2);
    expect(checkErrors[0].last_at).not.toBeNull();
    expect(ev.filter((e) => e.kind === 'attempt' && e.call?.startsWith('GET /posts'))).toHaveLength(1);
    expect(ev.filter((e) => e.kind === 'manual_check')).toHaveLength(1);
    expect(ev.filter((e) => e.kind === 'state').map((e) => e.error_code)).toEqual([expect.any(String), 'UNCONFIRMED_GIVE_UP']);
    // Lookups did not use up the send budget.
    expect(d.attempts).toBe(1);
  });

  it('a rate limit while reconciling (Weibo 10023): still scheduled, and the operator sees the account paused with the reason and the resume time', async () => {
    const admin = await sys.login('admin');
    const token = `2.00Unknown${Date.now().toString(36)}${++seq}`;
    const created = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'weibo',
      name: `限流微博${seq}`,
      baseUrl: `${sim.url}/weibo`,
      settings: { timeoutMs: 3000 },
      credentials: { accessToken: token },
    });
    expect(created.status).toBe(201);
    const acc = created.data.id as string;
    // The share takes effect but its answer is lost; the lookup that follows is refused: too many requests.
    sim.faults.add({ system: 'weibo', account: token, path: '/2/statuses/share.json', method: 'POST', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    sim.faults.add({ system: 'weibo', account: token, path: '/2/statuses/user_timeline.json', error: 10023 });
    const itemId = await publishItem(sys, [acc]);
    const d = await waitFor(
      async () => {
        const r = await row(itemId);
        return r && r.last_error_code === 'WEIBO_10023' ? r : null;
      },
      40_000,
      'the reconcile rate-limited',
    );
    expect(d.state).toBe('unconfirmed');
    expect(new Date(d.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const list = await operator.get('/operator/accounts');
    expect(list.status).toBe(200);
    const a = list.data.find((x: { id: string }) => x.id === acc);
    expect(a).toMatchObject({ status: 'active', state: 'paused', waiting: 1 });
    expect(a.pauseReason).toContain('WEIBO_10023');
    expect(new Date(a.resumesAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(new Date(a.nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    // An operator's retry keeps it scheduled (it cannot beat the platform's window).
    const retry = await operator.post(`/deliveries/${d.id}/retry`);
    expect(retry.status).toBe(200);
    expect((await row(itemId)).next_attempt_at).not.toBeNull();
    expect(await unscheduledDeliveries(sys.ds)).toEqual([]);
  });
});
