import { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { huiduSign } from '@app/channel-sim/huidu/huidu-sign';
import { client, startSimSuite } from './sim-test-helpers';

const KEY = 'a7fa6795aaa891e2';
const SECRET = 'sim-secret';

function textProgram(uuid: string, text: string, area = { x: 0, y: 0, width: 128, height: 32 }) {
  return {
    name: `节目${uuid}`,
    type: 'normal',
    uuid,
    playControl: {
      duration: '00:00:30',
      week: { enable: 'Mon,Tue,Wed,Thu,Fri' },
      date: [{ start: '2025-01-01', end: '2025-12-31' }],
      time: [{ start: '08:30:00', end: '17:30:00' }],
    },
    area: [
      {
        ...area,
        item: [
          {
            type: 'text',
            string: text,
            multiLine: false,
            alignment: 'center',
            font: { name: '宋体', size: 14, color: '#ff0000' },
            effect: { type: 26, speed: 4, hold: 5000 },
          },
        ],
      },
    ],
  };
}

describe('channel-sim: Huidu LED HTTP SDK', () => {
  let sim: ChannelSim;
  let hd: AxiosInstance;

  startSimSuite((started) => {
    sim = started;
    hd = client(sim.baseUrls.huidu);
  });
  beforeEach(() => {
    sim.reset();
    sim.huidu.addKey(KEY, SECRET);
    sim.huidu.registerDevice({ id: 'C16L-D00-A0001', width: 128, height: 32 });
    sim.huidu.registerDevice({ id: 'C16L-D00-A0002', width: 64, height: 32 });
  });

  async function call(path: string, body: unknown, opts: { key?: string; secret?: string; date?: string; sign?: string } = {}) {
    const text = JSON.stringify(body);
    const date = opts.date ?? new Date().toUTCString();
    const key = opts.key ?? KEY;
    const sign = opts.sign ?? huiduSign(text, key, date, opts.secret ?? SECRET);
    return hd.post(path, text, { headers: { 'content-type': 'application/json', sdkKey: key, date, sign, requestId: 'r-1' } });
  }

  it('appends a signed program, answers per device and records it', async () => {
    const r = await call('/api/program/C16L-D00-A0001', { method: 'append', data: [textProgram('p-1', '请到3号窗口办理')] });
    expect(r.status).toBe(200);
    expect(r.data).toEqual({ method: 'append', message: 'ok', data: [{ id: 'C16L-D00-A0001', message: 'ok', data: 'kSuccess' }] });
    const recs = sim.records.list({ system: 'huidu' });
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({
      account: 'C16L-D00-A0001',
      externalId: 'p-1',
      title: '节目p-1',
      text: '请到3号窗口办理',
      action: 'append',
      deleted: false,
    });

    const all = await call('/api/program/C16L-D00-A0001', { method: 'getAll', data: [] });
    expect(all.data).toEqual({
      method: 'getAll',
      message: 'ok',
      data: [{ id: 'C16L-D00-A0001', message: 'ok', data: { item: [{ id: 'p-1', name: '节目p-1' }] } }],
    });
    expect(sim.huidu.devicePrograms('C16L-D00-A0001')?.[0]).toMatchObject({ uuid: 'p-1' });
  });

  it('takes device ids from the path, ?id= or the body, comma-separated', async () => {
    const small = textProgram('p-2', '通知', { x: 0, y: 0, width: 64, height: 32 });
    const both = await call('/api/program/C16L-D00-A0001,C16L-D00-A0002', { method: 'append', data: [small] });
    expect(both.data.data.map((d: { id: string; message: string }) => [d.id, d.message])).toEqual([
      ['C16L-D00-A0001', 'ok'],
      ['C16L-D00-A0002', 'ok'],
    ]);
    const viaBody = await call('/api/program/', { method: 'getAll', data: [], id: 'C16L-D00-A0002' });
    expect(viaBody.data.data[0]).toMatchObject({ id: 'C16L-D00-A0002', message: 'ok' });
    const text = JSON.stringify({ method: 'getAll', data: [] });
    const date = new Date().toUTCString();
    const viaQuery = await hd.post('/api/program', text, {
      params: { id: 'C16L-D00-A0001' },
      headers: { 'content-type': 'application/json', sdkKey: KEY, date, sign: huiduSign(text, KEY, date, SECRET) },
    });
    expect(viaQuery.data.data[0].data.item).toEqual([{ id: 'p-2', name: '节目p-2' }]);
    expect((await call('/api/program/', { method: 'getAll', data: [] })).data).toMatchObject({ message: 'failed', data: 'device id missing' });
  });

  it('refuses a bad signature, an unknown key and a stale date with HTTP 403', async () => {
    const body = { method: 'append', data: [textProgram('p-3', 'x')] };
    const bad = await call('/api/program/C16L-D00-A0001', body, { secret: 'wrong' });
    expect(bad.status).toBe(403);
    expect(bad.data).toEqual({ message: 'failed', data: 'invalid sign' });
    expect((await call('/api/program/C16L-D00-A0001', body, { key: 'other' })).data.data).toBe('invalid sdkKey');
    const stale = await call('/api/program/C16L-D00-A0001', body, { date: new Date(Date.now() - 10 * 60_000).toUTCString() });
    expect(stale.data.data).toBe('date out of range');
    // a signature over a different body does not fit this one
    const text = JSON.stringify(body);
    const date = new Date().toUTCString();
    const tampered = await hd.post('/api/program/C16L-D00-A0001', text.replace('"x"', '"y"'), {
      headers: { 'content-type': 'application/json', sdkKey: KEY, date, sign: huiduSign(text, KEY, date, SECRET) },
    });
    expect(tampered.status).toBe(403);
    expect(sim.records.list({ system: 'huidu' })).toHaveLength(0);
  });

  it('checks the program structure before touching any device', async () => {
    const broken = { ...textProgram('p-4', 'x'), area: [{ x: 0, y: 0, width: 128, height: 32, item: [{ type: 'text' }] }] };
    const r = await call('/api/program/C16L-D00-A0001', { method: 'append', data: [textProgram('p-ok', 'fine'), broken] });
    expect(r.data).toEqual({ method: 'append', message: 'failed', data: expect.stringMatching(/^kInvalidParam: data\[1\]\.area\[0\]\.item\[0\]\.string/) });
    expect(sim.records.list({ system: 'huidu' })).toHaveLength(0);
    expect((await call('/api/program/C16L-D00-A0001', { method: 'blink', data: [] })).data.data).toBe('kUnsupportMethod');
  });

  it('fails per device: area outside the resolution, unknown device, offline device', async () => {
    const wide = textProgram('p-5', '宽屏内容');
    const r = await call('/api/program/C16L-D00-A0001,C16L-D00-A0002,NOPE', { method: 'append', data: [wide] });
    expect(r.data.message).toBe('failed');
    expect(r.data.data[0]).toEqual({ id: 'C16L-D00-A0001', message: 'ok', data: 'kSuccess' });
    expect(r.data.data[1]).toMatchObject({ id: 'C16L-D00-A0002', message: 'failed', data: expect.stringContaining('exceeds the screen 64x32') });
    expect(r.data.data[2]).toMatchObject({ id: 'NOPE', message: 'failed', data: expect.stringContaining('kDeviceNotExist') });
    expect(sim.records.list({ system: 'huidu' }).map((x) => x.account)).toEqual(['C16L-D00-A0001']);

    sim.huidu.setOnline('C16L-D00-A0001', false);
    const off = await call('/api/program/C16L-D00-A0001', { method: 'append', data: [textProgram('p-6', 'x')] });
    expect(off.data.data[0]).toMatchObject({ message: 'failed', data: expect.stringContaining('kDeviceOffline') });
  });

  it('update, replace and remove keep the device list and the records in step', async () => {
    const dev = 'C16L-D00-A0001';
    await call(`/api/program/${dev}`, { method: 'append', data: [textProgram('a', '一'), textProgram('b', '二')] });
    const upd = await call(`/api/program/${dev}`, { method: 'update', data: [textProgram('a', '一（修订）')] });
    expect(upd.data.message).toBe('ok');
    const missing = await call(`/api/program/${dev}`, { method: 'update', data: [textProgram('zz', 'x')] });
    expect(missing.data.data[0]).toMatchObject({ message: 'failed', data: expect.stringContaining('kProgramNotExist') });

    expect(sim.records.live({ system: 'huidu', account: dev }).map((r) => [r.externalId, r.text])).toEqual([
      ['b', '二'],
      ['a', '一（修订）'],
    ]);

    await call(`/api/program/${dev}`, { method: 'replace', data: [textProgram('c', '三')] });
    expect(sim.huidu.devicePrograms(dev)?.map((p) => p.uuid)).toEqual(['c']);
    expect(sim.records.live({ system: 'huidu', account: dev }).map((r) => r.externalId)).toEqual(['c']);

    const rm = await call(`/api/program/${dev}`, { method: 'remove', data: [{ name: '节目c', uuid: 'c' }] });
    expect(rm.data).toEqual({ method: 'remove', message: 'ok', data: [{ id: dev, message: 'ok', data: 'kSuccess' }] });
    expect(sim.huidu.devicePrograms(dev)).toEqual([]);
    expect(sim.records.live({ system: 'huidu' })).toHaveLength(0);
    expect(sim.records.list({ system: 'huidu' }).find((r) => r.externalId === 'c')?.deletedReason).toBe('removed');
  });

  it('makes a second append of the same program visible in the records', async () => {
    const p = textProgram('dup', '重复推送');
    await call('/api/program/C16L-D00-A0001', { method: 'append', data: [p] });
    await call('/api/program/C16L-D00-A0001', { method: 'append', data: [p] });
    const recs = sim.records.list({ system: 'huidu', externalId: 'dup' });
    expect(recs.map((r) => r.action)).toEqual(['append', 'append']);
    expect(recs[1].meta?.replacedExisting).toBe(true);
    expect(sim.huidu.devicePrograms('C16L-D00-A0001')).toHaveLength(1);
  });

  it('lists online devices and reports device properties', async () => {
    const date = new Date().toUTCString();
    const list = await hd.get('/api/device/list/', { headers: { sdkKey: KEY, date, sign: huiduSign('', KEY, date, SECRET) } });
    expect(list.data).toEqual({ total: '2', message: 'ok', data: ['C16L-D00-A0001', 'C16L-D00-A0002'] });
    const prop = await call('/api/device/C16L-D00-A0002', { method: 'getDeviceProperty', data: [] });
    expect(prop.data.data[0].data).toMatchObject({ 'screen.width': '64', 'screen.height': '32' });
  });

  it('manages keys and devices over the control API', async () => {
    const ctl = client(`${sim.url}/_sim/huidu`);
    expect((await ctl.post('/keys', { sdkKey: 'k2', sdkSecret: 's2' })).status).toBe(200);
    expect((await ctl.post('/devices', { id: 'HALL-1', width: 192, height: 96 })).data).toMatchObject({ id: 'HALL-1', width: 192, height: 96, online: true });
    const r = await call(
      '/api/program/HALL-1',
      { method: 'append', data: [textProgram('big', '全彩屏', { x: 0, y: 0, width: 192, height: 96 })] },
      { key: 'k2', secret: 's2' },
    );
    expect(r.data.message).toBe('ok');
    expect((await ctl.get('/devices/HALL-1')).data.programs[0]).toMatchObject({ uuid: 'big' });
    expect((await ctl.post('/devices', { id: 'bad id', width: 1, height: 1 })).status).toBe(400);
  });
});
