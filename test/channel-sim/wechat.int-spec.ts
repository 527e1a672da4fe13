import * as crypto from 'crypto';
import { AxiosInstance } from 'axios';
import { XMLParser } from 'fast-xml-parser';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { client, form, gif, jpeg, listener, padded, png, startSimSuite, until } from './sim-test-helpers';

describe('channel-sim: WeChat official account API', () => {
  let sim: ChannelSim;
  let wx: AxiosInstance;

  startSimSuite((started) => {
    sim = started;
    wx = client(sim.baseUrls.wechat);
  });
  beforeEach(() => sim.reset());

  async function token(appid = 'wx_app1', secret = 's3cret'): Promise<string> {
    const r = await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid, secret } });
    expect(r.data.access_token).toEqual(expect.any(String));
    return r.data.access_token as string;
  }

  async function thumb(t: string): Promise<string> {
    const r = await wx.post('/cgi-bin/material/add_material', form({}, { media: { data: await jpeg(), filename: 'cover.jpg', type: 'image/jpeg' } }), {
      params: { access_token: t, type: 'thumb' },
    });
    expect(r.data.media_id).toEqual(expect.any(String));
    return r.data.media_id as string;
  }

  async function draft(t: string, over: Record<string, unknown> = {}): Promise<string> {
    const r = await wx.post(
      '/cgi-bin/draft/add',
      {
        articles: [
          {
            title: '关于开展安全生产检查的通知',
            author: '县应急局',
            content: '<p>各乡镇：现将有关事项通知如下。</p>',
            thumb_media_id: await thumb(t),
            ...over,
          },
        ],
      },
      {
        params: { access_token: t },
      },
    );
    expect(r.data).toEqual({ media_id: expect.any(String), item: [] });
    return r.data.media_id as string;
  }

  async function publishAndWait(t: string, mediaId: string) {
    const s = await wx.post('/cgi-bin/freepublish/submit', { media_id: mediaId }, { params: { access_token: t } });
    expect(s.data.errcode).toBe(0);
    return until(async () => {
      const g = await wx.post('/cgi-bin/freepublish/get', { publish_id: s.data.publish_id }, { params: { access_token: t } });
      return g.data.publish_status !== 1 ? { submit: s.data, get: g.data } : undefined;
    });
  }

  describe('access token', () => {
    it('issues a token and checks credentials', async () => {
      const r = await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx1', secret: 'x' } });
      expect(r.status).toBe(200);
      expect(r.data).toEqual({ access_token: expect.any(String), expires_in: 7200 });

      expect((await wx.get('/cgi-bin/token', { params: { grant_type: 'password', appid: 'wx1', secret: 'x' } })).data.errcode).toBe(40002);
      expect((await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', secret: 'x' } })).data.errcode).toBe(41002);
      expect((await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx1' } })).data.errcode).toBe(41004);

      sim.wechat.registerAccount({ appid: 'wx_reg', secret: 'right' });
      const bad = await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx_reg', secret: 'wrong' } });
      expect(bad.data).toEqual({ errcode: 40125, errmsg: expect.stringContaining('invalid appsecret') });
      expect(
        (await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx_reg', secret: 'right' } })).data.access_token,
      ).toBeTruthy();

      sim.wechat.configure({ acceptUnknownAppids: false });
      expect((await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx_other', secret: 'x' } })).data.errcode).toBe(40013);
    });

    it('refuses calls from a non-whitelisted IP with 40164', async () => {
      const t = await token('wx_ip');
      sim.wechat.registerAccount({ appid: 'wx_ip', ipWhitelistFail: true });
      const r = await wx.post('/cgi-bin/draft/add', { articles: [] }, { params: { access_token: t } });
      expect(r.data.errcode).toBe(40164);
      expect(r.data.errmsg).toMatch(/not in whitelist/);
      expect((await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx_ip', secret: 'x' } })).data.errcode).toBe(40164);
    });

    it('keeps the previous token valid for 5 minutes after a new one is issued, then answers 40001', async () => {
      const t1 = await token();
      const t2 = await token();
      expect(t2).not.toBe(t1);
      const call = async (t: string) => (await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 10 }, { params: { access_token: t } })).data;
      expect((await call(t1)).total_count).toBe(0);
      sim.clock.advance(4 * 60_000);
      expect((await call(t1)).total_count).toBe(0);
      sim.clock.advance(61_000);
      expect(await call(t1)).toEqual({ errcode: 40001, errmsg: expect.stringContaining('not latest') });
      expect((await call(t2)).total_count).toBe(0);
    });

    it('answers 41001, 40014 and 42001 for missing, unknown and expired tokens', async () => {
      const call = async (params: Record<string, string>) => (await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1 }, { params })).data;
      expect((await call({})).errcode).toBe(41001);
      expect((await call({ access_token: 'nope' })).errcode).toBe(40014);
      const t = await token();
      sim.clock.advance(7200 * 1000 + 1);
      expect((await call({ access_token: t })).errcode).toBe(42001);

      const t2 = await token();
      expect((await call({ access_token: t2 })).total_count).toBe(0);
      sim.wechat.expireTokens('wx_app1');
      expect((await call({ access_token: t2 })).errcode).toBe(42001);

      sim.wechat.configure({ tokenTtlS: 60 });
      const r = await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx_app1', secret: 'x' } });
      expect(r.data.expires_in).toBe(60);
      sim.clock.advance(61_000);
      expect((await call({ access_token: r.data.access_token })).errcode).toBe(42001);
    });

    it('stable_token returns the same token on repeat and limits force_refresh', async () => {
      sim.wechat.configure({ stableForceRefreshPerDay: 2 });
      const body = { grant_type: 'client_credential', appid: 'wx_st', secret: 'x', force_refresh: false };
      const a = (await wx.post('/cgi-bin/stable_token', body)).data;
      const b = (await wx.post('/cgi-bin/stable_token', body)).data;
      expect(a.access_token).toBeTruthy();
      expect(b.access_token).toBe(a.access_token);
      expect(b.expires_in).toBeLessThanOrEqual(7200);

      const f1 = (await wx.post('/cgi-bin/stable_token', { ...body, force_refresh: true })).data;
      expect(f1.access_token).not.toBe(a.access_token);
      expect((await wx.post('/cgi-bin/stable_token', { ...body, force_refresh: true })).data.errcode).toBe(45011);
      sim.clock.advance(31_000);
      expect((await wx.post('/cgi-bin/stable_token', { ...body, force_refresh: true })).data.access_token).toBeTruthy();
      sim.clock.advance(31_000);
      expect((await wx.post('/cgi-bin/stable_token', { ...body, force_refresh: true })).data.errcode).toBe(45009);
    });
  });

  describe('images', () => {
    it('uploadimg accepts JPG/PNG up to 1 MB, returns an mmbiz URL and keeps the bytes', async () => {
      const t = await token();
      const img = await png();
      const r = await wx.post('/cgi-bin/media/uploadimg', form({}, { media: { data: img, filename: 'a.png', type: 'image/png' } }), {
        params: { access_token: t },
      });
      expect(r.data.url).toMatch(/^http:\/\/mmbiz\.qpic\.cn\/sim\/[A-Za-z0-9_-]+$/);
      const id = (r.data.url as string).split('/').pop();
      const back = await client(sim.url).get(`/_sim/wechat/media/${id}`, { responseType: 'arraybuffer' });
      expect(back.headers['content-type']).toMatch(/image\/png/);
      expect(Buffer.from(back.data).equals(img)).toBe(true);
      expect(sim.wechat.mediaBytes(r.data.url)?.bytes.equals(img)).toBe(true);

      const g = await wx.post('/cgi-bin/media/uploadimg', form({}, { media: { data: await gif(), filename: 'a.gif', type: 'image/gif' } }), {
        params: { access_token: t },
      });
      expect(g.data.errcode).toBe(40005);
      const big = await wx.post(
        '/cgi-bin/media/uploadimg',
        form({}, { media: { data: padded(await jpeg(), 1024 * 1024 + 1), filename: 'b.jpg', type: 'image/jpeg' } }),
        {
          params: { access_token: t },
        },
      );
      expect(big.data.errcode).toBe(40009);
      const none = await wx.post('/cgi-bin/media/uploadimg', form({ other: 'x' }), { params: { access_token: t } });
      expect(none.data.errcode).toBe(41005);
    });

    it('add_material: thumb is JPG up to 64 KB, image up to 10 MB', async () => {
      const t = await token();
      const up = (type: string, data: Buffer, name: string) =>
        wx.post('/cgi-bin/material/add_material', form({}, { media: { data, filename: name, type: 'application/octet-stream' } }), {
          params: { access_token: t, type },
        });
      const ok = await up('thumb', await jpeg(), 'c.jpg');
      expect(ok.data).toEqual({ media_id: expect.any(String), url: expect.stringMatching(/^http:\/\/mmbiz\.qpic\.cn\//), item: [] });
      expect((await up('thumb', await png(), 'c.png')).data.errcode).toBe(40005);
      expect((await up('thumb', padded(await jpeg(), 64 * 1024 + 1), 'c.jpg')).data.errcode).toBe(40009);
      expect((await up('image', await png(), 'c.png')).data.media_id).toBeTruthy();
      expect((await up('video', await png(), 'c.png')).data.errcode).toBe(40004);
    });
  });

  describe('draft/add', () => {
    it.each([
      ['title > 32', { title: '题'.repeat(33) }, 45003],
      ['author > 16', { author: '作'.repeat(17) }, 45110],
      ['digest > 128', { digest: '摘'.repeat(129) }, 45004],
      ['content of 20000 chars', { content: 'x'.repeat(20000) }, 45002],
      ['script in content', { content: '<p>a</p><script>alert(1)</script>' }, 45166],
      ['unknown thumb', { thumb_media_id: 'unknown' }, 40007],
      ['no thumb', { thumb_media_id: '' }, 40007],
      ['content_source_url > 1 KB', { content_source_url: 'http://a/' + 'x'.repeat(1100) }, 45005],
      ['bad crop', { pic_crop_235_1: '0_0_2_1' }, 47001],
    ])('refuses %s with errcode %i', async (_label, over, errcode) => {
      const t = await token();
      const article = { title: '标题', author: '县政府办', content: '<p>正文</p>', thumb_media_id: await thumb(t), ...over };
      const r = await wx.post('/cgi-bin/draft/add', { articles: [article] }, { params: { access_token: t } });
      expect(r.status).toBe(200);
      expect(r.data).toEqual({ errcode, errmsg: expect.any(String) });
    });

    it('accepts exactly 32 title characters and answers 47001 to a malformed body', async () => {
      const t = await token();
      const ok = await wx.post(
        '/cgi-bin/draft/add',
        { articles: [{ title: '题'.repeat(32), content: '<p>a</p>', thumb_media_id: await thumb(t) }] },
        { params: { access_token: t } },
      );
      expect(ok.data.media_id).toBeTruthy();
      const bad = await wx.post('/cgi-bin/draft/add', '{"articles": [', { params: { access_token: t }, headers: { 'content-type': 'application/json' } });
      expect(bad.data.errcode).toBe(47001);
    });

    it('strips images that are not on mmbiz.qpic.cn, like the platform', async () => {
      const t = await token();
      const up = await wx.post('/cgi-bin/media/uploadimg', form({}, { media: { data: await jpeg(), filename: 'a.jpg', type: 'image/jpeg' } }), {
        params: { access_token: t },
      });
      const content = `<p>一</p><img src="${up.data.url}"><img src="http://127.0.0.1:9/portal/a.png"><p>二</p>`;
      const id = await draft(t, { content });
      const g = await wx.post('/cgi-bin/draft/get', { media_id: id }, { params: { access_token: t } });
      expect(g.data.news_item[0].content).toBe(`<p>一</p><img src="${up.data.url}"><p>二</p>`);
      expect(g.data.news_item[0].digest).toBe('一 二');
    });
  });

  describe('publishing', () => {
    it('publishes asynchronously, records once, and serves the article page', async () => {
      sim.wechat.configure({ publishDelayMs: 300 });
      const t = await token();
      const id = await draft(t, { title: '关于2025年度政府信息公开工作的报告' });
      const s = await wx.post('/cgi-bin/freepublish/submit', { media_id: id }, { params: { access_token: t } });
      expect(s.data).toEqual({ errcode: 0, errmsg: 'ok', publish_id: expect.any(Number), msg_data_id: expect.any(Number) });
      const first = await wx.post('/cgi-bin/freepublish/get', { publish_id: s.data.publish_id }, { params: { access_token: t } });
      expect(first.data).toEqual({ publish_id: s.data.publish_id, publish_status: 1, fail_idx: [] });
      expect(sim.records.list({ system: 'wechat' })).toHaveLength(0);

      const done = await until(async () => {
        const g = await wx.post('/cgi-bin/freepublish/get', { publish_id: s.data.publish_id }, { params: { access_token: t } });
        return g.data.publish_status === 0 ? g.data : undefined;
      });
      expect(done).toEqual({
        publish_id: s.data.publish_id,
        publish_status: 0,
        article_id: expect.any(String),
        article_detail: { count: 1, item: [{ idx: 1, article_url: expect.stringContaining(`${sim.url}/wechat/s?`) }] },
        fail_idx: [],
      });
      const recs = sim.records.list({ system: 'wechat' });
      expect(recs).toHaveLength(1);
      expect(recs[0]).toMatchObject({ account: 'wx_app1', externalId: done.article_id, index: 1, title: '关于2025年度政府信息公开工作的报告', deleted: false });

      const page = await client(sim.url).get(done.article_detail.item[0].article_url);
      expect(page.status).toBe(200);
      expect(page.data).toContain('关于2025年度政府信息公开工作的报告');

      // The draft left the draft box: submitting it again cannot publish twice.
      const again = await wx.post('/cgi-bin/freepublish/submit', { media_id: id }, { params: { access_token: t } });
      expect(again.data.errcode).toBe(40007);
      expect(sim.records.list({ system: 'wechat' })).toHaveLength(1);

      const list = await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 20, no_content: 1 }, { params: { access_token: t } });
      expect(list.data.total_count).toBe(1);
      expect(list.data.item[0].article_id).toBe(done.article_id);
      expect(list.data.item[0].content.news_item[0]).toMatchObject({
        title: '关于2025年度政府信息公开工作的报告',
        url: done.article_detail.item[0].article_url,
        is_deleted: false,
      });
      expect(list.data.item[0].content.news_item[0].content).toBeUndefined();
      const art = await wx.post('/cgi-bin/freepublish/getarticle', { article_id: done.article_id }, { params: { access_token: t } });
      expect(art.data.news_item[0].content).toContain('现将有关事项通知如下');
    });

    it('sends publish_id as a string when configured', async () => {
      sim.wechat.configure({ publishIdType: 'string', publishDelayMs: 20 });
      const t = await token();
      const { submit, get } = await publishAndWait(t, await draft(t));
      expect(typeof submit.publish_id).toBe('string');
      expect(get.publish_id).toBe(submit.publish_id);
      expect(get.publish_status).toBe(0);
    });

    it('ends with an injected failure status, records nothing, and keeps the draft', async () => {
      sim.wechat.configure({ publishDelayMs: 20 });
      const t = await token();
      const id = await draft(t);
      sim.wechat.failNextPublish({ status: 2 });
      const { get } = await publishAndWait(t, id);
      expect(get).toEqual({ publish_id: expect.any(Number), publish_status: 2, fail_idx: [1] });
      expect(sim.records.list({ system: 'wechat' })).toHaveLength(0);

      await client(sim.url).post('/_sim/wechat/publish-failures', { status: 4, appid: 'wx_app1' });
      expect((await publishAndWait(t, id)).get.publish_status).toBe(4);
      expect((await publishAndWait(t, id)).get.publish_status).toBe(0);
      expect(sim.records.list({ system: 'wechat' })).toHaveLength(1);
    });

    it('pushes the PUBLISHJOBFINISH XML event to the callback URL, signed with the Token', async () => {
      const l = await listener();
      try {
        sim.wechat.configure({ publishDelayMs: 20 });
        sim.wechat.registerAccount({ appid: 'wx_app1', ghid: 'gh_4d00ed8d6399', callbackUrl: l.url, callbackToken: 'cbtoken' });
        const t = await token();
        const { get } = await publishAndWait(t, await draft(t));
        const [msg] = await l.waitFor(1);
        expect(msg.headers['content-type']).toMatch(/xml/);
        const q = new URL(msg.url, 'http://x').searchParams;
        const expectedSig = crypto
          .createHash('sha1')
          .update(['cbtoken', q.get('timestamp'), q.get('nonce')].sort().join(''))
          .digest('hex');
        expect(q.get('signature')).toBe(expectedSig);

        const xml = new XMLParser({ parseTagValue: false }).parse(msg.body).xml;
        expect(xml.ToUserName).toBe('gh_4d00ed8d6399');
        expect(xml.MsgType).toBe('event');
        expect(xml.Event).toBe('PUBLISHJOBFINISH');
        expect(xml.PublishEventInfo.publish_id).toBe(String(get.publish_id));
        expect(xml.PublishEventInfo.publish_status).toBe('0');
        expect(xml.PublishEventInfo.article_id).toBe(get.article_id);
        expect(xml.PublishEventInfo.article_detail.count).toBe('1');
        expect(xml.PublishEventInfo.article_detail.item.article_url).toBe(get.article_detail.item[0].article_url);
        // the listener saw the push before the simulator read its answer
        const delivery = await until(async () => sim.wechat.callbackDeliveries().find((d) => d.delivered));
        expect(delivery).toMatchObject({ attempts: 1, lastStatus: 200 });

        sim.wechat.configure({ callbackEvent: 'FREEPUBLISHJOBFINISH' });
        sim.wechat.failNextPublish({ status: 2, failIdx: [1] });
        await publishAndWait(t, await draft(t));
        const [, second] = await l.waitFor(2);
        const x2 = new XMLParser({ parseTagValue: false }).parse(second.body).xml;
        expect(x2.Event).toBe('FREEPUBLISHJOBFINISH');
        expect(x2.PublishEventInfo.publish_status).toBe('2');
        expect(x2.PublishEventInfo.fail_idx).toBe('1');
        expect(x2.PublishEventInfo.article_id).toBeUndefined();
      } finally {
        await l.close();
      }
    });

    it('retries the callback when the listener fails', async () => {
      const l = await listener((n) => (n === 1 ? { status: 500, body: 'oops' } : { status: 200, body: 'success' }));
      try {
        sim.wechat.configure({ publishDelayMs: 10, callbackRetryDelayMs: 50 });
        sim.wechat.registerAccount({ appid: 'wx_app1', callbackUrl: l.url });
        const t = await token();
        await publishAndWait(t, await draft(t));
        await l.waitFor(2);
        const d = await until(async () => sim.wechat.callbackDeliveries().find((x) => x.delivered));
        expect(d).toMatchObject({ attempts: 2, lastStatus: 200 });
      } finally {
        await l.close();
      }
    });

    it('deletes a publication: record marked deleted, status 5, article page says so; 48001 and 53600', async () => {
      sim.wechat.configure({ publishDelayMs: 10 });
      const t = await token();
      const { get } = await publishAndWait(t, await draft(t));
      expect((await wx.post('/cgi-bin/freepublish/delete', { article_id: 'nope', index: 1 }, { params: { access_token: t } })).data.errcode).toBe(53600);

      const del = await wx.post('/cgi-bin/freepublish/delete', { article_id: get.article_id, index: 1 }, { params: { access_token: t } });
      expect(del.data).toEqual({ errcode: 0, errmsg: 'ok' });
      const rec = sim.records.list({ system: 'wechat' })[0];
      expect(rec.deleted).toBe(true);
      expect(sim.records.live({ system: 'wechat' })).toHaveLength(0);
      const g = await wx.post('/cgi-bin/freepublish/get', { publish_id: get.publish_id }, { params: { access_token: t } });
      expect(g.data.publish_status).toBe(5);
      const page = await client(sim.url).get(get.article_detail.item[0].article_url);
      expect(page.data).toContain('该内容已被发布者删除');

      const { get: get2 } = await publishAndWait(t, await draft(t));
      sim.wechat.registerAccount({ appid: 'wx_app1', deleteUnauthorized: true });
      const refused = await wx.post('/cgi-bin/freepublish/delete', { article_id: get2.article_id, index: 0 }, { params: { access_token: t } });
      expect(refused.data.errcode).toBe(48001);
      expect(sim.records.live({ system: 'wechat' })).toHaveLength(1);
    });
  });

  it('answers unknown publish ids and unknown paths with {errcode, errmsg}', async () => {
    const t = await token();
    const g = await wx.post('/cgi-bin/freepublish/get', { publish_id: 1 }, { params: { access_token: t } });
    expect(g.data).toEqual({ errcode: 40007, errmsg: expect.any(String) });
    const u = await wx.post('/cgi-bin/nothing', {}, { params: { access_token: t } });
    expect(u.data).toEqual({ errcode: expect.any(Number), errmsg: expect.any(String) });
  });

  it('exposes registration and token controls over HTTP', async () => {
    const ctl = client(`${sim.url}/_sim/wechat`);
    expect((await ctl.post('/accounts', { appid: 'wx_http', secret: 'good' })).data).toMatchObject({ appid: 'wx_http', registered: true, secretSet: true });
    const bad = await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx_http', secret: 'bad' } });
    expect(bad.data.errcode).toBe(40125);
    const t = await token('wx_http', 'good');
    expect((await ctl.post('/revoke-tokens', { appid: 'wx_http' })).data.revoked).toBe(1);
    expect((await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1 }, { params: { access_token: t } })).data.errcode).toBe(40001);
    expect((await ctl.post('/config', { publishIdType: 'text' })).status).toBe(400);
    expect((await ctl.get('/accounts')).data.accounts).toHaveLength(1);
  });
});
