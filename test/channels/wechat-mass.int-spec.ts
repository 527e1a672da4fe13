import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * 群发 (mass send) through the real pipeline (editor → reviewer → worker) against the WeChat simulator,
 * which refuses draft media_ids for sendall, deduplicates by clientmsgid and counts quotas like the
 * platform (stricter reading, PLATFORM.md §1). The simulator's records are the judge of what went out.
 */
describe('WeChat 群发 (mass send) against the simulator', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let seq = 0;

  startChannelSuite(
    'wechat-mass',
    { users: ['editor', 'reviewer', 'admin'], onSim: (s) => s.wechat.mass.configure({ jobDelayMs: 50 }) },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin },
      } = s),
  );

  async function account(settings: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}) {
    const appid = `wxm${Date.now().toString(16)}${++seq}`;
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'wechat',
      name: `群发公众号${seq}`,
      baseUrl: `${sim.url}/wechat`,
      settings: { author: '示范县发布', confirmPollMs: 200, timeoutMs: 5000, publishMode: 'mass', accountType: 'service', ...settings },
      credentials: { appid, secret: `secret-${appid}`, ...credentials },
    });
    expect(r.status).toBe(201);
    return { id: r.data.id as string, appid };
  }

  async function create(accountId: string, over: Record<string, unknown> = {}) {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `关于春节期间烟花爆竹燃放管理的通告${++seq}`,
      bodyHtml: '<p>为维护公共安全，现就春节期间烟花爆竹燃放管理通告如下。</p>',
      summary: '烟花爆竹燃放管理',
      kind: 'notice',
      targetAccountIds: [accountId],
      ...over,
    });
    expect(created.status).toBe(201);
    return { id: created.data.id as string, title: created.data.title as string };
  }

  async function publish(accountId: string, over: Record<string, unknown> = {}) {
    const item = await create(accountId, over);
    const submitted = await editor.post(`/items/${item.id}/submit`);
    expect(submitted.status).toBe(200);
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
  const records = (title: string) => sim.records.list({ system: 'wechat' }).filter((r) => r.title === title);
  const calls = (appid: string, p: string) => sim.faults.requests({ system: 'wechat', path: p }).filter((r) => r.account === appid);
  const sends = (appid: string) => sim.wechat.mass.messages().filter((m) => m.appid === appid);

  it('sends an item by 群发 to all followers: uploadnews material (not the draft), one send keyed by the delivery, confirmed by mass/get, one ledger row', async () => {
    const acc = await account();
    const item = await publish(acc.id);
    const d = await settled(item.id);
    expect(d.state).toBe('published');
    const sent = sends(acc.appid);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ isToAll: true, clientMsgId: d.id.replace(/-/g, ''), status: 'SEND_SUCCESS' });
    expect(d.external_id).toBe(String(sent[0].msgId));
    expect(d.checkpoint).toMatchObject({ publishMode: 'mass', massMediaSource: 'uploadnews', massMsgId: String(sent[0].msgId) });
    expect(records(item.title)).toEqual([expect.objectContaining({ action: 'mass', externalId: String(sent[0].msgId) })]);
    expect(calls(acc.appid, '/cgi-bin/freepublish/submit')).toHaveLength(0);
    expect(calls(acc.appid, '/cgi-bin/media/uploadnews')).toHaveLength(1);
    expect(calls(acc.appid, '/cgi-bin/draft/delete')).toHaveLength(1); // the scratch draft is cleaned up
    const ledger = await sys.ds.query(`SELECT channel_type, delivery_id FROM publication_records WHERE item_id = $1`, [item.id]);
    expect(ledger).toEqual([{ channel_type: 'wechat', delivery_id: d.id }]);
  });

  it('a tag target and the editor override: a 发布 account sends this item by 群发 to tag 7; a bad override is refused at submit naming the field', async () => {
    const acc = await account({ publishMode: 'freepublish', massTarget: 7 });
    const item = await publish(acc.id, { channelOverrides: { wechat: { publishMode: 'mass' } } });
    expect((await settled(item.id)).state).toBe('published');
    expect(sends(acc.appid)).toEqual([expect.objectContaining({ isToAll: false, tagId: 7 })]);

    const bad = await create(acc.id, { channelOverrides: { wechat: { publishMode: 'broadcast' } } });
    const r = await editor.post(`/items/${bad.id}/submit`);
    expect(r.status).toBe(422);
    expect(r.data.details.map((x: { field: string }) => x.field)).toContain('channels.wechat.channelOverrides.wechat.publishMode');
  });

  it('quota: a 订阅号 shows 1/1 used after a send (GET quota) and the next submit is refused with the reason', async () => {
    const acc = await account({ accountType: 'subscription' });
    const before = await editor.get(`/channel-accounts/${acc.id}/quota`);
    expect(before.status).toBe(200);
    expect(before.data).toMatchObject({ publishMode: 'mass', accountType: 'subscription', per: 'day', limit: 1, used: 0, remaining: 1, message: null });
    expect((await settled((await publish(acc.id)).id)).state).toBe('published');
    const after = await editor.get(`/channel-accounts/${acc.id}/quota`);
    expect(after.data).toMatchObject({ used: 1, remaining: 0, message: '今日群发次数已用完（1/1），明日 0 点后可再发' });

    const next = await create(acc.id);
    const r = await editor.post(`/items/${next.id}/submit`);
    expect(r.status).toBe(422);
    expect(r.data.details.map((x: { reason: string }) => x.reason).join()).toContain('今日群发次数已用完（1/1），明日 0 点后可再发');
    expect((await editor.get(`/channel-accounts/00000000-0000-4000-8000-000000000000/quota`)).status).toBe(404);
  });

  it('a revision is not a second 群发: with the day used up it is still submitted and approved, the portal updates, the 群发 account is left to the operator', async () => {
    const acc = await account({ accountType: 'subscription' });
    const portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    expect(portal).toBeTruthy();
    const item = await publish(acc.id, { targetAccountIds: [acc.id, portal] });
    await waitFor(
      async () => {
        const rows: { state: string }[] = await sys.ds.query(`SELECT state FROM deliveries WHERE item_id = $1`, [item.id]);
        return rows.length === 2 && rows.every((r) => r.state === 'published');
      },
      30_000,
      'both deliveries published',
    );
    expect(sends(acc.appid)).toHaveLength(1);
    expect((await editor.get(`/channel-accounts/${acc.id}/quota`)).data).toMatchObject({ remaining: 0 });

    expect((await editor.patch(`/items/${item.id}`, { summary: '烟花爆竹燃放管理（修订）' })).status).toBe(200);
    const submitted = await editor.post(`/items/${item.id}/submit`);
    expect(submitted.status).toBe(200);
    expect((await reviewer.post(`/items/${item.id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    const v2 = await waitFor(
      async () => {
        const rows: { channel_account_id: string; state: string }[] = await sys.ds.query(
          `SELECT channel_account_id, state FROM deliveries WHERE item_id = $1 AND version_no = 2`,
          [item.id],
        );
        return rows.length && rows.every((r) => r.state === 'published') ? rows : null;
      },
      30_000,
      'the revision published',
    );
    expect(v2!.map((r) => r.channel_account_id)).toEqual([portal]);
    expect(sends(acc.appid)).toHaveLength(1);
    const asked = await sys.ds.query(`SELECT details FROM audit_logs WHERE item_id = $1 AND action = 'item.revision_manual_needed'`, [item.id]);
    expect(asked[0].details.accounts).toEqual([acc.id]);
  });

  it('a lost sendall answer is looked up by sending again with the SAME clientmsgid: 45065 gives the msg_id, nothing goes out twice', async () => {
    sim.wechat.mass.configure({ retryTooFastMs: 0 });
    try {
      const acc = await account();
      sim.faults.add({ system: 'wechat', account: acc.appid, path: '/cgi-bin/message/mass/sendall', timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
      const item = await publish(acc.id);
      const d = await settled(item.id);
      expect(d.state).toBe('published');
      expect(calls(acc.appid, '/cgi-bin/message/mass/sendall').length).toBeGreaterThanOrEqual(2);
      expect(sends(acc.appid)).toHaveLength(1);
      expect(records(item.title)).toHaveLength(1);
      expect(d.checkpoint.massDedup).toBe(true);
      expect(d.external_id).toBe(String(sends(acc.appid)[0].msgId));
    } finally {
      sim.wechat.mass.configure({ retryTooFastMs: 60_000 });
    }
  });

  it('the platform refusing (45028 quota, SEND_FAIL) fails the delivery with the reason in Chinese; nothing is resent', async () => {
    const acc = await account({ accountType: 'subscription' });
    sim.faults.add({ system: 'wechat', account: acc.appid, path: '/cgi-bin/message/mass/sendall', error: 45028, count: 1 });
    const a = await publish(acc.id);
    const da = await settled(a.id);
    expect(da.state).toBe('failed');
    expect(da.last_error_code).toBe('WECHAT_45028');
    expect(da.last_error_message).toContain('群发次数已用完');

    const acc2 = await account();
    sim.wechat.mass.setAccount(acc2.appid, { accountType: 'service' }); // the simulator's own count: 服务号
    sim.wechat.mass.failNext({ appid: acc2.appid, status: 'err(20013)' });
    const b = await publish(acc2.id);
    const db = await settled(b.id);
    expect(db.state).toBe('failed');
    expect(db.last_error_code).toBe('WECHAT_MASS_SEND_FAIL');
    expect(sends(acc2.appid)).toHaveLength(1);
    expect(records(b.title)).toHaveLength(0);

    // the platform said it failed: an operator's retry sends again, under a key of its own
    const operator = await sys.login('operator');
    expect((await operator.post(`/deliveries/${db.id}/retry`)).status).toBe(200);
    expect((await settled(b.id, ['published'])).state).toBe('published');
    const keys = sends(acc2.appid).map((m) => m.clientMsgId);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
    expect(records(b.title)).toHaveLength(1);
  });

  it('the admin sets the mode per account; bad values are refused naming the setting', async () => {
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'wechat',
      name: '设置有误的公众号',
      baseUrl: `${sim.url}/wechat`,
      settings: { publishMode: 'broadcast', massTarget: 'fans', accountType: '订阅号' },
      credentials: { appid: 'wx_bad_settings', secret: 's' },
    });
    expect(r.status).toBe(400);
    expect(r.data.details.map((x: { field: string }) => x.field)).toEqual(
      expect.arrayContaining(['settings.publishMode', 'settings.massTarget', 'settings.accountType']),
    );
  });

  it('MASSSENDJOBFINISH confirms without waiting for the poll, with the article URL; withdrawal is mass/delete', async () => {
    const acc = await account({ confirmPollMs: 600_000 }, { callbackToken: 'mass-cb-token' });
    sim.wechat.registerAccount({ appid: acc.appid, callbackUrl: `${sys.url}/api/v1/callbacks/wechat/${acc.id}`, callbackToken: 'mass-cb-token' });
    const item = await publish(acc.id);
    const d = await settled(item.id, ['published'], 20_000);
    expect(d.external_url).toBe(records(item.title)[0].url);
    expect(calls(acc.appid, '/cgi-bin/message/mass/get')).toHaveLength(0);

    expect((await reviewer.post(`/items/${item.id}/withdraw`, { reason: '内容有误' })).status).toBe(200);
    expect((await settled(item.id, ['withdrawn'])).state).toBe('withdrawn');
    expect(calls(acc.appid, '/cgi-bin/message/mass/delete')).toHaveLength(1);
    expect(records(item.title)[0].deleted).toBe(true);
  });

  it('a safe-mode (encrypted) MASSSENDJOBFINISH confirms too; an account without 群发 rights (48001) stops with the reason', async () => {
    const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
    const acc = await account({ confirmPollMs: 600_000 }, { callbackToken: 'mass-safe', encodingAesKey: AES_KEY });
    sim.wechat.registerAccount({
      appid: acc.appid,
      callbackUrl: `${sys.url}/api/v1/callbacks/wechat/${acc.id}`,
      callbackToken: 'mass-safe',
      encodingAesKey: AES_KEY,
      callbackMode: 'safe',
    } as never);
    const item = await publish(acc.id);
    const d = await settled(item.id, ['published'], 20_000);
    expect(d.external_id).toBe(String(sends(acc.appid)[0].msgId));
    expect(calls(acc.appid, '/cgi-bin/message/mass/get')).toHaveLength(0);
    expect(sim.wechat.mass.callbacks().find((c) => c.appid === acc.appid)?.body).toContain('<Encrypt>');

    const denied = await account();
    sim.wechat.registerAccount({ appid: denied.appid, massSend: false } as never);
    const b = await publish(denied.id);
    const db = await waitFor(
      async () => {
        const row = await delivery(b.id);
        return row?.last_error_code ? row : null;
      },
      20_000,
      'an error on the delivery',
    );
    expect(db.last_error_code).toBe('WECHAT_48001');
    expect(sends(denied.appid)).toHaveLength(0);
  });

  it('a reviewer previews the article on a phone (mass/preview to a 微信号), audited; an editor may not', async () => {
    const acc = await account();
    const item = await create(acc.id);
    expect((await editor.post(`/items/${item.id}/submit`)).status).toBe(200);
    const refused = await editor.post(`/items/${item.id}/wechat-preview`, { accountId: acc.id, towxname: 'reviewer_wx' });
    expect(refused.status).toBe(403);
    const bad = await reviewer.post(`/items/${item.id}/wechat-preview`, { accountId: acc.id, towxname: '' });
    expect(bad.status).toBe(400);
    expect(bad.data.details[0].field).toBe('towxname');
    const r = await reviewer.post(`/items/${item.id}/wechat-preview`, { accountId: acc.id, towxname: 'reviewer_wx' });
    expect(r.status).toBe(200);
    expect(sim.wechat.mass.previews().filter((p) => p.appid === acc.appid)).toEqual([
      expect.objectContaining({ towxname: 'reviewer_wx', titles: [item.title] }),
    ]);
    expect(sends(acc.appid)).toHaveLength(0);
    const audit = await sys.ds.query(`SELECT action, details FROM audit_logs WHERE item_id = $1 AND action = 'item.wechat_preview'`, [item.id]);
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ accountId: acc.id, towxname: 'reviewer_wx' });
  });
});
