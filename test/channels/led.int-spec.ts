import axios, { AxiosInstance } from 'axios';
import sharp from 'sharp';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { LedScheduler } from '@app/channels/led/led-scheduler.service';
import { registerDemoLedScreens } from '@app/channels/led/led-sim-setup';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * LED screens end to end through the real pipeline (editor → reviewer → worker) against the Huidu
 * simulator, whose device programs and records are the judge of what a screen shows, and against a
 * pull-mode player fetching its playlist with an ETag.
 */
describe('LED screens: Huidu push and pull playlists', () => {
  let sim: ChannelSim, sys: TestSystem, editor: AxiosInstance, reviewer: AxiosInstance, operator: AxiosInstance, admin: AxiosInstance;
  let seq = 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  startChannelSuite(
    'led',
    { users: ['editor', 'reviewer', 'operator', 'admin'] },
    (s) =>
      ({
        sim,
        sys,
        users: { editor, reviewer, operator, admin },
      } = s),
  );

  interface Screen {
    id: string;
    deviceId: string;
    sdkKey: string;
    sdkSecret: string;
  }

  /** A fresh screen (own device id on the simulator) through the admin API. */
  async function screen(
    o: {
      width?: number;
      height?: number;
      colourMode?: string;
      settings?: Record<string, unknown>;
      credentials?: Record<string, unknown>;
      register?: boolean;
    } = {},
  ): Promise<Screen> {
    const n = ++seq;
    const deviceId = `HD-T-${n}`;
    const sdkKey = `key-${deviceId}`;
    const sdkSecret = `secret-${deviceId}`;
    const width = o.width ?? 128;
    const height = o.height ?? 32;
    if (o.register !== false) {
      sim.huidu.addKey(sdkKey, sdkSecret);
      sim.huidu.registerDevice({ id: deviceId, width, height });
    }
    const r = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'led',
      name: `测试LED屏${n}`,
      baseUrl: `${sim.url}/huidu`,
      settings: {
        location: `政务服务中心${n}号窗口上方`,
        width,
        height,
        colourMode: o.colourMode ?? 'single',
        protocol: 'huidu',
        deviceId,
        confirmPollMs: 300,
        ...o.settings,
      },
      credentials: { sdkKey, sdkSecret, ...o.credentials },
    });
    expect(r.status).toBe(201);
    return { id: r.data.id, deviceId, sdkKey, sdkSecret };
  }

  async function create(accountId: string, led: Record<string, unknown>, over: Record<string, unknown> = {}) {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: `关于调整政务服务大厅办公时间的公告（${++seq}）`,
      bodyHtml: '<p>自即日起调整办公时间。</p>',
      summary: '办公时间调整',
      kind: 'notice',
      targetAccountIds: [accountId],
      channelOverrides: { led },
      ...over,
    });
    expect(created.status).toBe(201);
    return created.data.id as string;
  }

  async function publish(accountId: string, led: Record<string, unknown>, over: Record<string, unknown> = {}): Promise<string> {
    const id = await create(accountId, led, over);
    const sub = await editor.post(`/items/${id}/submit`);
    expect(sub.status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' })).status).toBe(200);
    return id;
  }

  const ledDelivery = async (itemId: string, versionNo?: number) =>
    (
      await sys.ds.query(
        `SELECT * FROM deliveries WHERE item_id = $1 AND channel_type = 'led' ${versionNo ? `AND version_no = ${versionNo}` : ''} ORDER BY version_no DESC`,
        [itemId],
      )
    )[0];
  const waitDelivery = (itemId: string, pred: (d: any) => boolean, what: string, versionNo?: number) =>
    waitFor(
      async () => {
        const d = await ledDelivery(itemId, versionNo);
        return d && pred(d) ? d : null;
      },
      30_000,
      what,
    );
  const published = (itemId: string, versionNo?: number) => waitDelivery(itemId, (d) => d.state === 'published', 'published', versionNo);
  /**
   * What the controller holds, in the order of the last replace request (the simulator's live records,
   * by sequence), checked against the device's own program set.
   */
  const programTexts = (deviceId: string) => {
    const live = sim.records.list({ system: 'huidu', account: deviceId, includeDeleted: false }).sort((a, b) => a.seq - b.seq);
    const onDevice = (sim.huidu.devicePrograms(deviceId) ?? []).map((p: any) => p.uuid as string);
    expect(live.map((r) => r.externalId).sort()).toEqual([...onDevice].sort());
    return live.map((r) => ((r.meta as any).texts as string[]).map((t) => t.replace(/\n/g, '')).join(''));
  };

  it('pushes the whole program to the Huidu controller, signed; the delivery is published on kSuccess; frames and the console preview come from the same renderer', async () => {
    const s = await screen({ colourMode: 'dual' });
    const text = '因系统升级，3月5日下午暂停办理不动产登记业务，请错峰办理';
    const id = await publish(s.id, { text, priority: 7, colour: 'green' });
    const d = await published(id);
    expect(d.external_id).toMatch(new RegExp(`^${s.deviceId}/[0-9a-f-]{36}$`));

    const programs = sim.huidu.devicePrograms(s.deviceId)!;
    expect(programs).toHaveLength(1);
    const p: any = programs[0];
    expect(p.area[0]).toMatchObject({ x: 0, y: 0, width: 128, height: 32 });
    expect(p.area[0].item.length).toBeGreaterThan(1); // split into pages
    expect(p.area[0].item[0]).toMatchObject({ type: 'text', font: { size: 16, color: '#00FF00' } });
    expect(programTexts(s.deviceId)).toEqual([text.replace(/\s/g, '')]);
    const records = sim.records.list({ system: 'huidu', account: s.deviceId });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'replace', externalId: p.uuid, deleted: false });
    expect((records[0].meta as any).sdkKey).toBe(s.sdkKey);

    const frames = (await operator.get(`/led/screens/${s.id}/frames`)).data;
    expect(frames.frames).toHaveLength(p.area[0].item.length);
    expect(frames.frames.map((f: any) => f.text)).toEqual(p.area[0].item.map((i: any) => i.string));
    const png = await operator.get(`/led/screens/${s.id}/frames/1.png`, { responseType: 'arraybuffer' });
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const meta = await sharp(Buffer.from(png.data)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 32]);
    const previews = (await editor.get(`/items/${id}/previews`, { params: { accounts: s.id } })).data;
    expect(previews[0].preview.problems).toEqual([]);
    expect(Buffer.from(previews[0].preview.images[0].base64, 'base64').equals(Buffer.from(png.data))).toBe(true);
    const detail = (await operator.get(`/led/screens/${s.id}`)).data;
    expect(detail.program.ackedAt).toBeTruthy();
    expect(detail.entries[0]).toMatchObject({ status: 'active', priority: 7, text });
  });

  it('refuses at submit what a screen cannot show: too small for one character, too long, a window already over, an emergency without an end', async () => {
    const tiny = await screen({ width: 10, height: 10, register: false });
    const a = await create(tiny.id, { text: '通知' });
    const ra = await editor.post(`/items/${a}/submit`);
    expect(ra.status).toBe(422);
    expect(ra.data.details[0].field).toBe('channels.led.channelOverrides.led.text');
    expect(ra.data.details[0].reason).toContain('LED 屏幕 10×10 像素太小，至少需要 12×12 像素才能显示一个汉字');

    const small = await screen({ width: 64, height: 16, register: false, settings: { maxPages: 3 } });
    const b = await create(small.id, { text: '各位办事群众：自下周一起，政务服务大厅实行延时服务，工作日中午和周六上午均可办理社保、医保、公积金业务' });
    const rb = await editor.post(`/items/${b}/submit`);
    expect(rb.status).toBe(422);
    expect(rb.data.details[0].reason).toMatch(/需要\d+屏，上限3屏/);

    const c = await create(small.id, { text: '通知', from: '2020-01-01T08:00:00+08:00', to: '2020-01-02T08:00:00+08:00' });
    const rc = await editor.post(`/items/${c}/submit`);
    expect(rc.status).toBe(422);
    expect(rc.data.details).toEqual([{ field: 'channels.led.channelOverrides.led.to', reason: expect.stringContaining('显示时段已结束') }]);
    const e = await create(small.id, { text: '停电', emergency: true });
    expect((await editor.post(`/items/${e}/submit`)).data.details[0].reason).toContain('紧急插播须设置结束时间');
  });

  it('a bad signature is a credentials problem: the account stops, nothing reaches the controller; fixing the secret resumes the delivery', async () => {
    const s = await screen({ credentials: { sdkSecret: 'not-the-secret' } });
    const id = await publish(s.id, { text: '明日上午系统维护' });
    const d = await waitDelivery(id, (x) => x.last_error_code === 'HUIDU_AUTH_FAILED', 'auth failure');
    expect(d.state).not.toBe('published');
    const acc = (await sys.ds.query(`SELECT status, status_reason FROM channel_accounts WHERE id = $1`, [s.id]))[0];
    expect(acc.status).toBe('needs_attention');
    expect(acc.status_reason).toContain('签名校验失败');
    expect(sim.records.list({ system: 'huidu', account: s.deviceId })).toHaveLength(0);
    expect((await admin.patch(`/channel-accounts/${s.id}`, { credentials: { sdkKey: s.sdkKey, sdkSecret: s.sdkSecret } })).status).toBe(200);
    await published(id);
    expect(programTexts(s.deviceId)).toEqual(['明日上午系统维护']);
  });

  it('plays by priority; an emergency interrupts the normal program until it is withdrawn, and items arriving meanwhile go up after it', async () => {
    const s = await screen();
    const low = await publish(s.id, { text: '办事大厅工作时间：周一至周五', priority: 2 });
    await published(low);
    const high = await publish(s.id, { text: '社保业务已移至三楼', priority: 8 });
    await published(high);
    expect(programTexts(s.deviceId)).toEqual(['社保业务已移至三楼', '办事大厅工作时间：周一至周五']);

    const emergency = await publish(s.id, { text: '紧急通知：因停电暂停办理业务', emergency: true, to: new Date(Date.now() + 3600_000).toISOString() });
    await published(emergency);
    // only the emergency plays (as two day programs when its hour crosses midnight in Beijing)
    const during = sim.huidu.devicePrograms(s.deviceId)! as any[];
    expect(during.length).toBeGreaterThanOrEqual(1);
    expect(during.every((p) => /^【紧急】/.test(p.name))).toBe(true);
    const emergencyOnly = () => expect([...new Set(programTexts(s.deviceId))]).toEqual(['紧急通知：因停电暂停办理业务']);
    emergencyOnly();

    const meanwhile = await publish(s.id, { text: '新增不动产登记网上预约', priority: 5 });
    await waitDelivery(meanwhile, (x) => x.state === 'awaiting_confirmation', 'waiting behind the emergency');
    await sleep(800);
    // still not on the screen: it waits for confirmation (a confirmation check may hold it as
    // 'processing' for a moment), never published while the emergency plays
    expect(['awaiting_confirmation', 'processing']).toContain((await ledDelivery(meanwhile)).state);
    emergencyOnly();

    expect((await reviewer.post(`/items/${emergency}/withdraw`, { reason: '已恢复供电' })).status).toBe(200);
    await waitDelivery(emergency, (x) => x.state === 'withdrawn', 'emergency withdrawn');
    expect(programTexts(s.deviceId)).toEqual(['社保业务已移至三楼', '新增不动产登记网上预约', '办事大厅工作时间：周一至周五']);
    await published(meanwhile);
  });

  it('an expired entry leaves the program by schedule', async () => {
    const s = await screen();
    const keep = await publish(s.id, { text: '长期公告：请取号排队' });
    await published(keep);
    const to = new Date(Date.now() + 7000);
    const brief = await publish(s.id, { text: '限时通知：今日上午签到', to: to.toISOString() });
    await published(brief);
    expect(programTexts(s.deviceId)).toHaveLength(2);
    const uuid = (sim.huidu.devicePrograms(s.deviceId)! as any[]).find((p) => p.area[0].item[0].string.includes('限时'))!.uuid;
    await sleep(Math.max(0, to.getTime() - Date.now()) + 300);
    const runs = await sys.worker!.get(LedScheduler).tick();
    expect(runs.find((r) => r.accountId === s.id)).toMatchObject({ expired: expect.any(Number) });
    expect(programTexts(s.deviceId)).toEqual(['长期公告：请取号排队']);
    const entry = (await sys.ds.query(`SELECT e.status FROM led_entries e JOIN deliveries d ON d.id = e.delivery_id WHERE d.item_id = $1`, [brief]))[0];
    expect(entry.status).toBe('expired');
    const rec = sim.records.list({ system: 'huidu', account: s.deviceId, externalId: uuid });
    expect(rec.every((r) => r.deleted)).toBe(true);
    expect((await ledDelivery(brief)).state).toBe('published'); // it was shown: it stays counted
  });

  it('withdrawal removes the entry from the screen at once and keeps the ledger row', async () => {
    const s = await screen();
    const id = await publish(s.id, { text: '关于收费标准调整的公示' });
    const d = await published(id);
    expect(programTexts(s.deviceId)).toEqual(['关于收费标准调整的公示']);
    expect((await reviewer.post(`/items/${id}/withdraw`, { reason: '公示内容有误' })).status).toBe(200);
    await waitDelivery(id, (x) => x.state === 'withdrawn', 'withdrawn');
    expect(sim.huidu.devicePrograms(s.deviceId)).toEqual([]);
    const ledger = await sys.ds.query(
      `SELECT w.reason FROM publication_records r JOIN publication_withdrawals w ON w.publication_record_id = r.id WHERE r.delivery_id = $1`,
      [d.id],
    );
    expect(ledger).toEqual([{ reason: '公示内容有误' }]);
  });

  it('a revision replaces the entry in place (the channel can update)', async () => {
    const s = await screen();
    const id = await publish(s.id, { text: '第一版：周六不办公' });
    await published(id, 1);
    expect((await editor.patch(`/items/${id}`, { channelOverrides: { led: { text: '更正：周六上午正常办公' } } })).status).toBe(200);
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
    await published(id, 2);
    expect(programTexts(s.deviceId)).toEqual(['更正：周六上午正常办公']);
  });

  it('a controller that is offline is retried until it acknowledges', async () => {
    const s = await screen();
    sim.huidu.setOnline(s.deviceId, false);
    const id = await publish(s.id, { text: '窗口调整通知' });
    await waitDelivery(id, (x) => x.last_error_code === 'HUIDU_DEVICE_OFFLINE', 'offline error');
    sim.huidu.setOnline(s.deviceId, true);
    await published(id);
    expect(programTexts(s.deviceId)).toEqual(['窗口调整通知']);
  });

  it('a push whose answer is lost is settled by asking the controller, without pushing twice; a controller failure is retried', async () => {
    const s = await screen();
    sim.faults.add({ system: 'huidu', path: '/api/program/*', account: s.deviceId, timeoutAfterEffect: { mode: 'destroy' }, count: 1 });
    const id = await publish(s.id, { text: '答复丢失测试：请到二号窗口' });
    const d = await published(id);
    const all = sim.records.list({ system: 'huidu', account: s.deviceId });
    expect(all).toHaveLength(1); // one replace reached the controller, none repeated
    expect(all[0].deleted).toBe(false);
    const calls = await sys.ds.query(`SELECT call, error_code FROM delivery_events WHERE delivery_id = $1 AND kind = 'attempt' ORDER BY id`, [d.id]);
    expect(calls.some((c: any) => /program replace/.test(c.call) && c.error_code)).toBe(true);
    expect(calls.some((c: any) => /getAll/.test(c.call))).toBe(true);

    const f = await screen();
    sim.faults.add({ system: 'huidu', path: '/api/program/*', account: f.deviceId, error: 'failure', count: 1 });
    const id2 = await publish(f.id, { text: '控制卡故障测试' });
    await waitDelivery(id2, (x) => x.last_error_code === 'HUIDU_FAILURE' || x.state === 'published', 'failure seen');
    await published(id2);
    expect(programTexts(f.deviceId)).toEqual(['控制卡故障测试']);
  });

  it('pull mode: the player fetches its playlist with a per-screen key and an ETag; a delivery is published once a fetched version holds it', async () => {
    const key = `player-key-${Date.now()}-abcdef`;
    const acc = await admin.post('/channel-accounts', {
      organisationId: sys.seed.orgs['sfx'],
      channelType: 'led',
      name: '二楼全彩屏（拉取测试）',
      baseUrl: '',
      settings: { location: '二楼等候区', width: 192, height: 96, colourMode: 'full', colour: '#FFD700', protocol: 'pull', confirmPollMs: 300 },
      credentials: { playlistKey: key },
    });
    expect(acc.status).toBe(201);
    const url = `${sys.url}/api/v1/led/screens/${acc.data.id}/playlist`;
    const player = axios.create({ validateStatus: () => true, proxy: false });

    const first = await publish(acc.data.id, { text: '欢迎来到示范县政务服务中心' });
    await waitDelivery(first, (x) => x.state === 'awaiting_confirmation', 'waiting for the player');
    await sleep(700);
    // no player has fetched it yet: not published (a confirmation check may hold it as 'processing' for a moment)
    expect(['awaiting_confirmation', 'processing']).toContain((await ledDelivery(first)).state);

    expect((await player.get(url)).status).toBe(403);
    expect((await player.get(url, { headers: { 'X-Screen-Key': 'wrong-key-wrong-key' } })).status).toBe(403);
    const r1 = await player.get(url, { headers: { 'X-Screen-Key': key } });
    expect(r1.status).toBe(200);
    const etag1 = r1.headers['etag'];
    expect(etag1).toMatch(/^"v\d+-[0-9a-f]{16}"$/);
    expect(r1.data.screen).toMatchObject({ width: 192, height: 96, colourMode: 'full' });
    expect(r1.data.programs[0].area[0].item.map((i: any) => i.string.replace(/\n/g, '')).join('')).toBe('欢迎来到示范县政务服务中心');
    expect(r1.data.programs[0].area[0].item[0].font.color).toBe('#FFD700');
    await published(first);

    const r304 = await player.get(url, { headers: { 'X-Screen-Key': key, 'If-None-Match': etag1 } });
    expect(r304.status).toBe(304);
    expect(r304.headers['etag']).toBe(etag1);

    const frame = await player.get(`${sys.url}${r1.data.frames[0].url}`, { headers: { 'X-Screen-Key': key }, responseType: 'arraybuffer' });
    expect(frame.status).toBe(200);
    const meta = await sharp(Buffer.from(frame.data)).metadata();
    expect([meta.width, meta.height]).toEqual([192, 96]);
    expect((await player.get(`${sys.url}${r1.data.frames[0].url}`, { responseType: 'arraybuffer' })).status).toBe(403);

    const second = await publish(acc.data.id, { text: '请保管好随身物品', priority: 9 });
    await waitDelivery(second, (x) => x.state === 'awaiting_confirmation', 'waiting for the player');
    const r2 = await player.get(url, { headers: { 'X-Screen-Key': key, 'If-None-Match': etag1 } });
    expect(r2.status).toBe(200);
    expect(r2.headers['etag']).not.toBe(etag1);
    expect(r2.data.programs).toHaveLength(2);
    expect(r2.data.programs[0].area[0].item[0].string).toBe('请保管好随身物品');
    await published(second);
    const status = (await operator.get('/led/screens')).data.find((x: any) => x.id === acc.data.id);
    expect(status).toMatchObject({ lastFetchVersion: r2.data.version, activeEntries: 2 });
  });

  it('registers the demo screens of config/demo-accounts.json with the simulator', async () => {
    expect(await registerDemoLedScreens(sim.url)).toBe(2); // the Huidu screen and the NovaStar screen
    expect(sim.huidu.listDevices().find((d) => d.id === 'HD-SFX-0001')).toMatchObject({ width: 128, height: 32 });
  });
});
