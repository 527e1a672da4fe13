import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { encryptWechatMessage, wechatMsgSignature } from '@app/channels/wechat/wechat-crypto';
import { wechatSignature } from '@app/channels/wechat/wechat-publish';
import { publishItem } from '@app/test/engine/engine-helpers';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { answeredPushes } from './wechat-pushes';

/**
 * Issue 13, point 6: the README said compatible and safe callback modes work, but an event carrying
 * <Encrypt> was refused with 400. Both modes are now read (msg_signature, AES-256-CBC, the appid
 * check); a push that fails any check is refused with 400 before any outbound call or write.
 */
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';

describe('WeChat callbacks in compatible and safe mode', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let seq = 0;

  startChannelSuite(
    'wxcbmodes',
    { users: ['editor', 'reviewer', 'admin'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin },
      } = s),
  );

  async function account(settings: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}) {
    const appid = `wxcb${Date.now().toString(16)}${++seq}`;
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'wechat',
      name: `回调模式测试${seq}`,
      baseUrl: `${sim.url}/wechat`,
      settings: { author: '示范县发布', confirmPollMs: 200, timeoutMs: 5000, ...settings },
      credentials: { appid, secret: `secret-${appid}`, ...credentials },
    });
    return { status: r.status, data: r.data, id: r.data?.id as string, appid };
  }

  const publish = (accountId: string) => publishItem(sys, [accountId], {}, { editor, reviewer });

  const settled = (itemId: string) =>
    waitFor(
      async () => {
        const [d] = await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [itemId]);
        return d && ['published', 'failed'].includes(d.state) ? d : null;
      },
      20_000,
      'delivery settled',
    );
  const events = (deliveryId: string) => sys.ds.query(`SELECT kind FROM delivery_events WHERE delivery_id = $1`, [deliveryId]);
  const calls = (appid: string, p: string) => sim.faults.requests({ system: 'wechat', path: p }).filter((r) => r.account === appid).length;
  const outbound = (appid: string) => sim.faults.requests({ system: 'wechat' }).filter((r) => r.account === appid).length;
  const writes = async () =>
    (
      await sys.ds.query(
        `SELECT (SELECT count(*) FROM delivery_events)::int AS events, (SELECT count(*) FROM publication_records)::int AS ledger, (SELECT max(updated_at) FROM deliveries) AS touched`,
      )
    )[0];

  for (const mode of ['safe', 'compat'] as const) {
    it(`a ${mode}-mode PUBLISHJOBFINISH push (Encrypt + msg_signature) confirms the delivery without a poll`, async () => {
      const acc = await account({ confirmPollMs: 600_000 }, { callbackToken: `cb-${mode}`, encodingAesKey: AES_KEY });
      expect(acc.status).toBe(201);
      sim.wechat.registerAccount({
        appid: acc.appid,
        callbackUrl: `${sys.url}/api/v1/callbacks/wechat/${acc.id}`,
        callbackToken: `cb-${mode}`,
        encodingAesKey: AES_KEY,
        callbackMode: mode,
      } as never);
      const d = await settled(await publish(acc.id));
      expect(d.state).toBe('published');
      expect((await events(d.id)).some((e: { kind: string }) => e.kind === 'callback')).toBe(true);
      expect(calls(acc.appid, '/cgi-bin/freepublish/get')).toBe(0);
      const [pushed] = await answeredPushes(sim, acc.appid);
      expect(pushed.delivered).toBe(true);
      expect(pushed.body).toContain('<Encrypt>');
      if (mode === 'safe') expect(pushed.body).not.toContain('PublishEventInfo');
      else expect(pushed.body).toContain('PublishEventInfo');
    });
  }

  describe('refusals (400, no outbound call, no write)', () => {
    const token = 'cb-refusals';
    let acc: { id: string; appid: string };
    let publishId: string;
    const inner = (appid: string, status = 2) =>
      `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[mphelper]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime>` +
      `<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[PUBLISHJOBFINISH]]></Event><PublishEventInfo><publish_id>${publishId}</publish_id><publish_status>${status}</publish_status></PublishEventInfo>` +
      `<!-- ${appid} --></xml>`;
    const push = (accountId: string, encrypt: string | null, opts: { msgSig?: string; plainBody?: string; cbToken?: string } = {}) => {
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = String(100000 + ++seq);
      const t = opts.cbToken ?? token;
      let q = `?signature=${wechatSignature(t, ts, nonce)}&timestamp=${ts}&nonce=${nonce}&openid=mphelper`;
      if (encrypt !== null) q += `&encrypt_type=aes&msg_signature=${opts.msgSig ?? wechatMsgSignature(t, ts, nonce, encrypt)}`;
      const body = encrypt !== null ? `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` : opts.plainBody!;
      return sys.http.post(`/callbacks/wechat/${accountId}${q}`, body, { headers: { 'content-type': 'text/xml' } });
    };

    beforeAll(async () => {
      const a = await account({}, { callbackToken: token, encodingAesKey: AES_KEY });
      expect(a.status).toBe(201);
      acc = a;
      const d = await settled(await publish(a.id));
      expect(d.state).toBe('published');
      publishId = d.checkpoint.publishId;
    });

    it('a bad msg_signature, a message for another appid, a wrong key: 400 each', async () => {
      const calls0 = outbound(acc.appid);
      const before = await writes();
      const good = encryptWechatMessage(AES_KEY, acc.appid, inner(acc.appid));
      const sig = await push(acc.id, good, { msgSig: '0'.repeat(40) });
      expect(sig.status).toBe(400);
      expect(sig.data.code).toBe('CALLBACK_MSG_SIGNATURE_INVALID');
      const other = await push(acc.id, encryptWechatMessage(AES_KEY, 'wx_someone_else', inner('wx_someone_else')));
      expect(other.status).toBe(400);
      expect(other.data.code).toBe('CALLBACK_APPID_MISMATCH');
      const wrongKey = await push(acc.id, encryptWechatMessage('B'.repeat(43), acc.appid, inner(acc.appid)));
      expect(wrongKey.status).toBe(400);
      expect(wrongKey.data.code).toBe('CALLBACK_DECRYPT_FAILED');
      // a plaintext body for an account that has an EncodingAESKey: the body is not authenticated
      const plain = await push(acc.id, null, { plainBody: inner(acc.appid) });
      expect(plain.status).toBe(400);
      expect(plain.data.code).toBe('CALLBACK_PLAINTEXT_REFUSED');
      expect(outbound(acc.appid)).toBe(calls0);
      expect(await writes()).toEqual(before);
      // the genuine one is accepted (settled delivery: nothing changes)
      const ok = await push(acc.id, good);
      expect(ok.status).toBe(200);
      expect(ok.data).toBe('success');
    });

    it('an encrypted push for an account without an EncodingAESKey names the missing credential', async () => {
      const a = await account({}, { callbackToken: 'cb-nokey' });
      const r = await push(a.id, encryptWechatMessage(AES_KEY, a.appid, inner(a.appid)), { cbToken: 'cb-nokey' });
      expect(r.status).toBe(400);
      expect(r.data.code).toBe('CALLBACK_AES_KEY_MISSING');
      expect(r.data.details).toEqual([{ field: 'credentials.encodingAesKey', reason: expect.any(String) }]);
      expect(outbound(a.appid)).toBe(0);
    });
  });

  it('refuses an EncodingAESKey that is not 43 letters and digits at save, naming the field', async () => {
    const r = await account({}, { encodingAesKey: 'tooshort' });
    expect(r.status).toBe(400);
    expect(r.data.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'credentials.encodingAesKey' })]));
  });
});
