import { AxiosInstance } from 'axios';
import IORedis from 'ioredis';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { WechatAdapter } from '@app/channels/wechat/wechat.adapter';
import { wechatSignature } from '@app/channels/wechat/wechat-publish';
import { publishItem } from '@app/test/engine/engine-helpers';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * Issue 12, point 13: the WeChat access_token sat in Redis in plain text (anyone reading Redis could act
 * as the official account), and an unsigned callback was taken as a hint that cost one outbound
 * freepublish/get per request (a free way to burn the account's daily API quota). Now the cached token
 * is sealed with ENCRYPTION_KEY, and a callback is refused before any outbound call or write unless it
 * carries a valid, fresh signature of the account's callback Token (the real platform always signs:
 * a server URL cannot be configured on it without a Token).
 */
describe('WeChat token at rest and callback signatures', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let redis: IORedis;
  let seq = 0;

  startChannelSuite(
    'wxsec',
    { users: ['editor', 'reviewer', 'admin'], beforeClose: () => redis?.quit() },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin },
      } = s),
  );
  beforeAll(async () => {
    redis = new IORedis(sys.config.REDIS_URL!);
  });

  async function account(credentials: Record<string, unknown> = {}) {
    const appid = `wxsec${Date.now().toString(16)}${++seq}`;
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'wechat',
      name: `安全测试公众号${seq}`,
      baseUrl: `${sim.url}/wechat`,
      settings: { author: '示范县发布', confirmPollMs: 200, timeoutMs: 5000 },
      credentials: { appid, secret: `secret-${appid}`, ...credentials },
    });
    expect(r.status).toBe(201);
    return { id: r.data.id as string, appid };
  }

  /** Publishes one item to the account (confirmed by polling) and returns its delivery row. */
  async function published(accountId: string) {
    const id = await publishItem(sys, [accountId], {}, { editor, reviewer });
    return waitFor(
      async () => {
        const [d] = await sys.ds.query(`SELECT id, state, checkpoint->>'publishId' AS publish_id FROM deliveries WHERE item_id = $1`, [id]);
        return d?.state === 'published' ? d : null;
      },
      30_000,
      'wechat delivery published',
    );
  }

  const outbound = (appid: string) => sim.faults.requests({ system: 'wechat' }).filter((r) => r.account === appid).length;
  const writes = async () => {
    const [r] = await sys.ds.query(`SELECT (SELECT count(*) FROM delivery_events)::int AS events, (SELECT count(*) FROM audit_logs)::int AS audit,
      (SELECT count(*) FROM publication_records)::int AS ledger, (SELECT max(updated_at) FROM deliveries) AS touched`);
    return r;
  };
  const eventXml = (publishId: string, status = 0, articleId = 'forged-article') =>
    `<xml><ToUserName><![CDATA[gh_sim]]></ToUserName><FromUserName><![CDATA[oSys]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>` +
    `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>${publishId}</publish_id>` +
    `<publish_status>${status}</publish_status><article_id><![CDATA[${articleId}]]></article_id></PublishEventInfo></xml>`;
  const post = (accountId: string, query: string, xml: string) =>
    sys.http.post(`/callbacks/wechat/${accountId}${query}`, xml, { headers: { 'content-type': 'text/xml' } });
  const signedQuery = (token: string, timestamp: number, nonce = String(100000 + ++seq)) =>
    `?signature=${wechatSignature(token, String(timestamp), nonce)}&timestamp=${timestamp}&nonce=${nonce}`;

  it('keeps the cached access_token sealed in Redis: no key under the prefix holds the token', async () => {
    const acc = await account();
    await published(acc.id);
    const adapter = sys.api.get(WechatAdapter);
    const key = adapter.tokens.key(`${sim.url}/wechat`, acc.appid);
    const token = await adapter.tokens.get(key, async () => {
      throw new Error('the cached token should have been used');
    });
    expect(token.length).toBeGreaterThan(20);
    // It is the live token the platform issued (a call with it succeeds).
    const check = await fetch(`${sim.url}/wechat/cgi-bin/freepublish/batchget?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offset: 0, count: 1, no_content: 1 }),
    });
    expect(((await check.json()) as { errcode?: number }).errcode ?? 0).toBe(0);
    const raw = await redis.get(key);
    expect(raw).toBeTruthy();
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.slice(0, 16));
    const keys = await redis.keys(`${sys.config.QUEUE_PREFIX}:wechat:*`);
    for (const k of keys) {
      const type = await redis.type(k);
      if (type === 'string') expect(await redis.get(k)).not.toContain(token.slice(0, 16));
    }
  });

  it('refuses an unsigned callback for an account without a callback Token before any outbound call or write', async () => {
    const acc = await account();
    const d = await published(acc.id);
    expect(d.publish_id).toBeTruthy();
    const calls = outbound(acc.appid);
    const before = await writes();
    for (const q of ['', '?signature=abc&timestamp=1&nonce=2']) {
      const r = await post(acc.id, q, eventXml(d.publish_id));
      expect(r.status).toBe(403);
      expect(r.data.code).toBe('CALLBACK_NOT_CONFIGURED');
      expect(r.data.message).toMatch(/回调/);
    }
    expect(outbound(acc.appid)).toBe(calls);
    expect(await writes()).toEqual(before);
  });

  it('refuses a callback with a wrong signature, or none, for an account with a callback Token', async () => {
    const acc = await account({ callbackToken: 'cb-sec-token' });
    const d = await published(acc.id);
    const calls = outbound(acc.appid);
    const before = await writes();
    const now = Math.floor(Date.now() / 1000);
    for (const q of ['', `?signature=${'0'.repeat(40)}&timestamp=${now}&nonce=1`, signedQuery('another-token', now)]) {
      const r = await post(acc.id, q, eventXml(d.publish_id));
      expect(r.status).toBe(403);
      expect(r.data.code).toBe('CALLBACK_SIGNATURE_INVALID');
    }
    expect(outbound(acc.appid)).toBe(calls);
    expect(await writes()).toEqual(before);
  });

  it('refuses a correctly signed callback whose timestamp the platform could not have sent now (replay of an old one)', async () => {
    const acc = await account({ callbackToken: 'cb-sec-token-2' });
    const d = await published(acc.id);
    const calls = outbound(acc.appid);
    const before = await writes();
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 3600, now + 3600]) {
      const r = await post(acc.id, signedQuery('cb-sec-token-2', ts), eventXml(d.publish_id, 2));
      expect(r.status).toBe(403);
      expect(r.data.code).toBe('CALLBACK_STALE');
      expect(r.data.details).toEqual([{ field: 'timestamp', reason: expect.stringMatching(/300/) }]);
    }
    expect(outbound(acc.appid)).toBe(calls);
    expect(await writes()).toEqual(before);
  });

  it('a fresh signed callback replayed for a settled delivery costs no outbound call and writes nothing', async () => {
    const acc = await account({ callbackToken: 'cb-sec-token-3' });
    const d = await published(acc.id);
    const calls = outbound(acc.appid);
    const before = await writes();
    const q = signedQuery('cb-sec-token-3', Math.floor(Date.now() / 1000));
    for (let i = 0; i < 3; i++) {
      const r = await post(acc.id, q, eventXml(d.publish_id, 2));
      expect(r.status).toBe(200);
      expect(r.data).toBe('success');
    }
    expect(outbound(acc.appid)).toBe(calls);
    expect(await writes()).toEqual(before);
    const [row] = await sys.ds.query(`SELECT state FROM deliveries WHERE id = $1`, [d.id]);
    expect(row.state).toBe('published');
  });
});
