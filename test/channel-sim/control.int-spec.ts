import { AxiosInstance } from 'axios';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import { client, startSimSuite, urlencoded } from './sim-test-helpers';

describe('channel-sim: server and control API', () => {
  let sim: ChannelSim;
  let ctl: AxiosInstance;

  startSimSuite(
    (started) => {
      sim = started;
      ctl = client(`${sim.url}/_sim`);
    },
    { port: 0 },
  );
  beforeEach(() => sim.reset());

  it('listens on loopback and mounts each system under its prefix', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.baseUrls).toEqual({
      wechat: `${sim.url}/wechat`,
      weibo: `${sim.url}/weibo`,
      huidu: `${sim.url}/huidu`,
      testchan: `${sim.url}/testchan`,
      novastar: `${sim.url}/novastar`,
    });
    const root = await ctl.get('/');
    expect(root.data.baseUrls).toEqual(sim.baseUrls);
  });

  it('serves the records with filters; deleted ones flagged', async () => {
    const tc = client(sim.baseUrls.testchan);
    const a = (await tc.post('/posts', { ref: 'a', title: '甲', text: 'x' }, { headers: { authorization: 'Bearer t1' } })).data;
    await tc.post('/posts', { ref: 'b', title: '乙', text: 'y' }, { headers: { authorization: 'Bearer t2' } });
    await client(sim.baseUrls.weibo).post('/2/statuses/share.json', urlencoded({ access_token: 'w', status: '微博 http://127.0.0.1/x', rip: '203.0.113.5' }), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await tc.delete(`/posts/${a.id}`, { headers: { authorization: 'Bearer t1' } });

    const all = (await ctl.get('/records')).data;
    expect(all.count).toBe(3);
    expect(all.records.map((r: { system: string }) => r.system)).toEqual(['testchan', 'testchan', 'weibo']);
    const t1 = (await ctl.get('/records', { params: { system: 'testchan', account: 't1' } })).data.records;
    expect(t1).toHaveLength(1);
    expect(t1[0]).toMatchObject({ externalId: a.id, title: '甲', deleted: true, deletedAt: expect.any(String), at: expect.any(String) });
    expect((await ctl.get('/records', { params: { system: 'testchan', includeDeleted: 'false' } })).data.count).toBe(1);
    expect((await ctl.get('/records', { params: { externalId: a.id } })).data.count).toBe(1);
    expect((await ctl.get('/records', { params: { system: 'fax' } })).status).toBe(400);

    await ctl.delete('/records');
    expect((await ctl.get('/records')).data.count).toBe(0);
  });

  it('moves the simulated clock and puts it back', async () => {
    const before = (await ctl.get('/clock')).data.epochMs;
    const after = (await ctl.post('/clock/advance', { ms: 3600_000 })).data.epochMs;
    expect(after - before).toBeGreaterThanOrEqual(3600_000);
    const set = (await ctl.post('/clock/set', { time: '2030-01-01T00:00:00Z' })).data;
    expect(set.now.startsWith('2030-01-01T00:00')).toBe(true);
    await ctl.post('/clock/reset');
    expect(Math.abs((await ctl.get('/clock')).data.offsetMs)).toBe(0);
    expect((await ctl.post('/clock/advance', {})).status).toBe(400);
  });

  it('reset forgets records, faults, accounts and configuration', async () => {
    await ctl.post('/faults', { system: 'wechat', error: -1 });
    await ctl.post('/wechat/accounts', { appid: 'wx1', secret: 'a' });
    await ctl.post('/weibo/config', { errorCodeAsNumber: true });
    await ctl.post('/huidu/devices', { id: 'D1', width: 64, height: 32 });
    await client(sim.baseUrls.testchan).post('/posts', { ref: 'a', title: 't', text: 'x' }, { headers: { authorization: 'Bearer t' } });
    await ctl.post('/clock/advance', { ms: 1000 });

    expect((await ctl.post('/reset')).data).toEqual({ ok: true });
    expect((await ctl.get('/records')).data.count).toBe(0);
    expect((await ctl.get('/faults')).data.faults).toEqual([]);
    expect((await ctl.get('/wechat/accounts')).data.accounts).toEqual([]);
    expect((await ctl.get('/weibo/config')).data.errorCodeAsNumber).toBe(false);
    expect((await ctl.get('/huidu/devices')).data.devices).toEqual([]);
    expect((await ctl.get('/clock')).data.offsetMs).toBe(0);
  });

  it('answers unknown control routes and systems with 404', async () => {
    expect((await ctl.get('/nothing')).status).toBe(404);
    expect((await client(sim.url).get('/fax/send')).status).toBe(404);
  });

  it('a second simulator runs side by side on its own port', async () => {
    const other = await startChannelSim();
    try {
      expect(other.port).not.toBe(sim.port);
      await client(other.baseUrls.testchan).post('/posts', { ref: 'x', title: 't', text: 'x' }, { headers: { authorization: 'Bearer t' } });
      expect(other.records.list()).toHaveLength(1);
      expect(sim.records.list()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
