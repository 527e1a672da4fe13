import { AxiosInstance } from 'axios';
import { XMLParser } from 'fast-xml-parser';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { decryptWechatMessage, verifyWechatMsgSignature } from '@app/channels/wechat/wechat-crypto';
import { client, form, jpeg, listener, startSimSuite, until } from './sim-test-helpers';

/**
 * Issue 13 additions to the WeChat simulator: rights that depend on verification, the read-only
 * endpoints an account check calls, stable_token's force_refresh invalidating the previous token, the
 * 40001 answer to a wrong secret, a title byte limit, and encrypted (compatible / safe) pushes.
 */
describe('channel-sim: WeChat checks, token rules and encrypted callbacks', () => {
  let sim: ChannelSim;
  let wx: AxiosInstance;
  const KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';

  startSimSuite((started) => {
    sim = started;
    wx = client(sim.baseUrls.wechat);
  });
  beforeEach(() => sim.reset());

  const stable = async (appid: string, secret = 's', force = false) =>
    (await wx.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid, secret, force_refresh: force })).data;

  it('answers a wrong secret with 40001 when configured so, and 40125 by default', async () => {
    sim.wechat.registerAccount({ appid: 'wx_sec', secret: 'right' });
    expect((await stable('wx_sec', 'wrong')).errcode).toBe(40125);
    sim.wechat.configure({ wrongSecretErrcode: 40001 });
    expect((await stable('wx_sec', 'wrong')).errcode).toBe(40001);
    expect((await wx.get('/cgi-bin/token', { params: { grant_type: 'client_credential', appid: 'wx_sec', secret: 'wrong' } })).data.errcode).toBe(40001);
    expect(() => sim.wechat.configure({ wrongSecretErrcode: 40002 })).toThrow();
  });

  it('stable_token force_refresh invalidates the previous token at once', async () => {
    const old = (await stable('wx_force')).access_token;
    expect((await wx.get('/cgi-bin/get_api_domain_ip', { params: { access_token: old } })).data.ip_list).toEqual(expect.any(Array));
    const fresh = (await stable('wx_force', 's', true)).access_token;
    expect(fresh).not.toBe(old);
    expect((await wx.get('/cgi-bin/get_api_domain_ip', { params: { access_token: old } })).data.errcode).toBe(40001);
    expect((await wx.get('/cgi-bin/get_api_domain_ip', { params: { access_token: fresh } })).data.ip_list).toEqual(expect.any(Array));
    // normal mode hands the new one back
    expect((await stable('wx_force')).access_token).toBe(fresh);
  });

  it('serves the read-only check endpoints; rights follow verification and 群发 rights', async () => {
    const t = (await stable('wx_rights')).access_token;
    const q = { params: { access_token: t } };
    expect((await wx.get('/cgi-bin/getcallbackip', q)).data.ip_list.length).toBeGreaterThan(0);
    expect((await wx.get('/cgi-bin/draft/count', q)).data).toEqual({ total_count: 0 });
    expect((await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1, no_content: 1 }, q)).data.total_count).toBe(0);
    expect((await wx.post('/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/message/mass/sendall' }, q)).data.quota).toEqual({
      daily_limit: 100,
      used: 0,
      remain: 100,
    });
    expect((await wx.post('/cgi-bin/openapi/quota/get', {}, q)).data.errcode).toBe(76021);

    sim.wechat.registerAccount({ appid: 'wx_rights', massSend: false });
    expect((await wx.post('/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/message/mass/sendall' }, q)).data.errcode).toBe(48001);
    expect((await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1, no_content: 1 }, q)).data.total_count).toBe(0);

    sim.wechat.registerAccount({ appid: 'wx_rights', verified: false, massSend: true });
    expect((await wx.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1, no_content: 1 }, q)).data.errcode).toBe(48001);
    expect((await wx.post('/cgi-bin/freepublish/submit', { media_id: 'x' }, q)).data.errcode).toBe(48001);
    expect((await wx.post('/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/message/mass/sendall' }, q)).data.errcode).toBe(48001);
    expect((await wx.get('/cgi-bin/draft/count', q)).data.total_count).toBe(0);

    sim.wechat.registerAccount({ appid: 'wx_rights', ipWhitelistFail: true });
    expect((await wx.get('/cgi-bin/get_api_domain_ip', q)).data).toEqual({ errcode: 40164, errmsg: expect.stringMatching(/^invalid ip 127\.0\.0\.1 /) });
  });

  it('refuses a title over the account titleMaxBytes with 45003 (the documented 32 characters stay the rule otherwise)', async () => {
    sim.wechat.registerAccount({ appid: 'wx_bytes', titleMaxBytes: 64 });
    const t = (await stable('wx_bytes')).access_token;
    const thumb = (
      await wx.post('/cgi-bin/material/add_material', form({}, { media: { data: await jpeg(), filename: 'c.jpg', type: 'image/jpeg' } }), {
        params: { access_token: t, type: 'thumb' },
      })
    ).data.media_id;
    const add = (title: string) =>
      wx.post('/cgi-bin/draft/add', { articles: [{ title, content: '<p>正文</p>', thumb_media_id: thumb }] }, { params: { access_token: t } });
    expect((await add('关于进一步做好全县农村人居环境整治工作的通知')).data.errcode).toBe(45003); // 22 chars, 66 bytes
    expect((await add('关于做好全县农村人居环境整治工作的通知')).data.media_id).toEqual(expect.any(String)); // 19 chars, 57 bytes
  });

  for (const mode of ['safe', 'compat'] as const) {
    it(`pushes the publish event encrypted in ${mode} mode: msg_signature, AES with the appid`, async () => {
      const l = await listener();
      try {
        sim.wechat.configure({ publishDelayMs: 20 });
        sim.wechat.registerAccount({ appid: 'wx_enc', callbackUrl: l.url, callbackToken: 'cbtok', encodingAesKey: KEY, callbackMode: mode });
        const t = (await stable('wx_enc')).access_token;
        const thumb = (
          await wx.post('/cgi-bin/material/add_material', form({}, { media: { data: await jpeg(), filename: 'c.jpg', type: 'image/jpeg' } }), {
            params: { access_token: t, type: 'thumb' },
          })
        ).data.media_id;
        const draft = (
          await wx.post(
            '/cgi-bin/draft/add',
            { articles: [{ title: '关于开展安全检查的通知', content: '<p>正文</p>', thumb_media_id: thumb }] },
            { params: { access_token: t } },
          )
        ).data.media_id;
        const submit = (await wx.post('/cgi-bin/freepublish/submit', { media_id: draft }, { params: { access_token: t } })).data;
        const [msg] = await l.waitFor(1);
        const q = Object.fromEntries(new URL(msg.url, 'http://x').searchParams);
        expect(q.encrypt_type).toBe('aes');
        const outer = new XMLParser({ parseTagValue: false }).parse(msg.body).xml;
        expect(typeof outer.Encrypt).toBe('string');
        expect(outer.PublishEventInfo !== undefined).toBe(mode === 'compat');
        expect(verifyWechatMsgSignature('cbtok', q, outer.Encrypt)).toBe(true);
        const { msg: inner, appid } = decryptWechatMessage(KEY, outer.Encrypt);
        expect(appid).toBe('wx_enc');
        const ev = new XMLParser({ parseTagValue: false }).parse(inner).xml;
        expect(ev.Event).toBe('PUBLISHJOBFINISH');
        expect(ev.PublishEventInfo.publish_id).toBe(String(submit.publish_id));
        await until(async () => sim.wechat.callbackDeliveries().find((d) => d.delivered));
      } finally {
        await l.close();
      }
    });
  }

  it('refuses compat / safe mode without a 43-character key', () => {
    expect(() => sim.wechat.registerAccount({ appid: 'wx_nokey', callbackMode: 'safe' })).toThrow(/encodingAesKey/);
  });
});
