import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * Issue 13, Weibo point 1: an outcome that cannot be proven is never resent automatically.
 * statuses/user_timeline shows only the latest 5 posts, so once five more posts were made after a
 * share whose answer was lost, nobody can tell from the API whether it went out. The delivery then
 * waits for a person (`unconfirmed`, 结果待核实, with what to check), who either records the post
 * (登记为已发布, with its URL) or sends it again (重新发送, audited). The simulator's records judge.
 */
describe('Weibo: unknown outcomes that the platform can no longer prove', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, operator: AxiosInstance, admin: AxiosInstance;
  let seq = 0;

  startChannelSuite(
    'weibo-unknown',
    { users: ['editor', 'reviewer', 'operator', 'admin'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, operator, admin },
      } = s),
  );

  async function account() {
    const token = `2.00Unk${Date.now().toString(36)}${++seq}`;
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'weibo',
      name: `核实测试微博${seq}`,
      baseUrl: `${sim.url}/weibo`,
      // a short client timeout: the simulator holds the answer far longer. visibleWithinMs: the simulator
      // shows a post at once (except after 20032), so the adapter need not wait 2.5 minutes before judging
      settings: { timeoutMs: 2500, rip: '203.0.113.7', visibleWithinMs: 1000 },
      credentials: { accessToken: token },
    });
    expect(r.status).toBe(201);
    tokens.set(r.data.id, token);
    return { id: r.data.id as string, token };
  }

  async function publish(accountId: string) {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `关于调整城区公交线路的通告${++seq}`,
      bodyHtml: '<p>为方便群众出行，现调整部分公交线路。</p>',
      summary: '城区公交线路调整',
      kind: 'notice',
      targetAccountIds: [accountId],
    });
    expect(created.status).toBe(201);
    expect((await editor.post(`/items/${created.data.id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${created.data.id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    return { id: created.data.id as string, title: created.data.title as string };
  }

  const delivery = async (itemId: string) => (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [itemId]))[0];
  const portalUrl = (itemId: string) => `${sys.url}/site/articles/${itemId}.html`;
  /** The item's posts as the platform holds them (sent text: the shown one has t.cn links). */
  const posts = (itemId: string) => sim.records.list({ system: 'weibo' }).filter((r) => String(r.meta?.sentText ?? '').includes(portalUrl(itemId)));
  const shareCalls = (token: string) =>
    sim.faults
      .requests({ system: 'weibo', path: '/2/statuses/share.json' })
      .filter((r) => r.account === token || sim.weibo.listTokens().some((t) => t.token === token && String(t.uid) === r.account));
  const tokens = new Map<string, string>();
  const shareCallsOf = (accountId: string) => shareCalls(tokens.get(accountId) ?? '').length;
  const states = async (deliveryId: string) =>
    (await sys.ds.query(`SELECT to_state FROM delivery_events WHERE delivery_id = $1 AND to_state IS NOT NULL ORDER BY id`, [deliveryId])).map(
      (r: { to_state: string }) => r.to_state,
    );
  /** 待人工核实: unconfirmed, with nothing left to do for the engine but to wait for a person. */
  const awaitingPerson = (itemId: string, code = 'WEIBO_CHECK_BY_HAND') =>
    waitFor(
      async () => {
        const d = await delivery(itemId);
        // ended without a person: say how (failed with a live post, or published after sending it again)
        if (d?.state === 'failed' || d?.state === 'published') {
          throw new Error(
            `delivery ${d.state} (${d.last_error_code ?? ''} ${d.last_error_message ?? ''}); posts of the item: ${posts(itemId).length}; share calls: ${shareCallsOf(d.channel_account_id)}`,
          );
        }
        return d?.state === 'unconfirmed' && d.last_error_code === code ? d : null;
      },
      40_000,
      `delivery of ${itemId} waiting for a person (${code})`,
    );

  /**
   * A share that takes effect whose answer never arrives (held past the client's timeout), and
   * `extra` posts the office makes in the Weibo app before the adapter looks.
   */
  async function lostAnswer(acc: { id: string; token: string }, extra: number, mode: 'effect' | 'no-effect' = 'effect') {
    sim.faults.add(
      mode === 'effect'
        ? { system: 'weibo', account: acc.token, path: '/2/statuses/share.json', timeoutAfterEffect: { mode: 'hang', holdMs: 20_000 }, count: 1 }
        : { system: 'weibo', account: acc.token, path: '/2/statuses/share.json', error: 'hang', count: 1 },
    );
    const item = await publish(acc.id);
    // the share reached the platform (and, with effect, the post exists); the answer is still held
    await waitFor(async () => (shareCalls(acc.token).length > 0 ? true : null), 20_000, 'share reached the simulator');
    for (let i = 0; i < extra; i++) sim.weibo.postFromApp(acc.token, `【便民提示${i + 1}】今日县政务服务中心正常办公 https://www.example.com/n/${seq}-${i}`);
    return item;
  }

  it('five posts made meanwhile hide the first: no second post; 待人工核实 with what to check; 登记为已发布 records it once', async () => {
    // the platform's own "identical content" check (20019) is no guarantee: do not let it hide a resend
    sim.weibo.configure({ duplicateWindowMs: 0 });
    try {
      const acc = await account();
      const item = await lostAnswer(acc, 5);
      const d = await awaitingPerson(item.id);
      expect(posts(item.id)).toHaveLength(1);
      expect(shareCalls(acc.token)).toHaveLength(1);
      expect(d.last_error_message).toMatch(/^请在微博客户端核实是否已发出：/);
      expect(d.last_error_message).toContain(portalUrl(item.id));
      expect(d.last_error_message).toContain('登记为已发布');
      expect(d.last_error_message).toContain('重新发送');
      // nothing more happens by itself: no job, no further share
      expect(new Date(d.next_attempt_at).getTime() - Date.now()).toBeGreaterThan(3600_000);

      const post = posts(item.id)[0];
      const r = await operator.post(`/deliveries/${d.id}/mark-published`, { externalUrl: post.url, externalId: post.externalId, note: '已在微博客户端核实' });
      expect(r.status).toBe(200);
      const after = await delivery(item.id);
      expect(after.state).toBe('published');
      const ledger = await sys.ds.query(`SELECT external_url, manual FROM publication_records WHERE delivery_id = $1`, [d.id]);
      expect(ledger).toEqual([{ external_url: post.url, manual: true }]);
      expect(await states(d.id)).not.toContain('failed');
    } finally {
      sim.weibo.configure({ duplicateWindowMs: 24 * 3600_000 });
    }
  });

  it('more than 50 posts in between: never `failed`; an operator resend that Weibo refuses as identical (20019) means the post exists', async () => {
    const acc = await account();
    const item = await lostAnswer(acc, 51);
    const d = await awaitingPerson(item.id);
    expect(shareCalls(acc.token)).toHaveLength(1);

    // 重新发送: audited, sent once more; Weibo says "identical content", so the first one is out there
    const r = await operator.post(`/deliveries/${d.id}/retry`);
    expect(r.status).toBe(200);
    const again = await awaitingPerson(item.id, 'WEIBO_20019');
    expect(shareCalls(acc.token)).toHaveLength(2);
    expect(again.last_error_message).toContain('已经发出');
    expect(again.last_error_message).toContain('登记为已发布');
    expect(posts(item.id)).toHaveLength(1);
    expect(await states(d.id)).not.toContain('failed');
    const audit = await sys.ds.query(`SELECT action FROM audit_logs WHERE entity_id = $1`, [d.id]);
    expect(audit.map((a: { action: string }) => a.action)).toContain('delivery.retry');
  });

  it('重新发送 after a lost answer that never took effect: sent once more (audited) and published once', async () => {
    const acc = await account();
    const item = await lostAnswer(acc, 6, 'no-effect');
    const d = await awaitingPerson(item.id);
    expect(posts(item.id)).toHaveLength(0);
    expect(shareCalls(acc.token)).toHaveLength(1);
    expect((await operator.post(`/deliveries/${d.id}/retry`)).status).toBe(200);
    const done = await waitFor(
      async () => {
        const x = await delivery(item.id);
        return x.state === 'published' ? x : null;
      },
      30_000,
      'published after the operator resend',
    );
    expect(posts(item.id)).toHaveLength(1);
    expect(done.external_id).toBe(posts(item.id)[0].externalId);
    const ev = await sys.ds.query(`SELECT kind, actor_id FROM delivery_events WHERE delivery_id = $1 AND kind = 'operator_retry'`, [d.id]);
    expect(ev).toHaveLength(1);
    expect(ev[0].actor_id).toBeTruthy();
  });

  it('chaos: a Weibo answer is lost and six more posts are made before the check — no second post, and never `failed` while the post is live', async () => {
    sim.weibo.configure({ duplicateWindowMs: 0 });
    try {
      const accs = await Promise.all([account(), account(), account(), account()]);
      const items = await Promise.all(accs.map((a) => lostAnswer(a, 6)));
      const ds = await Promise.all(items.map((it) => awaitingPerson(it.id)));
      // Nothing more can be sent by itself: each parked delivery's next look is a day away (the sweeper
      // only wakes what is due), and only an operator's 重新发送 lets a send through.
      const parked: { id: string; hours: number; manual: boolean }[] = await sys.ds.query(
        `SELECT id, EXTRACT(EPOCH FROM (next_attempt_at - now())) / 3600 AS hours, (checkpoint->>'manualCheck')::boolean AS manual
           FROM deliveries WHERE id = ANY($1)`,
        [ds.map((d) => d.id)],
      );
      expect(parked).toHaveLength(4);
      for (const p of parked) {
        expect(p.manual).toBe(true);
        expect(Number(p.hours)).toBeGreaterThan(12);
      }
      for (const [i, it] of items.entries()) {
        expect(posts(it.id)).toHaveLength(1);
        expect(shareCalls(accs[i].token)).toHaveLength(1);
        const d = await delivery(it.id);
        expect(d.state).toBe('unconfirmed');
        expect(await states(ds[i].id)).not.toContain('failed');
        expect(await states(ds[i].id)).not.toContain('pending');
      }
      const ledger = await sys.ds.query(`SELECT count(*)::int AS n FROM publication_records WHERE item_id = ANY($1)`, [items.map((i) => i.id)]);
      expect(ledger[0].n).toBe(0);
    } finally {
      sim.weibo.configure({ duplicateWindowMs: 24 * 3600_000 });
    }
  });
});
