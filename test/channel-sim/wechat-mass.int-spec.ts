import * as crypto from 'crypto';
import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { client, form, jpeg, listener, startSimSuite, until } from './sim-test-helpers';

/**
 * The WeChat simulator's 群发 (mass send) API: media/upload (temporary thumb), media/uploadnews,
 * message/mass/sendall | get | delete | preview and the MASSSENDJOBFINISH push, modelled on the
 * stricter reading of the public sources (libs/channels/src/wechat/PLATFORM.md §1).
 */
describe('channel-sim: WeChat 群发 (mass send)', () => {
  let sim: ChannelSim;
  let wx: AxiosInstance;

  startSimSuite((started) => {
    sim = started;
    wx = client(sim.baseUrls.wechat);
  });
  beforeEach(() => {
    sim.reset();
    sim.wechat.mass.configure({ jobDelayMs: 30 });
  });

  async function token(appid = 'wx_mass1'): Promise<string> {
    const r = await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid, secret: 's' } });
    return r.data.access_token as string;
  }
  const post = (t: string, p: string, body: unknown, params: Record<string, string> = {}) => wx.post(p, body, { params: { access_token: t, ...params } });

  async function tempThumb(t: string): Promise<string> {
    const r = await wx.post('/cgi-bin/media/upload', form({}, { media: { data: await jpeg(), filename: 'thumb.jpg', type: 'image/jpeg' } }), {
      params: { access_token: t, type: 'thumb' },
    });
    expect(r.data).toEqual({ type: 'thumb', thumb_media_id: expect.any(String), created_at: expect.any(Number) });
    return r.data.thumb_media_id as string;
  }

  async function news(t: string, title = '关于做好春节期间安全生产工作的通知'): Promise<string> {
    const r = await post(t, '/cgi-bin/media/uploadnews', {
      articles: [
        {
          title,
          author: '县应急局',
          content: '<p>各乡镇：现通知如下。</p>',
          thumb_media_id: await tempThumb(t),
          content_source_url: 'https://www.example.gov.cn/a.html',
        },
      ],
    });
    expect(r.data).toEqual({ type: 'news', media_id: expect.any(String), created_at: expect.any(Number) });
    return r.data.media_id as string;
  }

  const sendall = (t: string, mediaId: string, over: Record<string, unknown> = {}) =>
    post(t, '/cgi-bin/message/mass/sendall', {
      filter: { is_to_all: true },
      mpnews: { media_id: mediaId },
      msgtype: 'mpnews',
      send_ignore_reprint: 0,
      ...over,
    });
  const status = async (t: string, msgId: unknown) => (await post(t, '/cgi-bin/message/mass/get', { msg_id: String(msgId) })).data;

  it('uploadnews takes only a temporary thumb; sendall takes its media_id, not a draft media_id; the job ends SEND_SUCCESS with one record per article', async () => {
    const t = await token();
    // a permanent thumb (add_material) is not what uploadnews documents ("新增临时素材")
    const perm = await wx.post('/cgi-bin/material/add_material', form({}, { media: { data: await jpeg(), filename: 'c.jpg', type: 'image/jpeg' } }), {
      params: { access_token: t, type: 'thumb' },
    });
    const refused = await post(t, '/cgi-bin/media/uploadnews', { articles: [{ title: '标题', content: '<p>正文</p>', thumb_media_id: perm.data.media_id }] });
    expect(refused.data.errcode).toBe(40007);
    // a draft media_id is refused by sendall (stricter reading of conflicting sources)
    const draft = await post(t, '/cgi-bin/draft/add', { articles: [{ title: '草稿', content: '<p>正文</p>', thumb_media_id: perm.data.media_id }] });
    expect((await sendall(t, draft.data.media_id)).data.errcode).toBe(40007);

    const mediaId = await news(t);
    const s = await sendall(t, mediaId, { clientmsgid: 'd1' });
    expect(s.data).toEqual({ errcode: 0, errmsg: 'send job submission success', msg_id: expect.any(Number), msg_data_id: expect.any(Number) });
    expect(await status(t, s.data.msg_id)).toEqual({ msg_id: s.data.msg_id, msg_status: 'SENDING' });
    const done = await until(async () => ((await status(t, s.data.msg_id)).msg_status === 'SEND_SUCCESS' ? true : undefined));
    expect(done).toBe(true);
    const recs = sim.records.list({ system: 'wechat' });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      account: 'wx_mass1',
      externalId: String(s.data.msg_id),
      index: 1,
      title: '关于做好春节期间安全生产工作的通知',
      action: 'mass',
    });
    expect(recs[0].meta).toMatchObject({ is_to_all: true, clientmsgid: 'd1' });
    const page = await client(sim.url).get(recs[0].url!);
    expect(page.data).toContain('关于做好春节期间安全生产工作的通知');
    expect((await status(t, 99)).errcode).toBe(40059);
  });

  it('clientmsgid: a repeat within a minute is 45066, later 45065 with the existing msg_id (nothing sent twice); over 32 bytes is 45067', async () => {
    const t = await token();
    const mediaId = await news(t);
    const first = await sendall(t, mediaId, { clientmsgid: 'dlv0001' });
    expect(first.data.errcode).toBe(0);
    expect((await sendall(t, mediaId, { clientmsgid: 'dlv0001' })).data.errcode).toBe(45066);
    sim.clock.advance(61_000);
    const again = await sendall(t, mediaId, { clientmsgid: 'dlv0001' });
    expect(again.data).toEqual({ errcode: 45065, errmsg: expect.stringContaining('clientmsgid exist'), msg_id: first.data.msg_id });
    await until(async () => ((await status(t, first.data.msg_id)).msg_status === 'SEND_SUCCESS' ? true : undefined));
    expect(sim.records.list({ system: 'wechat' })).toHaveLength(1);
    expect(sim.wechat.mass.messages()).toHaveLength(1);
    const long = await sendall(t, mediaId, { clientmsgid: crypto.randomUUID() });
    expect(long.data.errcode).toBe(45067);
  });

  it('quota: a 订阅号 sends once per Beijing day (45028 after), again the next day; a tag send needs tag_id', async () => {
    const t = await token('wx_quota');
    const mediaId = await news(t);
    // 2026-03-01 23:30 Beijing
    sim.clock.set(Date.parse('2026-03-01T15:30:00Z'));
    const one = await sendall(t, mediaId, { filter: { is_to_all: false, tag_id: 2 }, clientmsgid: 'q1' });
    expect(one.data.errcode).toBe(0);
    expect(sim.wechat.mass.messages()[0]).toMatchObject({ isToAll: false, tagId: 2 });
    const two = await sendall(t, mediaId, { clientmsgid: 'q2' });
    expect(two.data.errcode).toBe(45028);
    expect(two.data.errmsg).toContain('has no masssend quota');
    sim.clock.advance(31 * 60_000); // 00:01 Beijing, next day
    const mediaId2 = await news(t);
    expect((await sendall(t, mediaId2, { clientmsgid: 'q3' })).data.errcode).toBe(0);
    expect((await sendall(t, mediaId2, { filter: { is_to_all: false }, clientmsgid: 'q4' })).data.errcode).toBe(47001);
  });

  it('mass/delete: only a successful send; then the page is gone and the status is DELETE', async () => {
    // long enough that the early delete lands while the job still runs, on a loaded machine too
    sim.wechat.mass.configure({ jobDelayMs: 5_000 });
    const t = await token();
    const s = await sendall(t, await news(t), { clientmsgid: 'del1' });
    const early = await post(t, '/cgi-bin/message/mass/delete', { msg_id: s.data.msg_id, article_idx: 0 });
    expect(early.data.errcode).not.toBe(0);
    await until(async () => ((await status(t, s.data.msg_id)).msg_status === 'SEND_SUCCESS' ? true : undefined));
    const del = await post(t, '/cgi-bin/message/mass/delete', { msg_id: s.data.msg_id, article_idx: 0 });
    expect(del.data).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await status(t, s.data.msg_id)).msg_status).toBe('DELETE');
    const rec = sim.records.list({ system: 'wechat' })[0];
    expect(rec.deleted).toBe(true);
    expect((await client(sim.url).get(rec.url!)).data).toContain('已被发布者删除');
  });

  it('mass/preview sends to one 微信号 without publishing; needs touser or towxname', async () => {
    const t = await token();
    const mediaId = await news(t);
    const p = await post(t, '/cgi-bin/message/mass/preview', { towxname: 'reviewer_wx', mpnews: { media_id: mediaId }, msgtype: 'mpnews' });
    expect(p.data).toMatchObject({ errcode: 0, errmsg: 'preview success' });
    expect(sim.wechat.mass.previews()).toEqual([
      expect.objectContaining({ appid: 'wx_mass1', towxname: 'reviewer_wx', titles: ['关于做好春节期间安全生产工作的通知'] }),
    ]);
    expect(sim.records.list({ system: 'wechat' })).toHaveLength(0);
    expect((await post(t, '/cgi-bin/message/mass/preview', { mpnews: { media_id: mediaId }, msgtype: 'mpnews' })).data.errcode).toBe(47001);
  });

  it('pushes MASSSENDJOBFINISH (signed, MsgID) to the callback URL; a failed job says err(n) and mass/get SEND_FAIL', async () => {
    const l = await listener();
    try {
      sim.wechat.registerAccount({ appid: 'wx_mass1', callbackUrl: l.url, callbackToken: 'cbt' });
      const t = await token();
      const s = await sendall(t, await news(t), { clientmsgid: 'cb1' });
      await l.waitFor(1);
      const { url, body } = l.received[0];
      expect(body).toContain('<Event><![CDATA[MASSSENDJOBFINISH]]></Event>');
      expect(body).toContain(`<MsgID>${s.data.msg_id}</MsgID>`);
      expect(body).toContain('<Status><![CDATA[send success]]></Status>');
      expect(body).toMatch(/<ArticleUrl><!\[CDATA\[http/);
      const q = new URL(url, 'http://x').searchParams;
      expect(
        crypto
          .createHash('sha1')
          .update(['cbt', q.get('timestamp')!, q.get('nonce')!].sort().join(''))
          .digest('hex'),
      ).toBe(q.get('signature'));

      sim.wechat.mass.failNext({ status: 'err(20013)' });
      const s2 = await sendall(t, await news(t, '第二条'), { clientmsgid: 'cb2' });
      expect(s2.data.errcode).toBe(45028); // 订阅号: one a day
      sim.wechat.mass.setAccount('wx_mass1', { accountType: 'service' });
      const s3 = await sendall(t, await news(t, '第三条'), { clientmsgid: 'cb3' });
      expect(s3.data.errcode).toBe(0);
      await l.waitFor(2);
      expect(l.received[1].body).toContain('<Status><![CDATA[err(20013)]]></Status>');
      expect((await status(t, s3.data.msg_id)).msg_status).toBe('SEND_FAIL');
      expect(sim.records.list({ system: 'wechat' }).filter((r) => r.title === '第三条')).toHaveLength(0);
    } finally {
      await l.close();
    }
  });

  it('群发保护: a send to all waits for the admin; unconfirmed it fails after the window', async () => {
    sim.wechat.mass.setAccount('wx_prot', { accountType: 'service', protection: true });
    // The window is read when a message is sent: the first gets one no loaded machine outlasts (it is
    // confirmed), the second a short one (it must lapse).
    sim.wechat.mass.configure({ protectionTimeoutMs: 10 * 60_000 });
    const t = await token('wx_prot');
    const a = await sendall(t, await news(t), { clientmsgid: 'p1' });
    await new Promise((r) => setImmediate(r));
    expect((await status(t, a.data.msg_id)).msg_status).toBe('SENDING');
    sim.wechat.mass.confirmProtection(a.data.msg_id, true);
    await until(async () => ((await status(t, a.data.msg_id)).msg_status === 'SEND_SUCCESS' ? true : undefined));
    sim.wechat.mass.configure({ protectionTimeoutMs: 100 });
    const b = await sendall(t, await news(t, '第二条'), { clientmsgid: 'p2' });
    await until(async () => ((await status(t, b.data.msg_id)).msg_status === 'SEND_FAIL' ? true : undefined));
    expect(sim.records.list({ system: 'wechat' })).toHaveLength(1);
  });
});
