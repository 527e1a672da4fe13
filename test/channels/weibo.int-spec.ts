import { promises as fs } from 'fs';
import * as path from 'path';
import { AxiosInstance } from 'axios';
import sharp from 'sharp';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { syntheticImages } from '@app/media/testing/synthetic-images';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { weiboLength } from '@app/channels/weibo/weibo-length';

/**
 * 政务微博 end to end through the real pipeline against the Weibo simulator, whose records are the
 * judge: every post counted once, however the answers got lost.
 */
describe('Weibo adapter against the simulator', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let seq = 0;

  startChannelSuite(
    'weibo',
    { users: ['editor', 'reviewer', 'admin'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin },
      } = s),
  );

  /** A fresh Weibo account (own token, so its own uid, rate window and timeline). */
  async function account(settings: Record<string, unknown> = {}) {
    const token = `2.00Test${Date.now().toString(36)}${++seq}`;
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'weibo',
      name: `测试微博${seq}`,
      baseUrl: `${sim.url}/weibo`,
      settings: { timeoutMs: 5000, ...settings },
      credentials: { accessToken: token },
    });
    expect(r.status).toBe(201);
    return { id: r.data.id as string, token };
  }

  async function create(accountId: string, over: Record<string, unknown> = {}) {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `关于做好冬季供暖工作的通知${++seq}`,
      bodyHtml: '<p>各乡镇人民政府、县直各部门：现就做好冬季供暖工作通知如下。</p>',
      summary: '冬季供暖安排',
      kind: 'notice',
      targetAccountIds: [accountId],
      ...over,
    });
    expect(created.status).toBe(201);
    return { id: created.data.id as string, title: created.data.title as string };
  }

  async function publish(accountId: string, over: Record<string, unknown> = {}) {
    const item = await create(accountId, over);
    expect((await editor.post(`/items/${item.id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${item.id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    return item;
  }

  const delivery = async (itemId: string) => (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [itemId]))[0];
  const settled = (itemId: string, states = ['published', 'failed'], ms = 30_000) =>
    waitFor(
      async () => {
        const d = await delivery(itemId);
        return d && states.includes(d.state) ? d : null;
      },
      ms,
      `delivery of ${itemId} in ${states.join('/')}`,
    );
  const portalUrl = (itemId: string) => `${sys.url}/site/articles/${itemId}.html`;
  /** The item's posts (by the text sent: the platform shows every link as a t.cn short link). */
  const posts = (itemId: string) => sim.records.list({ system: 'weibo' }).filter((r) => String(r.meta?.sentText ?? '').includes(portalUrl(itemId)));
  /** share.json calls of an account (the request log names a user by token until it exists, then by uid). */
  const shares = (token: string, uid: string) =>
    sim.faults.requests({ system: 'weibo', path: '/2/statuses/share.json' }).filter((r) => r.account === token || r.account === uid);

  it('posts the composed text ending with the portal URL, with a picture under 5 MB: one post, its URL stored, one ledger row', async () => {
    const acc = await account();
    // a camera-sized photo uploaded to the portal site, larger than Weibo's 2048 px
    await fs.mkdir(path.join(sys.portalDir, 'uploads'), { recursive: true });
    await fs.writeFile(path.join(sys.portalDir, 'uploads', 'big.jpg'), await syntheticImages.noisyPhoto(2600, 1700, 5));
    const item = await publish(acc.id, { bodyHtml: `<p>现场：</p><p><img src="${sys.url}/site/uploads/big.jpg"></p>` });
    const d = await settled(item.id);
    expect(d.state).toBe('published');
    const recs = posts(item.id);
    expect(recs).toHaveLength(1);
    const text = String(recs[0].meta!.sentText);
    expect(text).toBe(`【${item.title}】冬季供暖安排 ${portalUrl(item.id)}`);
    expect(recs[0].text).toMatch(new RegExp(`^【${item.title}】冬季供暖安排 http://t\\.cn/\\w{7}$`));
    expect(weiboLength(text)).toBeLessThanOrEqual(140);
    expect(d.external_id).toBe(recs[0].externalId);
    expect(d.external_url).toBe(recs[0].url);
    const page = await (await fetch(d.external_url)).text();
    expect(page).toContain(item.title);
    // the picture went along, as a JPEG under 5 MB no larger than 2048 px
    const pic = Buffer.from(await (await fetch(String(recs[0].meta!.pic))).arrayBuffer());
    expect(pic.length).toBeLessThan(5_000_000);
    const meta = await sharp(pic).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(2048);
    const ledger = await sys.ds.query(`SELECT channel_type, external_url FROM publication_records WHERE item_id = $1`, [item.id]);
    expect(ledger).toEqual([{ channel_type: 'weibo', external_url: d.external_url }]);
  });

  it('posts the editor text as written, and refuses at submit one that does not fit with the URL', async () => {
    const acc = await account();
    const ok = await publish(acc.id, { channelOverrides: { weibo: { text: '【示范县发布】今冬供暖安排出炉' } } });
    expect((await settled(ok.id)).state).toBe('published');
    expect(posts(ok.id)[0].meta!.sentText).toBe(`【示范县发布】今冬供暖安排出炉 ${portalUrl(ok.id)}`);

    const long = await create(acc.id, { channelOverrides: { weibo: { text: '今冬供暖安排'.repeat(22) } } });
    const r = await editor.post(`/items/${long.id}/submit`);
    expect(r.status).toBe(422);
    expect(r.data.details.map((x: { field: string }) => x.field)).toContain('channels.weibo.channelOverrides.weibo.text');
  });

  it('a share whose answer is lost is found in the timeline: one post, not sent again', async () => {
    const acc = await account();
    sim.faults.add({ system: 'weibo', account: acc.token, path: '/2/statuses/share.json', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    const item = await publish(acc.id);
    const d = await settled(item.id);
    expect(d.state).toBe('published');
    expect(posts(item.id)).toHaveLength(1);
    expect(d.external_id).toBe(posts(item.id)[0].externalId);
    expect(shares(acc.token, posts(item.id)[0].account)).toHaveLength(1);
    const ev = await sys.ds.query(`SELECT kind, response FROM delivery_events WHERE delivery_id = $1 AND kind = 'reconcile'`, [d.id]);
    expect(ev.some((e: { response: string }) => /"found":true/.test(e.response))).toBe(true);
  });

  it('"identical content" (20019) for a post an earlier attempt made is that post, counted once', async () => {
    const acc = await account();
    await sys.stopWorker();
    let item: { id: string; title: string };
    try {
      item = await publish(acc.id);
      // the earlier attempt's post, whose answer never came back
      const text = `【${item.title}】冬季供暖安排 ${portalUrl(item.id)}`;
      const earlier = await fetch(`${sim.url}/weibo/2/statuses/share.json`, {
        method: 'POST',
        body: new URLSearchParams({ access_token: acc.token, status: text, rip: '203.0.113.9' }),
      });
      expect(earlier.status).toBe(200);
    } finally {
      await sys.startWorker();
    }
    const d = await settled(item!.id);
    expect(d.state).toBe('published');
    expect(posts(item!.id)).toHaveLength(1);
    expect(d.external_id).toBe(posts(item!.id)[0].externalId);
    const ev = await sys.ds.query(`SELECT error_code, call FROM delivery_events WHERE delivery_id = $1`, [d.id]);
    expect(ev.some((e: { error_code: string }) => e.error_code === 'WEIBO_20019')).toBe(true);
    expect(ev.some((e: { call: string }) => /statuses\/user_timeline/.test(e.call ?? ''))).toBe(true);
  });

  it('rate limits (10023) wait for the window', async () => {
    const acc = await account();
    sim.faults.add({ system: 'weibo', account: acc.token, path: '/2/statuses/share.json', error: 10023, count: 1 });
    const item = await publish(acc.id);
    const d = await waitFor(
      async () => {
        const x = await delivery(item.id);
        return x.last_error_code === 'WEIBO_10023' && x.state === 'pending' ? x : null;
      },
      20_000,
      'rate limited',
    );
    expect(new Date(d.next_attempt_at).getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(d.last_error_message).toContain('频次超过上限');
    expect(posts(item.id)).toHaveLength(0);
  });

  it('an expired token (21327) stops the account for the operator', async () => {
    const acc = await account();
    sim.weibo.expireToken(acc.token, 21327);
    const item = await publish(acc.id);
    const row = await waitFor(
      async () => {
        const r = (await sys.ds.query(`SELECT status, status_reason FROM channel_accounts WHERE id = $1`, [acc.id]))[0];
        return r.status === 'needs_attention' ? r : null;
      },
      20_000,
      'account needs attention',
    );
    expect(row.status_reason).toContain('WEIBO_21327');
    expect(row.status_reason).toContain('重新授权');
    // the account stops first; the delivery goes back to waiting in the runner's next write
    await waitFor(async () => ((await delivery(item.id)).state === 'pending' ? true : null), 20_000, 'delivery waiting for the account');
  });

  it('permanent refusals (20018 illegal URL, error_code as a number) fail with the platform message', async () => {
    const acc = await account();
    sim.weibo.configure({ errorCodeAsNumber: true });
    try {
      sim.faults.add({ system: 'weibo', account: acc.token, path: '/2/statuses/share.json', error: 20018, count: 1 });
      const item = await publish(acc.id);
      const d = await settled(item.id);
      expect(d.state).toBe('failed');
      expect(d.last_error_code).toBe('WEIBO_20018');
      expect(d.last_error_message).toContain('包含非法网址（微博错误码 20018：Contain illegal website!）');
      expect(posts(item.id)).toHaveLength(0);
      // fixed on the platform's side, the operator retries: the refusal proves nothing went out, so it is sent (once)
      const operator = await sys.login('operator');
      expect((await operator.post(`/deliveries/${d.id}/retry`)).status).toBe(200);
      const again = await settled(item.id, ['published']);
      expect(posts(item.id)).toHaveLength(1);
      expect(again.external_id).toBe(posts(item.id)[0].externalId);
    } finally {
      sim.weibo.configure({ errorCodeAsNumber: false });
    }
  });

  it('a 503 from the gateway is retried and still posts once', async () => {
    const acc = await account();
    sim.faults.add({ system: 'weibo', account: acc.token, path: '/2/statuses/share.json', error: 'http:503', count: 1 });
    const item = await publish(acc.id);
    expect((await settled(item.id)).state).toBe('published');
    expect(posts(item.id)).toHaveLength(1);
  });

  it('withdrawal destroys the post and keeps the ledger row', async () => {
    const acc = await account();
    const item = await publish(acc.id);
    expect((await settled(item.id)).state).toBe('published');
    expect((await reviewer.post(`/items/${item.id}/withdraw`, { reason: '内容有误' })).status).toBe(200);
    const d = await settled(item.id, ['withdrawn']);
    expect(d.state).toBe('withdrawn');
    expect(posts(item.id)[0].deleted).toBe(true);
    expect(await (await fetch(d.external_url)).text()).toContain('已被作者删除');
    const rows = await sys.ds.query(
      `SELECT w.id FROM publication_records r JOIN publication_withdrawals w ON w.publication_record_id = r.id WHERE r.item_id = $1`,
      [item.id],
    );
    expect(rows).toHaveLength(1);
  });

  // ---- issue 13, points 2 and 3

  it('20032 "Update success, while server slow now": published pending its id, never failed; the id is found once Weibo shows the post', async () => {
    const acc = await account({ pollAfterMs: 500 });
    sim.weibo.configure({ slowUpdateNext: 1 });
    const item = await publish(acc.id);
    const waiting = await waitFor(
      async () => {
        const d = await delivery(item.id);
        if (d?.state === 'failed') throw new Error(`failed: ${d.last_error_code} ${d.last_error_message}`);
        return d?.state === 'awaiting_confirmation' ? d : null;
      },
      20_000,
      'accepted, waiting for the id',
    );
    expect(posts(item.id)).toHaveLength(1);
    // Weibo shows the post "in 1-2 minutes"
    sim.clock.advance(2 * 60_000);
    const d = await settled(item.id);
    expect(d.id).toBe(waiting.id);
    expect(d.state).toBe('published');
    expect(d.external_id).toBe(posts(item.id)[0].externalId);
    expect(posts(item.id)).toHaveLength(1);
    expect(shares(acc.token, posts(item.id)[0].account)).toHaveLength(1);
    const ledger = await sys.ds.query(`SELECT external_url FROM publication_records WHERE delivery_id = $1`, [d.id]);
    expect(ledger).toEqual([{ external_url: d.external_url }]);
    expect(d.external_url).toBe(posts(item.id)[0].url);
    const ev = await sys.ds.query(`SELECT to_state FROM delivery_events WHERE delivery_id = $1 AND to_state IS NOT NULL`, [d.id]);
    expect(ev.map((e: { to_state: string }) => e.to_state)).not.toContain('failed');
  });

  it("sends rip by default (the approving reviewer's address, or the office's configured public one), and refuses #话题# at submit", async () => {
    // no rip configured: the address the approving reviewer was signed in from (the test's loopback)
    const plain = await account();
    const first = await publish(plain.id);
    expect((await settled(first.id)).state).toBe('published');
    expect(posts(first.id)[0].meta!.rip).toBe('127.0.0.1');
    // a private / loopback address is no real address to Weibo: the office's public one, when configured, goes instead
    const acc = await account({ rip: '203.0.113.24' });
    const item = await publish(acc.id);
    expect((await settled(item.id)).state).toBe('published');
    expect(posts(item.id)[0].meta!.rip).toBe('203.0.113.24');

    const topic = await create(acc.id, { channelOverrides: { weibo: { text: '#示范县发布# 今冬供暖安排出炉' } } });
    const r = await editor.post(`/items/${topic.id}/submit`);
    expect(r.status).toBe(422);
    const problem = r.data.details.find((x: { field: string }) => x.field === 'channels.weibo.channelOverrides.weibo.text');
    expect(problem?.reason).toContain('#示范县发布#');
    expect(problem?.reason).toContain('话题');
  });
});
