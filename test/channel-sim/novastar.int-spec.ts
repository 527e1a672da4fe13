import { createHash, randomBytes } from 'crypto';
import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { client, startSimSuite } from './sim-test-helpers';

const APP_KEY = 'sfx-vnnox-app-key';
const APP_SECRET = 'sfx-vnnox-app-secret';

/** Signed headers as public VNNOX clients build them (libs/channels/src/led/NOVASTAR.md §1.2). */
function signed(o: { key?: string; secret?: string; nonce?: string; curTime?: string; checkSum?: string } = {}) {
  const nonce = o.nonce ?? randomBytes(16).toString('hex');
  const curTime = o.curTime ?? String(Math.floor(Date.now() / 1000));
  const checkSum =
    o.checkSum ??
    createHash('sha256')
      .update(`${o.secret ?? APP_SECRET}${nonce}${curTime}`)
      .digest('hex');
  return { AppKey: o.key ?? APP_KEY, Nonce: nonce, CurTime: curTime, CheckSum: checkSum, 'Content-Type': 'application/json' };
}

const picture = (url: string, duration = 5000) => ({ type: 'PICTURE', zIndex: 1, duration, url, layout: { x: '0%', y: '0%', width: '100%', height: '100%' } });

describe('channel-sim: NovaStar VNNOX open API', () => {
  let sim: ChannelSim;
  let ns: AxiosInstance;

  startSimSuite((started) => {
    sim = started;
    ns = client(sim.baseUrls.novastar);
  });
  beforeEach(() => {
    sim.reset();
    sim.novastar.addApp(APP_KEY, APP_SECRET);
    sim.novastar.registerPlayer({ playerId: 'p-hall-1', name: '一楼大厅', sn: 'BZSA07313J0350000997' });
    sim.novastar.registerPlayer({ playerId: 'p-hall-2', name: '二楼等候区', sn: 'BZSA07313J0350000998' });
  });

  it('refuses a wrong CheckSum, an unknown AppKey, a stale CurTime and a reused Nonce (HTTP 401), and records nothing', async () => {
    const body = { playerIds: ['p-hall-1'], pages: [{ name: 'p', widgets: [picture('https://cdn.example.com/a.png')] }] };
    expect((await ns.post('/v2/player/program/normal', body, { headers: signed({ secret: 'wrong' }) })).status).toBe(401);
    expect((await ns.post('/v2/player/program/normal', body, { headers: signed({ key: 'nobody' }) })).status).toBe(401);
    expect((await ns.post('/v2/player/program/normal', body, { headers: signed({ checkSum: signed().CheckSum.toUpperCase() }) })).status).toBe(401);
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    expect((await ns.post('/v2/player/program/normal', body, { headers: signed({ curTime: stale }) })).status).toBe(401);
    const h = signed();
    expect((await ns.get('/v2/player/list', { headers: h })).status).toBe(200);
    expect((await ns.get('/v2/player/list', { headers: h })).status).toBe(401); // same Nonce again
    expect(sim.records.list({ system: 'novastar' })).toHaveLength(0);
  });

  it('lists players with paging and reports online status (at most 100 ids)', async () => {
    const r = await ns.get('/v2/player/list', { headers: signed(), params: { start: 0, count: 20 } });
    expect(r.status).toBe(200);
    expect(r.data.rows.map((p: any) => p.playerId)).toEqual(['p-hall-1', 'p-hall-2']);
    expect(r.data.rows[0]).toMatchObject({ name: '一楼大厅', sn: 'BZSA07313J0350000997', onlineStatus: 1 });
    const named = await ns.get('/v2/player/list', { headers: signed(), params: { start: 0, count: 20, name: '二楼' } });
    expect(named.data.rows.map((p: any) => p.playerId)).toEqual(['p-hall-2']);
    sim.novastar.setOnline('p-hall-2', false);
    const st = await ns.post('/v2/player/current/online-status', { playerIds: ['p-hall-1', 'p-hall-2'] }, { headers: signed() });
    expect(st.status).toBe(200);
    expect(st.data.map((x: any) => [x.playerId, x.onlineStatus])).toEqual([
      ['p-hall-1', 1],
      ['p-hall-2', 0],
    ]);
    const tooMany = Array.from({ length: 101 }, (_, i) => `p-${i}`);
    expect((await ns.post('/v2/player/current/online-status', { playerIds: tooMany }, { headers: signed() })).status).toBe(400);
  });

  it('replaces the normal program per player: success for known players, fail for unknown ones; an offline player gets it when it comes back', async () => {
    sim.novastar.setOnline('p-hall-2', false);
    const body = { playerIds: ['p-hall-1', 'p-hall-2', 'p-ghost'], pages: [{ name: '公告1', widgets: [picture('https://gk.example.gov.cn/f/1.png')] }] };
    const r = await ns.post('/v2/player/program/normal', body, { headers: signed() });
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ success: ['p-hall-1', 'p-hall-2'], fail: ['p-ghost'] });
    expect(sim.novastar.showing('p-hall-1')).toMatchObject({ mode: 'normal', urls: ['https://gk.example.gov.cn/f/1.png'] });
    expect(sim.novastar.showing('p-hall-2')).toMatchObject({ mode: 'none', pending: true }); // accepted by the cloud, not on the screen
    sim.novastar.setOnline('p-hall-2', true);
    expect(sim.novastar.showing('p-hall-2')).toMatchObject({ mode: 'normal', urls: ['https://gk.example.gov.cn/f/1.png'] });

    const again = { playerIds: ['p-hall-1'], pages: [{ name: '公告2', widgets: [picture('https://gk.example.gov.cn/f/2.png')] }] };
    expect((await ns.post('/v2/player/program/normal', again, { headers: signed() })).data).toEqual({ success: ['p-hall-1'], fail: [] });
    expect(sim.novastar.showing('p-hall-1').urls).toEqual(['https://gk.example.gov.cn/f/2.png']);
    const recs = sim.records.list({ system: 'novastar', account: 'p-hall-1' });
    expect(recs.map((x) => [x.action, x.deleted])).toEqual([
      ['normal', true],
      ['normal', false],
    ]);
  });

  it('refuses malformed programs with HTTP 400 naming the field', async () => {
    const noUrl = {
      playerIds: ['p-hall-1'],
      pages: [{ name: 'x', widgets: [{ type: 'PICTURE', zIndex: 1, duration: 5000, layout: { x: '0%', y: '0%', width: '100%', height: '100%' } }] }],
    };
    const r = await ns.post('/v2/player/program/normal', noUrl, { headers: signed() });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.data)).toContain('pages[0].widgets[0].url');
    const noPlayers = await ns.post('/v2/player/program/normal', { playerIds: [], pages: [] }, { headers: signed() });
    expect(noPlayers.status).toBe(400);
    const badEmergency = await ns.post(
      '/v2/player/emergency-program/page',
      {
        playerIds: ['p-hall-1'],
        attribute: { duration: 20000, normalProgramStatus: 'STOP', spotsType: 'IMMEDIATELY' },
        page: { name: 'u', widgets: [picture('https://x/1.png')] },
      },
      { headers: signed() },
    );
    expect(badEmergency.status).toBe(400);
    expect(JSON.stringify(badEmergency.data)).toContain('attribute.normalProgramStatus');
  });

  it('an emergency insertion pauses the normal program for its duration, then the normal program resumes; cancel ends it early', async () => {
    await ns.post(
      '/v2/player/program/normal',
      { playerIds: ['p-hall-1'], pages: [{ name: '公告', widgets: [picture('https://x/normal.png')] }] },
      { headers: signed() },
    );
    const em = {
      playerIds: ['p-hall-1'],
      attribute: { duration: 20000, normalProgramStatus: 'PAUSE', spotsType: 'IMMEDIATELY' },
      page: { name: '紧急', widgets: [picture('https://x/urgent.png', 10000)] },
    };
    const r = await ns.post('/v2/player/emergency-program/page', em, { headers: signed() });
    expect(r.data).toEqual({ success: ['p-hall-1'], fail: [] });
    expect(sim.novastar.showing('p-hall-1')).toMatchObject({ mode: 'emergency', urls: ['https://x/urgent.png'], normalPaused: true });
    sim.clock.advance(19_000);
    expect(sim.novastar.showing('p-hall-1').mode).toBe('emergency');
    sim.clock.advance(2_000);
    expect(sim.novastar.showing('p-hall-1')).toMatchObject({ mode: 'normal', urls: ['https://x/normal.png'] });
    expect(sim.records.list({ system: 'novastar', account: 'p-hall-1' }).find((x) => x.action === 'emergency')).toMatchObject({
      deleted: true,
      deletedReason: 'duration over',
    });

    // nothing to cancel any more: that player fails
    expect((await ns.post('/v2/player/emergency-program/cancel', { playerIds: ['p-hall-1'] }, { headers: signed() })).data).toEqual({
      success: [],
      fail: ['p-hall-1'],
    });
    await ns.post('/v2/player/emergency-program/page', em, { headers: signed() });
    expect(sim.novastar.showing('p-hall-1').mode).toBe('emergency');
    const c = await ns.post('/v2/player/emergency-program/cancel', { playerIds: ['p-hall-1'] }, { headers: signed() });
    expect(c.data).toEqual({ success: ['p-hall-1'], fail: [] });
    expect(sim.novastar.showing('p-hall-1')).toMatchObject({ mode: 'normal', urls: ['https://x/normal.png'] });
  });

  it('fault injection applies to NovaStar like the other systems (by AppKey or player id)', async () => {
    sim.faults.add({ system: 'novastar', path: '/v2/player/program/normal', error: 'http:503', count: 1 });
    const body = { playerIds: ['p-hall-1'], pages: [{ name: 'p', widgets: [picture('https://x/1.png')] }] };
    expect((await ns.post('/v2/player/program/normal', body, { headers: signed() })).status).toBe(503);
    expect((await ns.post('/v2/player/program/normal', body, { headers: signed() })).status).toBe(200);
    sim.faults.add({ system: 'novastar', account: 'p-hall-1', error: '429', count: 1 });
    expect((await ns.post('/v2/player/program/normal', body, { headers: signed() })).status).toBe(429);
  });
});
