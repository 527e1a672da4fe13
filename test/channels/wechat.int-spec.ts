import { promises as fs } from 'fs';
import * as path from 'path';
import { AxiosInstance } from 'axios';
import sharp from 'sharp';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { syntheticImages } from '@app/media/testing/synthetic-images';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { answeredPushes } from './wechat-pushes';

/**
 * 政务微信 end to end through the real pipeline (editor → reviewer → worker) against the WeChat
 * simulator, whose records are the judge of what was published.
 */
describe('WeChat adapter against the simulator', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let photo: Buffer;
  let seq = 0;

  startChannelSuite(
    'wechat',
    { users: ['editor', 'reviewer', 'admin'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin },
      } = s),
  );
  beforeAll(async () => {
    photo = await syntheticImages.noisyPhoto(1400, 1000, 11);
    // an image on the portal site, referenced by a relative path as the editor stores uploads
    await fs.mkdir(path.join(sys.portalDir, 'uploads'), { recursive: true });
    await fs.writeFile(path.join(sys.portalDir, 'uploads', 'scene.png'), await syntheticImages.alphaPng(800, 600));
  });

  /** A fresh WeChat account (own appid) through the admin API, so tests do not share tokens or faults. */
  async function account(settings: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}) {
    const appid = `wx${Date.now().toString(16)}${++seq}`;
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'wechat',
      name: `测试公众号${seq}`,
      baseUrl: `${sim.url}/wechat`,
      settings: { author: '示范县发布', confirmPollMs: 200, timeoutMs: 5000, ...settings },
      credentials: { appid, secret: `secret-${appid}`, ...credentials },
    });
    expect(r.status).toBe(201);
    return { id: r.data.id as string, appid };
  }

  async function publish(accountId: string, over: Record<string, unknown> = {}) {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `关于做好冬季供暖工作的通知${++seq}`,
      bodyHtml: '<p>各乡镇人民政府、县直各部门：</p><p>现就做好冬季供暖工作通知如下。</p>',
      summary: '冬季供暖安排',
      kind: 'notice',
      targetAccountIds: [accountId],
      ...over,
    });
    expect(created.status).toBe(201);
    const id = created.data.id as string;
    const submitted = await editor.post(`/items/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    return { id, title: created.data.title as string };
  }

  async function delivery(itemId: string) {
    const r = await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [itemId]);
    return r[0];
  }

  const settled = (itemId: string, states = ['published', 'failed'], ms = 30_000) =>
    waitFor(
      async () => {
        const d = await delivery(itemId);
        return d && states.includes(d.state) ? d : null;
      },
      ms,
      `delivery of ${itemId} in ${states.join('/')}`,
    );

  const records = (title: string) => sim.records.list({ system: 'wechat' }).filter((r) => r.title === title);
  const calls = (appid: string, p: string) => sim.faults.requests({ system: 'wechat', path: p }).filter((r) => r.account === appid);
  const events = (deliveryId: string) =>
    sys.ds.query(`SELECT kind, call, error_code, message, response FROM delivery_events WHERE delivery_id = $1 ORDER BY id`, [deliveryId]);

  it('publishes an item with images, a portal link and an attachment: exactly one article, article_url stored, one ledger row', async () => {
    const acc = await account();
    const item = await publish(acc.id, {
      bodyHtml:
        `<p>现场图片：</p><p><img src="data:image/jpeg;base64,${photo.toString('base64')}" alt="现场"></p>` +
        `<p><img src="../uploads/scene.png" alt="示意"></p><p>详见<a href="/site/articles/policy.html">政策原文</a>。</p>`,
      attachments: [{ name: '实施方案.pdf', url: '/site/uploads/plan.pdf', mime: 'application/pdf', size: 1000 }],
    });
    const d = await settled(item.id);
    expect(d.state).toBe('published');

    const recs = records(item.title);
    expect(recs).toHaveLength(1);
    const rec = recs[0];
    expect(d.external_id).toBe(rec.externalId);
    expect(d.external_url).toBe(rec.url);
    // every image reached the article (uploaded, src replaced: none stripped by the platform)
    expect(rec.meta!.strippedImages).toBe(0);
    const content = String(rec.meta!.content);
    expect(content.match(/<img /g)).toHaveLength(2);
    expect(content.match(/http:\/\/mmbiz\.qpic\.cn\/sim\//g)).toHaveLength(2);
    expect(content).toContain(`政策原文（${sys.url}/site/articles/policy.html）`);
    expect(content).toContain(`实施方案.pdf（${sys.url}/site/uploads/plan.pdf）`);
    expect(rec.meta!.content_source_url).toBe(`${sys.url}/site/articles/${item.id}.html`);
    expect(rec.meta!.author).toBe('示范县发布');
    expect(rec.meta!.digest).toBe('冬季供暖安排');
    // the uploaded body images are JPG/PNG under 1 MB
    for (const m of content.matchAll(/mmbiz\.qpic\.cn\/sim\/([A-Za-z0-9_-]+)/g)) {
      const bytes = sim.wechat.mediaBytes(m[1])!.bytes;
      expect(bytes.length).toBeLessThan(1_000_000);
      expect(['jpeg', 'png']).toContain((await sharp(bytes).metadata()).format);
    }
    // the cover: a JPG thumb ≤ 64 KB cut from the first body image
    const thumbId = String(rec.meta!.thumb_media_id);
    expect(d.checkpoint.thumbMediaId).toBe(thumbId);
    expect(d.checkpoint.coverSource).toBe('body');
    expect(d.checkpoint.crops.pic_crop_1_1).toMatch(/^[\d.]+_[\d.]+_[\d.]+_[\d.]+$/);
    const thumb = sim.wechat.mediaBytes(String(d.checkpoint.thumbUrl))!.bytes;
    expect(thumb.length).toBeLessThanOrEqual(64_000);
    expect((await sharp(thumb).metadata()).format).toBe('jpeg');
    // each step checkpointed once, uploads not repeated
    expect(Object.keys(d.checkpoint.images)).toHaveLength(2);
    expect(calls(acc.appid, '/cgi-bin/media/uploadimg')).toHaveLength(2);
    expect(calls(acc.appid, '/cgi-bin/freepublish/submit')).toHaveLength(1);
    // the public article page
    const page = await (await fetch(rec.url!)).text();
    expect(page).toContain(item.title);

    const ledger = await sys.ds.query(`SELECT channel_type, external_url FROM publication_records WHERE item_id = $1`, [item.id]);
    expect(ledger).toEqual([{ channel_type: 'wechat', external_url: rec.url }]);
  });

  it('previews the article for the console from the same renderer', async () => {
    const acc = await account();
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: '预览用的通知',
      bodyHtml: '<p>正文</p>',
      summary: '摘要',
      kind: 'notice',
      targetAccountIds: [acc.id],
    });
    const r = await editor.get(`/items/${created.data.id}/previews`);
    expect(r.status).toBe(200);
    const p = r.data.find((x: { channelType: string }) => x.channelType === 'wechat').preview;
    expect(p.html).toContain('<p>正文</p>');
    expect(p.meta).toMatchObject({ title: '预览用的通知', digest: '摘要', coverSource: 'title-card' });
    expect(p.images[0].contentType).toBe('image/jpeg');
    expect(p.problems).toEqual([]);
  });

  it('refuses at submit a title over 32 characters without a WeChat title (the editor can fix it before review)', async () => {
    const acc = await account();
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: '关于印发《示范县2026年度政府信息公开工作要点》及相关配套实施细则的通知',
      bodyHtml: '<p>正文</p>',
      kind: 'notice',
      targetAccountIds: [acc.id],
    });
    const r = await editor.post(`/items/${created.data.id}/submit`);
    expect(r.status).toBe(422);
    expect(r.data.details.map((x: { field: string }) => x.field)).toContain('channels.wechat.title');
    // with an override it goes through, and the override is what gets published
    await editor.patch(`/items/${created.data.id}`, { channelOverrides: { wechat: { title: '2026年政务公开工作要点' } } });
    expect((await editor.post(`/items/${created.data.id}/submit`)).status).toBe(200);
    await reviewer.post(`/items/${created.data.id}/approve`, {});
    expect((await settled(created.data.id)).state).toBe('published');
    expect(records('2026年政务公开工作要点')).toHaveLength(1);
  });

  it('shares one token per account across deliveries and refreshes it once after 40001 and 42001', async () => {
    const acc = await account({ tokenMode: 'token' }); // the legacy /cgi-bin/token mode (stable is the default)
    expect((await settled((await publish(acc.id)).id)).state).toBe('published');
    expect((await settled((await publish(acc.id)).id)).state).toBe('published');
    const tokenCalls = () => calls(acc.appid, '/cgi-bin/token').length;
    const before = tokenCalls();
    expect(before).toBe(1);

    sim.wechat.revokeTokens(acc.appid); // → 40001 on the next call
    const a = await publish(acc.id);
    const da = await settled(a.id);
    expect(da.state).toBe('published');
    expect((await events(da.id)).some((e: { error_code: string }) => e.error_code === 'WECHAT_40001')).toBe(true);

    sim.wechat.expireTokens(acc.appid); // → 42001
    const b = await publish(acc.id);
    const db = await settled(b.id);
    expect(db.state).toBe('published');
    expect((await events(db.id)).some((e: { error_code: string }) => e.error_code === 'WECHAT_42001')).toBe(true);
    expect(tokenCalls() - before).toBe(2);
    expect(records(a.title)).toHaveLength(1);
    expect(records(b.title)).toHaveLength(1);
  });

  it('uses /cgi-bin/stable_token when the account is set to it', async () => {
    const acc = await account({ tokenMode: 'stable' });
    const item = await publish(acc.id);
    expect((await settled(item.id)).state).toBe('published');
    expect(sim.faults.requests({ system: 'wechat', path: '/cgi-bin/stable_token' }).filter((r) => r.account === acc.appid).length).toBe(1);
    expect(sim.faults.requests({ system: 'wechat', path: '/cgi-bin/token' }).filter((r) => r.account === acc.appid).length).toBe(0);
  });

  it('40164 (IP not whitelisted) stops the account and tells the operator what to do', async () => {
    const acc = await account();
    sim.wechat.registerAccount({ appid: acc.appid, ipWhitelistFail: true });
    const item = await publish(acc.id);
    const row = await waitFor(
      async () => {
        const r = (await sys.ds.query(`SELECT status, status_reason FROM channel_accounts WHERE id = $1`, [acc.id]))[0];
        return r.status === 'needs_attention' ? r : null;
      },
      20_000,
      'account needs attention',
    );
    expect(row.status_reason).toContain('WECHAT_40164');
    expect(row.status_reason).toContain('IP白名单');
    // the account stops first; the delivery goes back to waiting in the runner's next write
    await waitFor(async () => ((await delivery(item.id)).state === 'pending' ? true : null), 20_000, 'delivery waiting for the account');
    expect(records(item.title)).toHaveLength(0);
  });

  it('-1 (busy) is retried; a daily quota (45009) waits until the quota resets', async () => {
    const acc = await account();
    sim.faults.add({ system: 'wechat', account: acc.appid, path: '/cgi-bin/freepublish/submit', error: -1, count: 1 });
    const busy = await publish(acc.id);
    expect((await settled(busy.id)).state).toBe('published');
    expect(records(busy.title)).toHaveLength(1);

    sim.faults.add({ system: 'wechat', account: acc.appid, path: '/cgi-bin/draft/add', error: 45009, count: 1 });
    const quota = await publish(acc.id);
    const d = await waitFor(
      async () => {
        const x = await delivery(quota.id);
        return x.last_error_code === 'WECHAT_45009' && x.state === 'pending' ? x : null;
      },
      20_000,
      'rate limited',
    );
    const waitMs = new Date(d.next_attempt_at).getTime() - Date.now();
    expect(waitMs).toBeGreaterThan(60_000);
    expect(waitMs).toBeLessThanOrEqual(24 * 3600_000 + 120_000);
    expect(d.last_error_message).toContain('今日上限');
  });

  it('a refused draft (45166) and a failed publish job (publish_status 4) fail with the reason', async () => {
    const acc = await account();
    sim.faults.add({ system: 'wechat', account: acc.appid, path: '/cgi-bin/draft/add', error: 45166, count: 1 });
    const bad = await publish(acc.id);
    const d1 = await settled(bad.id);
    expect(d1.state).toBe('failed');
    expect(d1.last_error_code).toBe('WECHAT_45166');
    expect(d1.last_error_message).toContain('正文内容不合法');

    sim.wechat.failNextPublish({ status: 4, appid: acc.appid });
    const rejected = await publish(acc.id);
    const d2 = await settled(rejected.id);
    expect(d2.state).toBe('failed');
    expect(d2.last_error_code).toBe('WECHAT_PUBLISH_STATUS_4');
    expect(d2.last_error_message).toContain('平台审核不通过');
    expect(records(rejected.title)).toHaveLength(0);
  });

  it('a submit whose answer is lost is found in the publication list: published once, never submitted again', async () => {
    const acc = await account();
    sim.faults.add({ system: 'wechat', account: acc.appid, path: '/cgi-bin/freepublish/submit', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    const item = await publish(acc.id);
    const d = await settled(item.id);
    expect(d.state).toBe('published');
    expect(records(item.title)).toHaveLength(1);
    expect(calls(acc.appid, '/cgi-bin/freepublish/submit')).toHaveLength(1);
    expect(calls(acc.appid, '/cgi-bin/freepublish/batchget').length).toBeGreaterThanOrEqual(1);
    const ev = await events(d.id);
    expect(ev.some((e: { kind: string; response: string }) => e.kind === 'reconcile' && /"found":true/.test(e.response))).toBe(true);
    expect(d.external_url).toBe(records(item.title)[0].url);
  });

  it('a draft/add whose answer is lost is made again, and still published once', async () => {
    const acc = await account();
    sim.faults.add({ system: 'wechat', account: acc.appid, path: '/cgi-bin/draft/add', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    const item = await publish(acc.id);
    expect((await settled(item.id)).state).toBe('published');
    expect(records(item.title)).toHaveLength(1);
    expect(calls(acc.appid, '/cgi-bin/freepublish/submit')).toHaveLength(1);
  });

  it('the PUBLISHJOBFINISH / FREEPUBLISHJOBFINISH callback confirms without waiting for the next poll; forged ones are refused', async () => {
    const acc = await account({ confirmPollMs: 600_000 }, { callbackToken: 'cb-token-1' });
    sim.wechat.registerAccount({ appid: acc.appid, callbackUrl: `${sys.url}/api/v1/callbacks/wechat/${acc.id}`, callbackToken: 'cb-token-1' });
    sim.wechat.configure({ callbackEvent: 'FREEPUBLISHJOBFINISH', publishIdType: 'string' });
    try {
      const item = await publish(acc.id);
      const d = await settled(item.id, ['published', 'failed'], 15_000);
      expect(d.state).toBe('published');
      expect(d.external_url).toBe(records(item.title)[0].url);
      expect((await events(d.id)).some((e: { kind: string }) => e.kind === 'callback')).toBe(true);
      // only one freepublish/get at most: the poll was 10 minutes away
      expect(calls(acc.appid, '/cgi-bin/freepublish/get').length).toBe(0);
      const pushed = await answeredPushes(sim, acc.appid);
      expect(pushed).toHaveLength(1);
      expect(pushed[0].delivered).toBe(true);
      expect(pushed[0].event).toBe('FREEPUBLISHJOBFINISH');
    } finally {
      sim.wechat.configure({ callbackEvent: 'PUBLISHJOBFINISH', publishIdType: 'number' });
    }
    const forged = await sys.http.post(`/callbacks/wechat/${acc.id}?signature=bad&timestamp=1&nonce=2`, '<xml><Event>PUBLISHJOBFINISH</Event></xml>', {
      headers: { 'content-type': 'text/xml' },
    });
    expect(forged.status).toBe(403);
  });

  it('an unsigned callback (account without a callback Token) is refused before anything is asked of the platform; the poll confirms', async () => {
    const acc = await account();
    sim.wechat.registerAccount({ appid: acc.appid, callbackUrl: `${sys.url}/api/v1/callbacks/wechat/${acc.id}` });
    const item = await publish(acc.id);
    const d = await settled(item.id, ['published', 'failed'], 15_000);
    expect(d.state).toBe('published');
    // the simulator's unsigned pushes were refused; the delivery was confirmed by its own poll
    const pushed = await answeredPushes(sim, acc.appid);
    expect(pushed.map((c) => [c.delivered, c.lastStatus])).toEqual([[false, 403]]);
    expect((await events(d.id)).some((e: { kind: string }) => e.kind === 'callback')).toBe(false);
    const gets = calls(acc.appid, '/cgi-bin/freepublish/get').length;
    const xml = `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>${d.checkpoint.publishId}</publish_id><publish_status>0</publish_status><article_id><![CDATA[fake]]></article_id></PublishEventInfo></xml>`;
    const r = await sys.http.post(`/callbacks/wechat/${acc.id}`, xml, { headers: { 'content-type': 'text/xml' } });
    expect(r.status).toBe(403);
    expect(r.data.code).toBe('CALLBACK_NOT_CONFIGURED');
    expect(calls(acc.appid, '/cgi-bin/freepublish/get').length).toBe(gets);
  });

  it('withdrawal deletes the article (freepublish/delete); 48001 stops the account with the reason', async () => {
    const acc = await account();
    const item = await publish(acc.id);
    expect((await settled(item.id)).state).toBe('published');
    expect((await reviewer.post(`/items/${item.id}/withdraw`, { reason: '内容有误' })).status).toBe(200);
    const d = await settled(item.id, ['withdrawn']);
    expect(d.state).toBe('withdrawn');
    const rec = sim.records.list({ system: 'wechat' }).find((r) => r.title === item.title)!;
    expect(rec.deleted).toBe(true);
    expect(await (await fetch(rec.url!)).text()).toContain('该内容已被发布者删除');
    const ledger = await sys.ds.query(
      `SELECT w.id FROM publication_records r JOIN publication_withdrawals w ON w.publication_record_id = r.id WHERE r.item_id = $1`,
      [item.id],
    );
    expect(ledger).toHaveLength(1);

    const acc2 = await account();
    sim.wechat.registerAccount({ appid: acc2.appid, deleteUnauthorized: true });
    const kept = await publish(acc2.id);
    expect((await settled(kept.id)).state).toBe('published');
    await reviewer.post(`/items/${kept.id}/withdraw`, { reason: '内容有误' });
    // 48001 is an account problem: the account stops and the operator is told; the withdrawal waits for the fix
    const row = await waitFor(
      async () => {
        const r = (await sys.ds.query(`SELECT status, status_reason FROM channel_accounts WHERE id = $1`, [acc2.id]))[0];
        return r.status === 'needs_attention' ? r : null;
      },
      20_000,
      'account needs attention',
    );
    expect(row.status_reason).toContain('WECHAT_48001');
    expect(row.status_reason).toContain('接口的权限');
    // The account stops and the delivery records its error in separate writes: wait for the second.
    const d2 = await waitFor(
      async () => {
        const d = await delivery(kept.id);
        return d.last_error_message ? d : null;
      },
      20_000,
      'withdrawal error recorded on the delivery',
    );
    expect(d2.state).toBe('withdrawing');
    expect(d2.last_error_message).toContain('撤回失败');
    expect(records(kept.title)[0].deleted).toBe(false);
  });
});
