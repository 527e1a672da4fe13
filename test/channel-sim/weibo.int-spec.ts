import { AxiosInstance } from 'axios';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import { client, form, jpeg, padded, png, urlencoded } from './sim-test-helpers';

describe('channel-sim: Weibo statuses API', () => {
  let sim: ChannelSim;
  let wb: AxiosInstance;
  const portal = 'http://127.0.0.1:4000/xxgk/2025/0001.html';

  beforeAll(async () => {
    sim = await startChannelSim();
    wb = client(sim.baseUrls.weibo);
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => sim.reset());

  const share = (fields: Record<string, string>) => wb.post('/2/statuses/share.json', urlencoded(fields), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('posts a status and answers a status object', async () => {
    const r = await share({ access_token: 'tok-a', status: `【通知】县政府关于做好防汛工作的通知 ${portal}`, rip: '10.1.2.3' });
    expect(r.status).toBe(200);
    expect(r.data).toMatchObject({
      id: expect.any(Number),
      idstr: String(r.data.id),
      mid: expect.any(String),
      text: `【通知】县政府关于做好防汛工作的通知 ${portal}`,
      user: { id: expect.any(Number), idstr: expect.any(String), screen_name: expect.any(String) },
    });
    expect(r.data.created_at).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0800 \d{4}$/);
    expect(r.data.original_pic).toBeUndefined();
    const recs = sim.records.list({ system: 'weibo' });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ account: String(r.data.user.id), externalId: r.data.idstr, text: r.data.text, deleted: false });
  });

  it('accepts a multipart post with a picture and serves the picture back', async () => {
    const img = await jpeg(40, 30);
    const r = await wb.post('/2/statuses/share.json', form({ access_token: 'tok-a', status: `图片新闻 ${portal}` }, { pic: { data: img, filename: 'p.jpg', type: 'image/jpeg' } }));
    expect(r.status).toBe(200);
    for (const k of ['thumbnail_pic', 'bmiddle_pic', 'original_pic']) expect(r.data[k]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/weibo\/sinaimg\//);
    const back = await client(sim.url).get(r.data.original_pic, { responseType: 'arraybuffer' });
    expect(Buffer.from(back.data).equals(img)).toBe(true);
  });

  it('refuses pictures that are not JPEG/GIF/PNG (20005) or too large (20006)', async () => {
    const bad = await wb.post('/2/statuses/share.json', form({ access_token: 'tok-a', status: `a ${portal}` }, { pic: { data: Buffer.from('<svg/>'), filename: 'p.svg', type: 'image/svg+xml' } }));
    expect(bad.status).toBe(400);
    expect(bad.data).toEqual({ request: '/2/statuses/share.json', error_code: '20005', error: expect.any(String) });
    const big = await wb.post('/2/statuses/share.json', form({ access_token: 'tok-a', status: `b ${portal}` }, { pic: { data: padded(await png(), 5 * 1024 * 1024), filename: 'p.png', type: 'image/png' } }));
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
    const other = await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-b', id: a.idstr }), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(other.data.error_code).toBe('20101');
    const d = await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-a', id: a.idstr }), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(d.status).toBe(200);
    expect(d.data.id).toBe(a.id);
    expect(sim.records.list({ system: 'weibo' })[0]).toMatchObject({ deleted: true, deletedReason: 'statuses/destroy' });
    const again = await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-a', id: a.idstr }), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(again.data.error_code).toBe('20101');
  });

  it('lists the user own recent statuses in user_timeline, newest first, without deleted ones', async () => {
    const s1 = (await share({ access_token: 'tok-a', status: `一 ${portal}` })).data;
    const s2 = (await share({ access_token: 'tok-a', status: `二 ${portal}` })).data;
    await share({ access_token: 'tok-b', status: `别人的 ${portal}` });
    const s3 = (await share({ access_token: 'tok-a', status: `三 ${portal}` })).data;
    await wb.post('/2/statuses/destroy.json', urlencoded({ access_token: 'tok-a', id: s2.idstr }), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const t = await wb.get('/2/statuses/user_timeline.json', { params: { access_token: 'tok-a', count: 10 } });
    expect(t.status).toBe(200);
    expect(t.data.statuses.map((s: { id: number }) => s.id)).toEqual([s3.id, s1.id]);
    expect(t.data.total_number).toBe(2);
    const one = await wb.get('/2/statuses/user_timeline.json', { params: { access_token: 'tok-a', count: 1 } });
    expect(one.data.statuses).toHaveLength(1);
  });
});
