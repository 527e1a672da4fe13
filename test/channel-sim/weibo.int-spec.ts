import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { client, form, jpeg, padded, png, startSimSuite, urlencoded } from './sim-test-helpers';

/** The error_code statuses/share answers to a #话题# (see WEIBO_ERRORS in the simulator for its source). */
const WEIBO_TOPIC_CODE = '10017';

describe('channel-sim: Weibo statuses API', () => {
  let sim: ChannelSim;
  let wb: AxiosInstance;
  const portal = 'http://127.0.0.1:4000/xxgk/2025/0001.html';

  startSimSuite((started) => {
    sim = started;
    wb = client(sim.baseUrls.weibo);
  });
  beforeEach(() => sim.reset());

  /** statuses/share with a rip (required) unless the test says otherwise */
  const share = (fields: Record<string, string>) =>
    wb.post('/2/statuses/share.json', urlencoded({ rip: '203.0.113.5', ...fields }), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('posts a status and answers a status object', async () => {
    const r = await share({ access_token: 'tok-a', status: `【通知】县政府关于做好防汛工作的通知 ${portal}`, rip: '10.1.2.3' });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({
      id: expect.any(Number),
      idstr: String(r.data.id),
      mid: expect.any(String),
      text: expect.stringMatching(/^【通知】县政府关于做好防汛工作的通知 http:\/\/t\.cn\/[0-9A-Za-z]{7}$/),
      user: { id: expect.any(Number), idstr: expect.any(String), screen_name: expect.any(String) },
    });
    expect(r.data.created_at).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0800 \d{4}$/);
    expect(r.data.original_pic).toBeUndefined();
    const recs = sim.records.list({ system: 'weibo' });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ account: String(r.data.user.id), externalId: r.data.idstr, text: r.data.text, deleted: false });
    expect(recs[0].meta).toMatchObject({ sentText: `【通知】县政府关于做好防汛工作的通知 ${portal}`, rip: '10.1.2.3', source: 'api' });
  });

  it('accepts a multipart post with a picture and serves the picture back', async () => {
    const img = await jpeg(40, 30);
    const r = await wb.post(
      '/2/statuses/share.json',
      form({ access_token: 'tok-a', status: `图片新闻 ${portal}`, rip: '203.0.113.5' }, { pic: { data: img, filename: 'p.jpg', type: 'image/jpeg' } }),
    );
    expect(r.status).toBe(200);
    for (const k of ['thumbnail_pic', 'bmiddle_pic', 'original_pic']) expect(r.data[k]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/weibo\/sinaimg\//);
    const back = await client(sim.url).get(r.data.original_pic, { responseType: 'arraybuffer' });
    expect(Buffer.from(back.data).equals(img)).toBe(true);
  });

  it('refuses pictures that are not JPEG/GIF/PNG (20005) or too large (20006)', async () => {
    const bad = await wb.post(
      '/2/statuses/share.json',
      form(
        { access_token: 'tok-a', status: `a ${portal}`, rip: '203.0.113.5' },
        { pic: { data: Buffer.from('<svg/>'), filename: 'p.svg', type: 'image/svg+xml' } },
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.data).toEqual({ request: '/2/statuses/share.json', error_code: '20005', error: expect.any(String) });
    const big = await wb.post(
      '/2/statuses/share.json',
      form(
        { access_token: 'tok-a', status: `b ${portal}`, rip: '203.0.113.5' },
        { pic: { data: padded(await png(), 5 * 1024 * 1024), filename: 'p.png', type: 'image/png' } },
      ),
    );
    expect(big.data.error_code).toBe('20006');
    expect(sim.records.list({ system: 'weibo' })).toHaveLength(0);
  });

  it('counts length the Weibo way: 140 passes, 141 is 20012', async () => {
    const url = 'http://127.0.0.1/a'; // 18 ASCII = 9
    const ok = await share({ access_token: 'tok-a', status: '字'.repeat(131) + url });
    expect(ok.status).toBe(200);
    const long = await share({ access_token: 'tok-a', status: '字'.repeat(132) + url });
    expect(long.status).toBe(400);
    expect(long.data).toMatchObject({ error_code: '20012', request: '/2/statuses/share.json' });
  });

  it('needs a URL on the bound safe domain (10017)', async () => {
    const r = await share({ access_token: 'tok-a', status: '没有链接的通知 http://example.com/a' });
    expect(r.data).toMatchObject({ error_code: '10017', error: 'appkey not bind domain!' });
    sim.weibo.configure({ safeDomains: ['xxgk.example.gov.cn'] });
    expect((await share({ access_token: 'tok-a', status: `旧域名 ${portal}` })).data.error_code).toBe('10017');
    expect((await share({ access_token: 'tok-a', status: '新域名 https://www.xxgk.example.gov.cn/p/1.html' })).status).toBe(200);
  });

  it('refuses identical text by the same user (20019) within the window only', async () => {
    const text = `重复内容 ${portal}`;
    expect((await share({ access_token: 'tok-a', status: text })).status).toBe(200);
    const dup = await share({ access_token: 'tok-a', status: text });
    expect(dup.status).toBe(400);
    expect(dup.data.error_code).toBe('20019');
    expect((await share({ access_token: 'tok-b', status: text })).status).toBe(200);
    sim.clock.advance(24 * 3600 * 1000 + 1);
    expect((await share({ access_token: 'tok-a', status: text })).status).toBe(200);
    expect(sim.records.list({ system: 'weibo' })).toHaveLength(3);
  });

  it('limits posts per user per hour (10023, HTTP 403)', async () => {
    sim.weibo.configure({ postsPerHour: 2 });
    expect((await share({ access_token: 'tok-a', status: `1 ${portal}` })).status).toBe(200);
    expect((await share({ access_token: 'tok-a', status: `2 ${portal}` })).status).toBe(200);
    const r = await share({ access_token: 'tok-a', status: `3 ${portal}` });
    expect(r.status).toBe(403);
    expect(r.data).toEqual({ request: '/2/statuses/share.json', error_code: '10023', error: 'User requests out of rate limit!' });
    sim.clock.advance(3600 * 1000);
    expect((await share({ access_token: 'tok-a', status: `3 ${portal}` })).status).toBe(200);
  });

  it('answers token errors: 21301 missing, 21332 unknown or revoked, 21327 / 21315 expired', async () => {
    expect((await share({ status: `x ${portal}` })).data.error_code).toBe('21301');
    sim.weibo.configure({ acceptUnknownTokens: false });
    const unknown = await share({ access_token: 'who', status: `x ${portal}` });
    expect(unknown.status).toBe(401);
    expect(unknown.data.error_code).toBe('21332');
    sim.weibo.registerToken({ token: 'reg', uid: 5550001, screenName: '某县发布' });
    const ok = await share({ access_token: 'reg', status: `x ${portal}` });
    expect(ok.data.user).toMatchObject({ id: 5550001, screen_name: '某县发布' });

    sim.weibo.expireToken('reg', 21315);
    expect((await share({ access_token: 'reg', status: `y ${portal}` })).data.error_code).toBe('21315');
    await client(sim.url).post('/_sim/weibo/tokens', { token: 'reg', expired: 21327 });
    expect((await share({ access_token: 'reg', status: `y ${portal}` })).data.error_code).toBe('21327');
    await client(sim.url).delete('/_sim/weibo/tokens/reg');
    expect((await share({ access_token: 'reg', status: `y ${portal}` })).data.error_code).toBe('21332');
  });

  it('sends error_code as a number when configured', async () => {
    sim.weibo.configure({ errorCodeAsNumber: true });
    const r = await share({ access_token: 'tok-a', status: 'no url' });
    expect(r.data.error_code).toBe(10017);
  });

  it('destroys own statuses only (20101 otherwise) and marks the record deleted', async () => {
    const a = (await share({ access_token: 'tok-a', status: `要删除的 ${portal}` })).data;
    const other = await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-b', id: a.idstr }), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(other.data.error_code).toBe('20101');
    const d = await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-a', id: a.idstr }), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(d.status).toBe(200);
    expect(d.data.id).toBe(a.id);
    expect(sim.records.list({ system: 'weibo' })[0]).toMatchObject({ deleted: true, deletedReason: 'statuses/destroy' });
    const again = await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-a', id: a.idstr }), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(again.data.error_code).toBe('20101');
  });

  it('lists the user own recent statuses in user_timeline, newest first, without deleted ones', async () => {
    const s1 = (await share({ access_token: 'tok-a', status: `一 ${portal}` })).data;
    const s2 = (await share({ access_token: 'tok-a', status: `二 ${portal}` })).data;
    await share({ access_token: 'tok-b', status: `别人的 ${portal}` });
    const s3 = (await share({ access_token: 'tok-a', status: `三 ${portal}` })).data;
    await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-a', id: s2.idstr }), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const t = await wb.get('/2/statuses/user_timeline.json', { params: { access_token: 'tok-a', count: 10 } });
    expect(t.status).toBe(200);
    expect(t.data.statuses.map((s: { id: number }) => s.id)).toEqual([s3.id, s1.id]);
    expect(t.data.total_number).toBe(2);
    const one = await wb.get('/2/statuses/user_timeline.json', { params: { access_token: 'tok-a', count: 1 } });
    expect(one.data.statuses).toHaveLength(1);
  });

  // ---- issue 13: the platform as it really answers (see apps/channel-sim/src/weibo/weibo.sim.ts for the sources)

  const timeline = (token: string, params: Record<string, unknown> = {}) =>
    wb.get('/2/statuses/user_timeline.json', { params: { access_token: token, ...params } });

  it('user_timeline shows only the latest 5 posts, whatever count and page ask for', async () => {
    const ids: number[] = [];
    for (let i = 1; i <= 7; i++) ids.push((await share({ access_token: 'tok-a', status: `第${i}条 ${portal}` })).data.id);
    const t = await timeline('tok-a', { count: 50 });
    expect(t.status).toBe(200);
    expect(t.data.statuses.map((s: { id: number }) => s.id)).toEqual(ids.slice(2).reverse());
    const p2 = await timeline('tok-a', { count: 5, page: 2 });
    expect(p2.data.statuses).toEqual([]);
    const older = await timeline('tok-a', { count: 50, max_id: ids[3] });
    expect(older.data.statuses.map((s: { id: number }) => s.id)).toEqual([ids[3], ids[2]]);
  });

  it('rewrites every URL in a post to a t.cn short link (the same URL, the same link)', async () => {
    const a = (await share({ access_token: 'tok-a', status: `一 ${portal} 另见 https://www.gov.cn/zhengce/2025.htm` })).data;
    expect(a.text).toMatch(/^一 http:\/\/t\.cn\/[0-9A-Za-z]{7} 另见 http:\/\/t\.cn\/[0-9A-Za-z]{7}$/);
    expect(a.text).not.toContain('127.0.0.1');
    const b = (await share({ access_token: 'tok-b', status: `二 ${portal}` })).data;
    expect(b.text.split(' ')[1]).toBe(a.text.split(' ')[1]);
    expect((await timeline('tok-a')).data.statuses[0].text).toBe(a.text);
  });

  it('refuses #话题# in statuses/share, and takes nothing', async () => {
    const r = await share({ access_token: 'tok-a', status: `#示范县发布# 今冬供暖安排 ${portal}` });
    expect(r.status).toBe(400);
    expect(r.data.request).toBe('/2/statuses/share.json');
    expect(r.data.error_code).toBe(WEIBO_TOPIC_CODE);
    expect(sim.records.list({ system: 'weibo' })).toHaveLength(0);
    // a single # (an item number) is no topic
    expect((await share({ access_token: 'tok-a', status: `第#3号通告 ${portal}` })).status).toBe(200);
  });

  it('requires rip, an IP address (10016 / 10017), and takes nothing without it', async () => {
    const none = await wb.post('/2/statuses/share.json', urlencoded({ access_token: 'tok-a', status: `无rip ${portal}` }), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(none.status).toBe(400);
    expect(none.data).toMatchObject({ error_code: '10016', error: expect.stringContaining('(rip)') });
    expect((await share({ access_token: 'tok-a', status: `坏rip ${portal}`, rip: 'localhost' })).data.error_code).toBe('10017');
    expect(sim.records.list({ system: 'weibo' })).toHaveLength(0);
  });

  it('can number "Update success, while server slow now" 20020, as an older official table does', async () => {
    sim.weibo.configure({ slowUpdateNext: 1, slowUpdateCode: 20020 });
    const r = await share({ access_token: 'tok-a', status: `旧编号 ${portal}` });
    expect(r.data).toMatchObject({ error_code: '20020', error: 'Update success, while server slow now, please wait 1-2 minutes' });
    expect(sim.records.list({ system: 'weibo' })).toHaveLength(1);
  });

  it('answers 20032 "Update success, while server slow now" for a post it made, shown only 1-2 minutes later', async () => {
    sim.weibo.configure({ slowUpdateNext: 1 });
    const r = await share({ access_token: 'tok-a', status: `慢 ${portal}` });
    expect(r.status).toBe(400);
    expect(r.data).toEqual({ request: '/2/statuses/share.json', error_code: '20032', error: 'Update success, while server slow now, please wait 1-2 minutes' });
    const recs = sim.records.list({ system: 'weibo' });
    expect(recs).toHaveLength(1);
    expect((await timeline('tok-a')).data.statuses).toEqual([]);
    expect((await wb.get('/2/statuses/show.json', { params: { access_token: 'tok-a', id: recs[0].externalId } })).data.error_code).toBe('20101');
    sim.clock.advance(2 * 60_000);
    const t = (await timeline('tok-a')).data.statuses;
    expect(t.map((s: { idstr: string }) => s.idstr)).toEqual([recs[0].externalId]);
    // the next one answers normally again
    expect((await share({ access_token: 'tok-a', status: `快 ${portal}` })).status).toBe(200);
  });

  it('takes posts the office makes in the Weibo app (outside the product): no safe-domain link needed, shown in the timeline', async () => {
    const own = (await share({ access_token: 'tok-a', status: `产品发的 ${portal}` })).data;
    const app = await client(sim.url).post('/_sim/weibo/statuses', { token: 'tok-a', text: '今天下午县政务服务中心正常办公 https://example.com/x' });
    expect(app.status).toBe(200);
    expect(app.data.text).toMatch(/^今天下午县政务服务中心正常办公 http:\/\/t\.cn\/[0-9A-Za-z]{7}$/);
    const byApp = sim.weibo.postFromApp('tok-a', '#示范县发布# 通知');
    const t = (await timeline('tok-a')).data.statuses.map((s: { idstr: string }) => s.idstr);
    expect(t).toEqual([byApp.idstr, app.data.idstr, own.idstr]);
    const recs = sim.records.list({ system: 'weibo' });
    expect(recs.map((x) => x.meta?.source)).toEqual(['api', 'app', 'app']);
  });
});
