import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * Issue 13, points 5, 7 and 8:
 * - 7: the token defaults to stable_token (safe beside other systems using the same AppSecret), an
 *   unknown tokenMode is refused, and a wrong secret is not hidden by a token cached for the same appid;
 * - 5: POST /channel-accounts/:id/check reports in Chinese which modes the account may use;
 * - 8: the title limit is a per-account setting; a 45003 tells the editor to shorten the WeChat title.
 */
describe('WeChat token mode, account check and title limits', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance, operator: AxiosInstance;
  let seq = 0;

  startChannelSuite(
    'wxtokcheck',
    { users: ['editor', 'reviewer', 'admin', 'operator'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin, operator },
      } = s),
  );

  async function account(settings: Record<string, unknown> = {}, credentials: Record<string, unknown> = {}, appid = `wxtc${Date.now().toString(16)}${++seq}`) {
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'wechat',
      name: `令牌测试公众号${++seq}`,
      baseUrl: `${sim.url}/wechat`,
      settings: { author: '示范县发布', confirmPollMs: 200, timeoutMs: 5000, ...settings },
      credentials: { appid, secret: `secret-${appid}`, ...credentials },
    });
    return { status: r.status, data: r.data, id: r.data?.id as string, appid };
  }

  async function publish(accountId: string, over: Record<string, unknown> = {}) {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `关于做好防汛工作的通知${++seq}`,
      bodyHtml: '<p>现将有关事项通知如下。</p>',
      kind: 'notice',
      targetAccountIds: [accountId],
      ...over,
    });
    expect(created.status).toBe(201);
    const id = created.data.id as string;
    const submitted = await editor.post(`/items/${id}/submit`);
    if (submitted.status !== 200) return { id, submitted };
    expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    return { id, submitted };
  }

  const delivery = async (itemId: string) => (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1`, [itemId]))[0];
  const settled = (itemId: string) =>
    waitFor(
      async () => {
        const d = await delivery(itemId);
        return d && ['published', 'failed'].includes(d.state) ? d : null;
      },
      20_000,
      'delivery settled',
    );
  const calls = (appid: string, p: string) => sim.faults.requests({ system: 'wechat', path: p }).filter((r) => r.account === appid).length;

  describe('token (point 7)', () => {
    it('uses stable_token by default, never /cgi-bin/token', async () => {
      const acc = await account();
      expect(acc.status).toBe(201);
      expect((await settled((await publish(acc.id)).id)).state).toBe('published');
      expect(calls(acc.appid, '/cgi-bin/stable_token')).toBeGreaterThanOrEqual(1);
      expect(calls(acc.appid, '/cgi-bin/token')).toBe(0);
    });

    it('refuses an unknown tokenMode at save, naming the field; "token" (legacy) and "stable" are accepted', async () => {
      const bad = await account({ tokenMode: 'Stable ' });
      expect(bad.status).toBe(400);
      expect(bad.data.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'settings.tokenMode' })]));
      expect((await account({ tokenMode: 'token' })).status).toBe(201);
      expect((await account({ tokenMode: 'stable' })).status).toBe(201);
    });

    it('a wrong AppSecret is not hidden by a token another account cached for the same appid', async () => {
      const appid = `wxshared${Date.now().toString(16)}`;
      sim.wechat.registerAccount({ appid, secret: 'right-secret' });
      sim.wechat.configure({ wrongSecretErrcode: 40001 } as never);
      try {
        const good = await account({}, { secret: 'right-secret' }, appid);
        expect((await settled((await publish(good.id)).id)).state).toBe('published');
        const wrong = await account({}, { secret: 'typo-secret' }, appid);
        const item = await publish(wrong.id);
        const row = await waitFor(
          async () => {
            const r = (await sys.ds.query(`SELECT status, status_reason FROM channel_accounts WHERE id = $1`, [wrong.id]))[0];
            return r.status === 'needs_attention' ? r : null;
          },
          20_000,
          'account with the wrong secret stopped',
        );
        expect(row.status_reason).toMatch(/AppSecret/);
        // the account stops first; the delivery goes back to waiting in the runner's next write
        await waitFor(async () => ((await delivery(item.id)).state === 'pending' ? true : null), 20_000, 'delivery waiting for the account');
        const check = await admin.post(`/channel-accounts/${wrong.id}/check`);
        expect(check.status).toBe(200);
        expect(check.data.ok).toBe(false);
        expect(check.data.capabilities.find((c: { key: string }) => c.key === 'credentials')).toMatchObject({
          ok: false,
          detail: expect.stringMatching(/AppSecret/),
        });
      } finally {
        sim.wechat.configure({ wrongSecretErrcode: 40125 } as never);
      }
    });
  });

  describe('account check (point 5)', () => {
    it('reports a verified account: credentials, IP whitelist, draft, freepublish and 群发 rights', async () => {
      const acc = await account({}, { callbackToken: 'cb-check' });
      const r = await operator.post(`/channel-accounts/${acc.id}/check`);
      expect(r.status).toBe(200);
      expect(r.data.ok).toBe(true);
      const byKey = Object.fromEntries(r.data.capabilities.map((c: { key: string }) => [c.key, c]));
      for (const k of ['credentials', 'ipWhitelist', 'draft', 'freepublish', 'mass']) expect(byKey[k]).toMatchObject({ ok: true, label: expect.any(String) });
      expect(r.data.problems).toEqual([]);
      // harmless reads only: nothing was drafted, published or sent
      expect(calls(acc.appid, '/cgi-bin/draft/add') + calls(acc.appid, '/cgi-bin/freepublish/submit') + calls(acc.appid, '/cgi-bin/message/mass/sendall')).toBe(
        0,
      );
      expect(sim.records.list({ system: 'wechat' }).filter((x) => x.account === acc.appid)).toHaveLength(0);
    });

    it('reports an unverified account: no freepublish (48001) and no 群发, in Chinese', async () => {
      const acc = await account();
      sim.wechat.registerAccount({ appid: acc.appid, verified: false } as never);
      const r = await admin.post(`/channel-accounts/${acc.id}/check`);
      expect(r.status).toBe(200);
      expect(r.data.ok).toBe(false);
      const byKey = Object.fromEntries(r.data.capabilities.map((c: { key: string }) => [c.key, c]));
      expect(byKey.credentials.ok).toBe(true);
      expect(byKey.freepublish).toMatchObject({ ok: false, detail: expect.stringMatching(/48001/) });
      expect(byKey.mass.ok).toBe(false);
      expect(r.data.problems.join('')).toMatch(/认证/);
    });

    it('reports the IP whitelist (40164) with the address to add', async () => {
      const acc = await account();
      sim.wechat.registerAccount({ appid: acc.appid, ipWhitelistFail: true });
      const r = await admin.post(`/channel-accounts/${acc.id}/check`);
      expect(r.status).toBe(200);
      expect(r.data.ok).toBe(false);
      const ip = r.data.capabilities.find((c: { key: string }) => c.key === 'ipWhitelist');
      expect(ip).toMatchObject({ ok: false, detail: expect.stringMatching(/IP白名单.*127\.0\.0\.1|127\.0\.0\.1.*IP白名单/) });
    });

    it('only admins and operators of the account organisation may run it', async () => {
      const acc = await account();
      expect((await editor.post(`/channel-accounts/${acc.id}/check`)).status).toBe(403);
      expect((await admin.post(`/channel-accounts/00000000-0000-4000-8000-000000000000/check`)).status).toBe(404);
    });
  });

  describe('title limits (point 8)', () => {
    it('a 45003 fails permanently telling the editor to shorten the WeChat title, naming the field', async () => {
      const acc = await account();
      sim.wechat.registerAccount({ appid: acc.appid, titleMaxBytes: 64 } as never);
      // 25 characters, 75 bytes: inside the documented 32 characters, over the byte limit practitioners report
      const title = '关于进一步做好全县农村人居环境整治工作的实施意见通知';
      const { id } = await publish(acc.id, { title });
      const d = await settled(id);
      expect(d.state).toBe('failed');
      expect(d.last_error_code).toBe('WECHAT_45003');
      expect(d.last_error_message).toMatch(/^标题过长：请在"微信标题"中缩短至 \d+ 字以内/);
      expect(d.last_error_message).toContain('channelOverrides.wechat.title');
    });

    it('uses the account settings titleMaxChars / titleMaxBytes at submit; refuses bad values at save', async () => {
      const chars = await account({ titleMaxChars: 20 });
      expect(chars.status).toBe(201);
      const r1 = await publish(chars.id, { title: '关于进一步做好全县农村人居环境整治工作的通知' });
      expect(r1.submitted.status).toBe(422);
      expect(JSON.stringify(r1.submitted.data.details)).toMatch(/20字/);
      const bytes = await account({ titleMaxBytes: 60 });
      const r2 = await publish(bytes.id, {
        title: '关于做好防汛工作的通知',
        channelOverrides: { wechat: { title: '关于进一步做好全县农村人居环境整治工作的通知' } },
      });
      expect(r2.submitted.status).toBe(422);
      expect(JSON.stringify(r2.submitted.data.details)).toMatch(/60字节/);
      for (const bad of [{ titleMaxChars: 0 }, { titleMaxChars: 33 }, { titleMaxBytes: 'x' }]) {
        const r = await account(bad);
        expect(r.status).toBe(400);
        expect(r.data.details[0].field).toMatch(/^settings\.titleMax/);
      }
    });
  });
});
