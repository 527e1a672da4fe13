import { ChannelSim } from '@app/channel-sim/channel-sim';
import { DeliveryRunner } from '@app/channels/engine/delivery-runner.service';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { createTestchanAccount, deliveryFor, eventsOf, ledgerOf, publishItem, waitSettled } from './engine-helpers';
import { unscheduledDeliveries } from './engine-invariants';

/**
 * Outcome classification against the test channel's simulator, whose records are the judge: every
 * outcome an outside system can produce ends in the state the engine promises, and nothing is
 * published twice.
 */
describe('delivery engine: outcome classification (test channel)', () => {
  let sim: ChannelSim, sys: TestSystem;
  let n = 0;
  const token = (prefix = 'tok') => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
  const recordsFor = (tok: string) => sim.records.list({ system: 'testchan', account: tok });

  startChannelSuite('outcomes', { simUrl: false }, (s) => ({ sim, sys } = s));
  afterEach(() => {
    sim.faults.clear();
  });

  it('publishes at once: one simulator record, one ledger row, the attempt and the state change in the history', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'sync', tok);
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('published');
    const recs = recordsFor(tok);
    expect(recs).toHaveLength(1);
    expect(recs[0].meta?.ref).toBe(d.id);
    expect(d.external_id).toBe(recs[0].externalId);
    expect(d.external_url).toBe(recs[0].url);
    const ledger = await ledgerOf(sys, id);
    expect(ledger).toHaveLength(1);
    expect(ledger[0].external_url).toBe(recs[0].url);
    const ev = await eventsOf(sys, d.id);
    expect(ev.map((e) => e.kind)).toEqual(['attempt', 'state']);
    expect(ev[0].call).toBe('POST /posts');
    expect(ev[1].to_state).toBe('published');
  });

  it('accepted first, published later: awaiting_confirmation, polled until published', async () => {
    const tok = token('async');
    const acc = await createTestchanAccount(sys, sim.url, 'async', tok, { pollAfterMs: 150 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('published');
    expect(recordsFor(tok)).toHaveLength(1);
    const ev = await eventsOf(sys, d.id);
    const states = ev.filter((e) => e.kind === 'state').map((e) => e.to_state);
    expect(states).toEqual(['awaiting_confirmation', 'published']);
    expect(ev.filter((e) => e.call?.startsWith('GET /posts/')).length).toBeGreaterThanOrEqual(1);
    // Polls do not use up the retry budget.
    expect(d.attempts).toBe(1);
    expect(await ledgerOf(sys, id)).toHaveLength(1);
  });

  it('the answer is lost after the post took effect: unconfirmed, reconciled, never sent twice', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'lost-answer', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('published');
    expect(recordsFor(tok)).toHaveLength(1);
    const ev = await eventsOf(sys, d.id);
    expect(ev.filter((e) => e.kind === 'state').map((e) => e.to_state)).toEqual(['unconfirmed', 'published']);
    expect(ev.some((e) => e.kind === 'reconcile' && /"found":true/.test((e as any).response))).toBe(true);
    expect(ev.filter((e) => e.call === 'POST /posts')).toHaveLength(1);
    expect(await ledgerOf(sys, id)).toHaveLength(1);
  });

  it('the connection drops before anything happened: reconciled (not found), then sent once', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'reset', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'reset', count: 1 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('published');
    expect(recordsFor(tok)).toHaveLength(1);
    const ev = await eventsOf(sys, d.id);
    expect(ev.some((e) => e.kind === 'reconcile' && /"found":false/.test((e as any).response))).toBe(true);
    // Sent again only after a reconciliation found nothing, and published by the last send. On a loaded
    // machine a kept-alive socket the simulator closed meanwhile can reset a second send (a real-world
    // race, seen in a loaded CI run): it is again reconciled before the next send, so the rule holds
    // for every send, not just for exactly two.
    const posts = ev.filter((e) => e.call === 'POST /posts');
    expect(posts.length).toBeGreaterThanOrEqual(2);
    expect(posts.slice(0, -1).every((p) => p.error_code === 'ECONNRESET')).toBe(true);
    expect(posts[posts.length - 1].error_code).toBeNull();
    const calls = ev.filter((e) => e.call === 'POST /posts' || e.kind === 'reconcile');
    calls.forEach((e, i) => {
      if (e.call === 'POST /posts' && i > 0) {
        expect(calls[i - 1].kind).toBe('reconcile');
        expect((calls[i - 1] as any).response).toMatch(/"found":false/);
      }
    });
  });

  it('busy twice: retried with backoff, published on the third attempt', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'busy', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'busy', count: 2 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id, 30_000);
    expect(d.state).toBe('published');
    expect(d.attempts).toBe(3);
    expect(recordsFor(tok)).toHaveLength(1);
    const ev = await eventsOf(sys, d.id);
    expect(ev.filter((e) => e.kind === 'error').map((e) => e.error_code)).toEqual(['busy', 'busy']);
  });

  it('rate limited: waits the window the channel names, without using up an attempt', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'limited', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'rate_limited', count: 1 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('published');
    expect(d.attempts).toBe(1);
    const posts = sim.faults.requests({ system: 'testchan', path: '/posts' }).filter((r) => r.account === tok && r.method === 'POST');
    expect(posts).toHaveLength(2);
    // retry_after_s = 1
    expect(new Date(posts[1].at).getTime() - new Date(posts[0].at).getTime()).toBeGreaterThanOrEqual(950);
  });

  it('refused content: failed at once with the channel’s own code and message', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'refused', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'bad_request', count: 1 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('failed');
    expect(d.last_error_code).toBe('bad_request');
    expect(d.last_error_message).toContain('simulated bad request');
    expect(d.attempts).toBe(1);
    expect(recordsFor(tok)).toHaveLength(0);
    expect(await ledgerOf(sys, id)).toHaveLength(0);
  });

  it('bad credentials: refreshed once, then the account stops and its deliveries wait until it is fixed', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'revoked', tok);
    sim.testchan.revokeToken(tok);
    const first = await publishItem(sys, [acc]);
    await waitFor(
      async () => (await sys.ds.query(`SELECT status FROM channel_accounts WHERE id = $1`, [acc]))[0].status === 'needs_attention',
      20_000,
      'account stopped',
    );
    const d1 = await deliveryFor(sys, first, acc);
    expect(d1.state).toBe('pending');
    expect(d1.last_error_code).toBe('invalid_token');
    const ev = await eventsOf(sys, d1.id);
    expect(ev.filter((e) => e.call === 'POST /posts')).toHaveLength(2); // the refresh retried once
    expect(ev.some((e) => e.kind === 'credentials_refresh')).toBe(true);
    expect(ev.some((e) => e.kind === 'account_needs_attention')).toBe(true);
    const reason = (await sys.ds.query(`SELECT status_reason FROM channel_accounts WHERE id = $1`, [acc]))[0].status_reason;
    expect(reason).toContain('invalid_token');

    // Another item for the stopped account is not even tried.
    const before = sim.faults.requests({ system: 'testchan' }).filter((r) => r.account === tok).length;
    const second = await publishItem(sys, [acc]);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await deliveryFor(sys, second, acc)).state).toBe('pending');
    expect(sim.faults.requests({ system: 'testchan' }).filter((r) => r.account === tok).length).toBe(before);

    // The admin enters a valid token: the sweeper resumes both.
    const fresh = token();
    const admin = await sys.login('admin');
    expect((await admin.patch(`/channel-accounts/${acc}`, { credentials: { token: fresh } })).status).toBe(200);
    await waitSettled(sys, first, 30_000);
    await waitSettled(sys, second, 30_000);
    expect((await deliveryFor(sys, first, acc)).state).toBe('published');
    expect((await deliveryFor(sys, second, acc)).state).toBe('published');
    expect(recordsFor(fresh)).toHaveLength(2);
    expect(recordsFor(tok)).toHaveLength(0);
  });

  it('the channel rejects an accepted post later: failed with its reason, nothing recorded', async () => {
    const tok = token('async');
    const acc = await createTestchanAccount(sys, sim.url, 'async-rejected', tok, { pollAfterMs: 150 });
    sim.testchan.failNextAsync(1);
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('failed');
    expect(d.last_error_code).toBe('PUBLISH_FAILED');
    expect(d.last_error_message).toMatch(/未通过/);
    expect(recordsFor(tok)).toHaveLength(0);
    expect(await ledgerOf(sys, id)).toHaveLength(0);
  });

  it('never confirmed: after the give-up time a person takes over (待人工核实), never failed', async () => {
    const tok = token('async');
    const acc = await createTestchanAccount(sys, sim.url, 'async-slow', tok, { pollAfterMs: 200, confirmGiveUpMs: 1500 });
    sim.testchan.configure({ asyncDelayMs: 120_000 });
    try {
      const id = await publishItem(sys, [acc]);
      const d = await waitFor(
        async () => {
          const r = (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [id]))[0];
          return r?.checkpoint?.manualCheck || r?.state === 'failed' ? r : null;
        },
        20_000,
        'the delivery handed to a person',
      );
      expect(d.state).toBe('unconfirmed');
      expect(d.last_error_code).toBe('CONFIRMATION_TIMEOUT');
      expect(d.last_error_message).toContain('未能确认');
      expect(d.last_error_message).toContain('待人工核实');
      expect(new Date(d.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 3600_000);
      expect(await ledgerOf(sys, id)).toHaveLength(0);
      // The polls that answered "not yet" are one row with a count, not a row each.
      const polls = (await eventsOf(sys, d.id)).filter((e) => e.call?.startsWith('GET /posts/'));
      expect(polls).toHaveLength(1);
    } finally {
      sim.testchan.configure({ asyncDelayMs: 300 });
    }
  });

  it('a callback confirms an accepted publication once, however often it comes and whatever polls meanwhile', async () => {
    const tok = token('async');
    const acc = await createTestchanAccount(sys, sim.url, 'async-callback', tok, { pollAfterMs: 100 });
    sim.testchan.configure({ asyncDelayMs: 120_000 });
    try {
      const id = await publishItem(sys, [acc]);
      const d = await waitFor(
        async () => {
          const x = await deliveryFor(sys, id, acc);
          return x?.state === 'awaiting_confirmation' && x.external_id ? x : null;
        },
        20_000,
        'accepted',
      );
      const runner = sys.api.get(DeliveryRunner);
      const result = { status: 'published' as const, externalId: d!.external_id!, externalUrl: `${sim.url}/testchan/p/${d!.external_id}` };
      const outcomes = await Promise.all([
        runner.confirmFromCallback({ channelType: 'testchan', externalId: d!.external_id! }, result),
        runner.confirmFromCallback({ deliveryId: d!.id }, result),
      ]);
      expect(outcomes.sort()).toEqual(['ignored', 'published']);
      expect(await runner.confirmFromCallback({ deliveryId: d!.id }, result)).toBe('ignored');
      const after = await deliveryFor(sys, id, acc);
      expect(after.state).toBe('published');
      expect(after.external_url).toBe(result.externalUrl);
      expect(await ledgerOf(sys, id)).toHaveLength(1);
      const ev = await eventsOf(sys, d!.id);
      expect(ev.some((e) => e.kind === 'callback')).toBe(true);
    } finally {
      sim.testchan.configure({ asyncDelayMs: 300 });
    }
  });

  it('a failure callback fails the delivery with the outside system’s code', async () => {
    const tok = token('async');
    const acc = await createTestchanAccount(sys, sim.url, 'async-callback-fail', tok, { pollAfterMs: 100 });
    sim.testchan.configure({ asyncDelayMs: 120_000 });
    try {
      const id = await publishItem(sys, [acc]);
      const d = await waitFor(
        async () => {
          const x = await deliveryFor(sys, id, acc);
          return x?.state === 'awaiting_confirmation' ? x : null;
        },
        20_000,
        'accepted',
      );
      const runner = sys.api.get(DeliveryRunner);
      expect(await runner.confirmFromCallback({ deliveryId: d!.id }, { status: 'failed', code: '4', message: '平台审核未通过' })).toBe('failed');
      const after = await deliveryFor(sys, id, acc);
      expect(after.state).toBe('failed');
      expect(after.last_error_code).toBe('4');
      expect(after.last_error_message).toBe('平台审核未通过');
    } finally {
      sim.testchan.configure({ asyncDelayMs: 300 });
    }
  });

  it('a burst to several accounts and the portal: every delivery published once, ledger equals the records', async () => {
    const toks = [token(), token(), token('async')];
    const accs: string[] = [];
    for (const [i, t] of toks.entries()) accs.push(await createTestchanAccount(sys, sim.url, `burst-${i}`, t, { pollAfterMs: 100 }));
    const portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    const editor = await sys.login('editor');
    const reviewer = await sys.login('reviewer');
    const ids = await Promise.all(Array.from({ length: 12 }, () => publishItem(sys, [...accs, portal], {}, { editor, reviewer })));
    for (const id of ids) {
      const ds = await waitSettled(sys, id, 60_000);
      expect(ds.map((d) => d.state)).toEqual(['published', 'published', 'published', 'published']);
    }
    const recs = toks.flatMap((t) => recordsFor(t));
    expect(recs).toHaveLength(36);
    expect(new Set(recs.map((r) => r.meta?.ref)).size).toBe(36);
    const ledger: { external_url: string }[] = await sys.ds.query(
      `SELECT external_url FROM publication_records WHERE item_id = ANY($1::uuid[]) AND channel_type = 'testchan'`,
      [ids],
    );
    expect(ledger.map((l) => l.external_url).sort()).toEqual(recs.map((r) => r.url).sort());
  });

  it('leaves every delivery that is not final with the time of its next step (issue 13 invariant)', async () => {
    expect(await unscheduledDeliveries(sys.ds)).toEqual([]);
  });
});
