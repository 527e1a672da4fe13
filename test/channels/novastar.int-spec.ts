import axios, { AxiosInstance } from 'axios';
import sharp from 'sharp';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { LedScheduler } from '@app/channels/led/led-scheduler.service';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * LED screens driven by NovaStar's VNNOX cloud (open API v2) through the real pipeline (editor →
 * reviewer → worker), judged by the NovaStar simulator: what each player shows, its records, and the
 * picture URLs the player downloads from our API.
 */
describe('LED screens: NovaStar VNNOX', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, admin: AxiosInstance;
  let seq = 0;

  startChannelSuite(
    'novastar',
    { users: ['editor', 'reviewer', 'admin'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, admin },
      } = s),
  );

  interface Screen {
    id: string;
    playerId: string;
  }

  async function screen(o: { appSecret?: string; online?: boolean } = {}): Promise<Screen> {
    const n = ++seq;
    const playerId = `ns-player-${n}`;
    sim.novastar.addApp(`app-${n}`, `secret-${n}`);
    sim.novastar.registerPlayer({ playerId, name: `大厅屏${n}`, sn: `BZSA0000${n}`, online: o.online ?? true });
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'led',
      name: `诺瓦测试屏${n}`,
      baseUrl: `${sim.url}/novastar`,
      settings: {
        location: `政务服务中心${n}号区`,
        width: 128,
        height: 32,
        colourMode: 'full',
        protocol: 'novastar',
        playerIds: [playerId],
        mediaBaseUrl: `${sys.url}/api/v1`,
        confirmPollMs: 300,
      },
      credentials: { appKey: `app-${n}`, appSecret: o.appSecret ?? `secret-${n}`, playlistKey: `media-key-for-screen-${n}` },
    });
    expect(r.status).toBe(201);
    return { id: r.data.id, playerId };
  }

  async function publish(accountId: string, led: Record<string, unknown>): Promise<string> {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `政务服务大厅通知（${++seq}）`,
      bodyHtml: '<p>通知内容。</p>',
      summary: '通知',
      kind: 'notice',
      targetAccountIds: [accountId],
      channelOverrides: { led },
    });
    expect(created.status).toBe(201);
    const id = created.data.id as string;
    const sub = await editor.post(`/items/${id}/submit`);
    expect([sub.status, sub.data]).toEqual([200, expect.anything()]);
    expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    return id;
  }

  const delivery = async (itemId: string) =>
    (await sys.ds.query(`SELECT * FROM deliveries WHERE item_id = $1 AND channel_type = 'led' ORDER BY version_no DESC`, [itemId]))[0];
  const waitDelivery = (itemId: string, pred: (d: any) => boolean, what: string) =>
    waitFor(
      async () => {
        const d = await delivery(itemId);
        return d && pred(d) ? d : null;
      },
      30_000,
      what,
    );
  const published = (itemId: string) => waitDelivery(itemId, (d) => d.state === 'published', 'published');
  /** The texts on the player's screen now, read back from the PNGs it downloads from our API. */
  const shownUrls = (playerId: string) => sim.novastar.showing(playerId).urls;

  it('publishes an item as picture widgets the player downloads; published only once the cloud accepted it and the player is online; ledger row written', async () => {
    const s = await screen();
    const id = await publish(s.id, { text: '因系统升级，3月5日下午暂停办理不动产登记业务，请错峰办理' });
    const d = await published(id);
    expect(d.external_id).toMatch(new RegExp(`^novastar:${s.playerId}/[0-9a-f-]{36}$`));
    const showing = sim.novastar.showing(s.playerId);
    expect(showing.mode).toBe('normal');
    expect(showing.urls.length).toBeGreaterThan(1); // one picture per page
    for (const url of showing.urls) {
      const png = await axios.get(url, { responseType: 'arraybuffer', proxy: false });
      const meta = await sharp(Buffer.from(png.data)).metadata();
      expect([png.headers['content-type'], meta.width, meta.height]).toEqual(['image/png', 128, 32]);
    }
    // the picture URLs are not open to anyone: the screen's media key is required
    expect((await axios.get(showing.urls[0].replace(/key=[^&]+/, 'key=wrong-key-wrong-key'), { validateStatus: () => true, proxy: false })).status).toBe(403);
    const recs = sim.records.list({ system: 'novastar', account: s.playerId });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ action: 'normal', deleted: false });
    const ledger = await sys.ds.query(`SELECT channel_type FROM publication_records WHERE delivery_id = $1`, [d.id]);
    expect(ledger).toEqual([{ channel_type: 'led' }]);
  });

  it('an offline player: the cloud accepts the job but the delivery is not published until the player reports online', async () => {
    const s = await screen({ online: false });
    const id = await publish(s.id, { text: '窗口调整通知' });
    await waitFor(async () => sim.records.list({ system: 'novastar', account: s.playerId }).length > 0 || null, 30_000, 'cloud accepted');
    const d = await waitDelivery(id, (x) => x.state === 'awaiting_confirmation', 'awaiting confirmation');
    expect(d.state).toBe('awaiting_confirmation');
    expect(sim.novastar.showing(s.playerId)).toMatchObject({ mode: 'none', pending: true });
    sim.novastar.setOnline(s.playerId, true);
    await published(id);
    expect(sim.novastar.showing(s.playerId).mode).toBe('normal');
    expect(sim.records.list({ system: 'novastar', account: s.playerId })).toHaveLength(1); // accepted once, never sent again
  });

  it('an emergency item interrupts the normal program and the normal program resumes after its duration or its withdrawal', async () => {
    const s = await screen();
    const normal = await publish(s.id, { text: '办事大厅工作时间：周一至周五' });
    await published(normal);
    const normalUrls = shownUrls(s.playerId);

    const to = Date.now() + 3600_000;
    const emergency = await publish(s.id, { text: '紧急通知：因停电暂停办理业务', emergency: true, to: new Date(to).toISOString() });
    await published(emergency);
    const shown = sim.novastar.showing(s.playerId);
    expect(shown).toMatchObject({ mode: 'emergency', normalPaused: true });
    const rec = sim.records.live({ system: 'novastar', account: s.playerId }).find((r) => r.action === 'emergency')!;
    const attr = (rec.meta as any).attribute;
    expect(attr).toMatchObject({ normalProgramStatus: 'PAUSE', spotsType: 'IMMEDIATELY' });
    expect(attr.duration).toBeGreaterThan(3500_000);
    expect(attr.duration).toBeLessThanOrEqual(3600_000);

    // an item arriving during the emergency is not published while the emergency plays
    const meanwhile = await publish(s.id, { text: '新增不动产登记网上预约' });
    await waitDelivery(meanwhile, (x) => x.state === 'awaiting_confirmation', 'waiting behind the emergency');
    expect(sim.novastar.showing(s.playerId).mode).toBe('emergency');
    // (the new version sent the normal program again and re-inserted the emergency with the time left)
    const playing = sim.records.live({ system: 'novastar', account: s.playerId }).find((r) => r.action === 'emergency')!;
    expect((playing.meta as any).attribute.duration).toBeLessThanOrEqual(attr.duration);

    // withdrawal cancels the insertion; the normal program (now with the new item) resumes
    expect((await reviewer.post(`/items/${emergency}/withdraw`, { reason: '已恢复供电' })).status).toBe(200);
    await waitDelivery(emergency, (x) => x.state === 'withdrawn', 'emergency withdrawn');
    await published(meanwhile);
    const after = sim.novastar.showing(s.playerId);
    expect(after.mode).toBe('normal');
    expect(after.urls.length).toBeGreaterThan(normalUrls.length);
    expect(sim.records.list({ system: 'novastar', account: s.playerId }).find((r) => r.seq === playing.seq)?.deletedReason).toBe('cancelled');

    // a second emergency ends on the player by its duration (the player's own clock)
    const second = await publish(s.id, { text: '紧急：电梯检修', emergency: true, to: new Date(Date.now() + 600_000).toISOString() });
    await published(second);
    expect(sim.novastar.showing(s.playerId).mode).toBe('emergency');
    sim.clock.advance(601_000);
    expect(sim.novastar.showing(s.playerId)).toMatchObject({ mode: 'normal', urls: after.urls });
    sim.clock.reset(); // back to real time: the cloud checks CurTime against its clock
  });

  it('a wrong AppSecret is a credentials problem: the account stops and nothing is accepted', async () => {
    const s = await screen({ appSecret: 'not-the-secret' });
    const id = await publish(s.id, { text: '明日上午系统维护' });
    const d = await waitDelivery(id, (x) => x.last_error_code === 'NOVASTAR_AUTH_FAILED', 'auth failure');
    expect(d.state).not.toBe('published');
    const acc = (await sys.ds.query(`SELECT status, status_reason FROM channel_accounts WHERE id = $1`, [s.id]))[0];
    expect(acc.status).toBe('needs_attention');
    expect(acc.status_reason).toContain('AppSecret');
    expect(sim.records.list({ system: 'novastar', account: s.playerId })).toHaveLength(0);
  });

  it('a lost answer is never resent automatically: the delivery waits for a person', async () => {
    const s = await screen();
    sim.faults.add({ system: 'novastar', path: '/v2/player/program/normal', account: s.playerId, timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    const id = await publish(s.id, { text: '关于收费标准调整的公示' });
    const d = await waitDelivery(id, (x) => x.state === 'unconfirmed', 'unconfirmed');
    expect(d.last_error_code).toBe('NOVASTAR_OUTCOME_UNKNOWN');
    expect(sim.records.list({ system: 'novastar', account: s.playerId })).toHaveLength(1); // the cloud took it once
    // the scheduler's pass does not send the unproven version again either
    await sys.worker!.get(LedScheduler).tick();
    expect(sim.records.list({ system: 'novastar', account: s.playerId })).toHaveLength(1);
    expect((await delivery(id)).state).toBe('unconfirmed');
  });
});
