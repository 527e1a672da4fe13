import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { huiduSign } from '@app/channel-sim/huidu/huidu-sign';
import { client, form, jpeg, startSimSuite, urlencoded } from './sim-test-helpers';

describe('channel-sim: fault injection', () => {
  let sim: ChannelSim;
  let tc: AxiosInstance;
  let ctl: AxiosInstance;
  const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const post = (token = 'tok', ref = 'r') => tc.post('/posts', { ref, title: '标题', text: '正文' }, auth(token));

  startSimSuite((started) => {
    sim = started;
    tc = client(sim.baseUrls.testchan);
    ctl = client(`${sim.url}/_sim`);
  });
  beforeEach(() => sim.reset());

  describe('named errors in each system format', () => {
    it('WeChat errcode -1 / 45009 / 40001, HTTP 200 like the platform', async () => {
      const wx = client(sim.baseUrls.wechat);
      for (const code of [-1, 45009, 40001]) {
        sim.faults.clear();
        sim.faults.add({ system: 'wechat', path: '/cgi-bin/token', error: code });
        const r = await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx1', secret: 's' } });
        expect(r.status).toBe(200);
        expect(r.data).toEqual({ errcode: code, errmsg: expect.any(String) });
      }
    });

    it('Weibo 10023 (403) and 20019 (400), as string by default', async () => {
      const wb = client(sim.baseUrls.weibo);
      sim.faults.add({ system: 'weibo', path: '/2/statuses/share.json', error: '10023', count: 1 });
      sim.faults.add({ system: 'weibo', path: '/2/statuses/share.json', error: 20019, count: 1 });
      const send = () =>
        wb.post('/2/statuses/share.json', urlencoded({ access_token: 't', status: 'x http://127.0.0.1/', rip: '203.0.113.5' }), {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      const a = await send();
      expect(a.status).toBe(403);
      expect(a.data).toEqual({ request: '/2/statuses/share.json', error_code: '10023', error: 'User requests out of rate limit!' });
      const b = await send();
      expect(b.status).toBe(400);
      expect(b.data.error_code).toBe('20019');
      expect((await send()).status).toBe(200);
      expect(sim.records.list({ system: 'weibo' })).toHaveLength(1);
    });

    it('Huidu failure', async () => {
      sim.huidu.addKey('k', 's');
      sim.huidu.registerDevice({ id: 'D1', width: 64, height: 16 });
      sim.faults.add({ system: 'huidu', path: '/api/program/*', error: 'failure' });
      const text = JSON.stringify({ method: 'getAll', data: [] });
      const date = new Date().toUTCString();
      const r = await client(sim.baseUrls.huidu).post('/api/program/D1', text, {
        headers: { 'content-type': 'application/json', sdkKey: 'k', date, sign: huiduSign(text, 'k', date, 's') },
      });
      expect(r.data).toEqual({ method: 'getAll', message: 'failed', data: expect.stringContaining('kFailure') });
    });

    it('bare HTTP 500 and 503 pages', async () => {
      sim.faults.add({ system: 'testchan', error: 'http:500', count: 1 });
      sim.faults.add({ system: 'testchan', error: 'http:503', count: 1 });
      const a = await post();
      expect(a.status).toBe(500);
      expect(a.headers['content-type']).toMatch(/text\/html/);
      expect((await post()).status).toBe(503);
      expect((await post()).status).toBe(200);
      expect(sim.records.list({ system: 'testchan' })).toHaveLength(1);
    });
  });

  it('errorRate 0 never fires; a seeded errorRate 0.5 fires on some calls and not others', async () => {
    const never = sim.faults.add({ system: 'testchan', error: 'busy', errorRate: 0 });
    for (let i = 0; i < 5; i++) expect((await post()).status).toBe(200);
    sim.faults.remove(never.id);

    sim.faults.setSeed(42);
    sim.faults.add({ system: 'testchan', error: 'busy', errorRate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await post('tok', `r${i}`)).status);
    const busy = statuses.filter((s) => s === 503).length;
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThan(40);
    expect(sim.records.list({ system: 'testchan' })).toHaveLength(5 + 40 - busy);
    const f = sim.faults.list()[0];
    expect(f).toMatchObject({ hits: 40, fired: busy });
  });

  it('count applies to the next N calls only, then the fault is gone', async () => {
    sim.faults.add({ system: 'testchan', path: '/posts', error: 'rate_limited', count: 2 });
    expect((await post()).status).toBe(429);
    expect((await post()).status).toBe(429);
    expect((await post()).status).toBe(200);
    expect(sim.faults.list()).toHaveLength(0);
  });

  it('matches by account, path pattern and method', async () => {
    sim.faults.add({ system: 'testchan', account: 'tok-bad', error: 'busy' });
    sim.faults.add({ system: 'testchan', path: '/posts/*', method: 'DELETE', error: 'http:500' });
    expect((await post('tok-bad')).status).toBe(503);
    const ok = await post('tok-good');
    expect(ok.status).toBe(200);
    expect((await tc.get(`/posts/${ok.data.id}`, auth('tok-good'))).status).toBe(200);
    expect((await tc.delete(`/posts/${ok.data.id}`, auth('tok-good'))).status).toBe(500);

    // WeChat calls are matched to the appid behind the access_token
    const wx = client(sim.baseUrls.wechat);
    const token = (appid: string) =>
      wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid, secret: 's' } }).then((r) => r.data.access_token as string);
    const tA = await token('wxA');
    const tB = await token('wxB');
    sim.faults.add({ system: 'wechat', account: 'wxA', path: '/cgi-bin/freepublish/*', error: 45009 });
    expect((await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1 }, { params: { access_token: tA } })).data.errcode).toBe(45009);
    expect((await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1 }, { params: { access_token: tB } })).data.total_count).toBe(0);
  });

  it('latency beyond the client timeout makes the call time out while the effect still happens', async () => {
    sim.faults.add({ system: 'testchan', path: '/posts', latencyMs: 600, count: 1 });
    const impatient = client(sim.baseUrls.testchan, 150);
    await expect(impatient.post('/posts', { ref: 'slow', title: 't', text: 'x' }, auth('tok'))).rejects.toMatchObject({ code: 'ECONNABORTED' });
    const rec = await sim.records.waitFor((r) => r.meta?.ref === 'slow', 3000);
    expect(rec.system).toBe('testchan');
    expect(sim.faults.requests({ system: 'testchan' })[0].faults).toHaveLength(1);
  });

  describe('timeoutAfterEffect', () => {
    it('hang: the post is recorded but the answer never arrives', async () => {
      sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', timeoutAfterEffect: { mode: 'hang', holdMs: 5000 }, count: 1 });
      const impatient = client(sim.baseUrls.testchan, 300);
      await expect(impatient.post('/posts', { ref: 'lost-answer', title: 't', text: 'x' }, auth('tok'))).rejects.toMatchObject({ code: 'ECONNABORTED' });
      const recs = sim.records.list({ system: 'testchan' });
      expect(recs).toHaveLength(1);
      expect(recs[0].meta?.ref).toBe('lost-answer');
      // the reconcile lookup finds it
      const found = await tc.get('/posts', { params: { ref: 'lost-answer' }, ...auth('tok') });
      expect(found.data.items).toHaveLength(1);
      expect(sim.faults.requests({ system: 'testchan' })[0].outcome).toBe('swallowed');
    });

    it('destroy: the socket is reset after the effect', async () => {
      sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
      const err = await post('tok', 'reset-after').then(
        () => undefined,
        (e: { code?: string; message?: string }) => e,
      );
      expect(err).toBeDefined();
      expect(String(err?.code ?? err?.message)).toMatch(/ECONNRESET|socket hang up|ERR_BAD_RESPONSE/i);
      expect(sim.records.list({ system: 'testchan' }).map((r) => r.meta?.ref)).toEqual(['reset-after']);
    });

    it('on WeChat freepublish/submit the publication still completes', async () => {
      sim.wechat.configure({ publishDelayMs: 20 });
      const wx = client(sim.baseUrls.wechat);
      const t = (await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx1', secret: 's' } })).data.access_token;
      const cover = await wx.post('/cgi-bin/material/add_material', form({}, { media: { data: await jpeg(), filename: 'c.jpg', type: 'image/jpeg' } }), {
        params: { access_token: t, type: 'thumb' },
      });
      const d = await wx.post(
        '/cgi-bin/draft/add',
        { articles: [{ title: '超时但已发布', content: '<p>x</p>', thumb_media_id: cover.data.media_id }] },
        { params: { access_token: t } },
      );
      sim.faults.add({ system: 'wechat', path: '/cgi-bin/freepublish/submit', timeoutAfterEffect: { mode: 'hang', holdMs: 3000 }, count: 1 });
      await expect(
        client(sim.baseUrls.wechat, 300).post('/cgi-bin/freepublish/submit', { media_id: d.data.media_id }, { params: { access_token: t } }),
      ).rejects.toMatchObject({ code: 'ECONNABORTED' });
      const rec = await sim.records.waitFor((r) => r.system === 'wechat' && r.title === '超时但已发布', 3000);
      expect(rec.deleted).toBe(false);
      // reconciling through batchget finds it; a blind retry of the submit cannot publish twice
      const list = await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 20, no_content: 1 }, { params: { access_token: t } });
      expect(list.data.item[0].content.news_item[0].title).toBe('超时但已发布');
      expect((await wx.post('/cgi-bin/freepublish/submit', { media_id: d.data.media_id }, { params: { access_token: t } })).data.errcode).toBe(40007);
    });
  });

  it('reset and hang errors give no effect', async () => {
    sim.faults.add({ system: 'testchan', error: 'reset', count: 1 });
    await expect(post()).rejects.toBeDefined();
    sim.faults.add({ system: 'testchan', error: 'hang', count: 1 });
    await expect(client(sim.baseUrls.testchan, 200).post('/posts', { ref: 'h', title: 't', text: 'x' }, auth('tok'))).rejects.toMatchObject({
      code: 'ECONNABORTED',
    });
    expect(sim.records.list()).toHaveLength(0);
  });

  it('an outage window refuses calls until it ends (simulated clock)', async () => {
    sim.faults.add({ system: 'testchan', outage: { forMs: 60_000 } });
    await expect(post()).rejects.toBeDefined();
    sim.clock.advance(60_001);
    expect((await post()).status).toBe(200);

    const from = sim.clock.now() + 10_000;
    sim.faults.add({ system: 'testchan', outage: { from: new Date(from).toISOString(), to: from + 5_000, mode: '503' } });
    expect((await post()).status).toBe(200);
    sim.clock.advance(10_000);
    expect((await post()).status).toBe(503);
    sim.clock.advance(5_000);
    expect((await post()).status).toBe(200);
    expect(sim.records.list({ system: 'testchan' })).toHaveLength(3);
  });

  describe('control API over HTTP', () => {
    it('adds, lists and removes faults; refuses malformed ones', async () => {
      const add = await ctl.post('/faults', { system: 'testchan', path: '/posts', error: 'busy', label: 'busy once', count: 1 });
      expect(add.status).toBe(201);
      expect(add.data.fault).toMatchObject({ id: expect.any(String), label: 'busy once', remaining: 1 });
      expect((await ctl.get('/faults')).data.faults).toHaveLength(1);
      expect((await ctl.delete(`/faults/${add.data.fault.id}`)).data).toEqual({ ok: true });
      expect((await ctl.delete('/faults/nope')).status).toBe(404);

      expect((await ctl.post('/faults', { system: 'fax', error: 'busy' })).status).toBe(400);
      expect((await ctl.post('/faults', { system: 'testchan' })).data.error).toMatch(/at least one/);
      expect((await ctl.post('/faults', { errorRate: 2, error: 'busy' })).status).toBe(400);

      await ctl.post('/faults', { system: 'testchan', error: 'busy' });
      await ctl.post('/faults', { system: 'wechat', error: -1 });
      await ctl.delete('/faults', { params: { system: 'testchan' } });
      expect((await ctl.get('/faults')).data.faults.map((f: { system: string }) => f.system)).toEqual(['wechat']);
      await ctl.delete('/faults');
      expect((await ctl.get('/faults')).data.faults).toHaveLength(0);
    });

    it('logs requests with the faults applied', async () => {
      await ctl.post('/faults', { system: 'testchan', error: 'busy', count: 1 });
      await post();
      await post();
      const log = (await ctl.get('/requests', { params: { system: 'testchan' } })).data;
      expect(log.count).toBe(2);
      expect(log.requests[0]).toMatchObject({ method: 'POST', path: '/posts', account: 'tok', status: 503, outcome: 'error-injected', faults: ['f1'] });
      expect(log.requests[1]).toMatchObject({ status: 200, outcome: 'answered', faults: [] });
    });
  });
});
