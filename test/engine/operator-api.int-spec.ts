import type { AxiosInstance } from 'axios';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { TEST_PASSWORD, TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { createTestchanAccount, deliveryFor, ledgerOf, publishItem, waitSettled } from './engine-helpers';
import { DeliveryStateCounts } from '../../apps/api/src/operator/delivery-state-counts.service';
import { unscheduledDeliveries } from './engine-invariants';

/** Reads a server-sent event stream with fetch, collecting events until closed. */
async function openStream(url: string) {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal, headers: { accept: 'text/event-stream' } });
  const events: { event: string; data: any }[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const pump = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (!data) continue;
          events.push({ event, data: JSON.parse(data) });
          if (event === 'ready') ready();
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { res, events, ready: isReady, close: async () => (ctrl.abort(), await pump) };
}

const tokenOf = (c: AxiosInstance) => String((c.defaults.headers as any).Authorization).slice(7);

describe('operator surface: API, live updates, Bull Board, metrics', () => {
  let sim: ChannelSim, sys: TestSystem, operator: AxiosInstance, editor: AxiosInstance;
  let n = 0;
  const token = (p = 'tok') => `${p}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

  startChannelSuite(
    'operator',
    { users: ['operator', 'editor'], simUrl: false },
    (s) =>
      ({
        sim,
        sys,
        users: { operator, editor },
      } = s),
  );
  afterEach(() => sim.faults.clear());

  it('lists and filters deliveries by state, channel, account, organisation and time; operator role only', async () => {
    const okTok = token();
    const badTok = token();
    const ok = await createTestchanAccount(sys, sim.url, 'list-ok', okTok);
    const bad = await createTestchanAccount(sys, sim.url, 'list-bad', badTok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: badTok, error: 'bad_request' });
    const since = new Date().toISOString();
    const id = await publishItem(sys, [ok, bad]);
    await waitSettled(sys, id);

    expect((await editor.get('/operator/deliveries')).status).toBe(403);
    const failed = await operator.get('/operator/deliveries', { params: { state: 'failed', item: id } });
    expect(failed.status).toBe(200);
    expect(failed.data.total).toBe(1);
    expect(failed.data.deliveries[0]).toMatchObject({ channelAccountId: bad, state: 'failed', stateLabel: '失败', lastErrorCode: 'bad_request', itemId: id });
    const both = await operator.get('/operator/deliveries', { params: { state: 'failed,published', item: id } });
    expect(both.data.total).toBe(2);
    expect((await operator.get('/operator/deliveries', { params: { account: ok, item: id } })).data.deliveries.map((d: any) => d.state)).toEqual(['published']);
    expect((await operator.get('/operator/deliveries', { params: { channel: 'portal', item: id } })).data.total).toBe(0);
    expect((await operator.get('/operator/deliveries', { params: { organisation: sys.seed.orgs['sfx'], item: id } })).data.total).toBe(2);
    expect((await operator.get('/operator/deliveries', { params: { organisation: sys.seed.orgs['sfx'], subtree: false, item: id } })).data.total).toBe(2);
    expect((await operator.get('/operator/deliveries', { params: { organisation: sys.seed.orgs['sfx-jyj'], item: id } })).data.total).toBe(0);
    expect((await operator.get('/operator/deliveries', { params: { item: id, timeField: 'created', from: since } })).data.total).toBe(2);
    expect((await operator.get('/operator/deliveries', { params: { item: id, timeField: 'created', to: since } })).data.total).toBe(0);
    expect((await operator.get('/operator/deliveries', { params: { item: id, timeField: 'published', from: since } })).data.total).toBe(1);
    const attention = await operator.get('/operator/deliveries', { params: { attention: true, item: id } });
    expect(attention.data.deliveries.map((d: any) => d.channelAccountId)).toEqual([bad]);
    expect((await operator.get('/operator/deliveries', { params: { state: 'bogus' } })).status).toBe(400);

    // A department's operator sees nothing of the county's deliveries and cannot act on them.
    const admin = await sys.login('admin');
    const u = await admin.post('/users', {
      username: 'jyj-operator',
      displayName: '教育局渠道运维',
      password: TEST_PASSWORD,
      homeOrganisationId: sys.seed.orgs['sfx-jyj'],
      roles: [{ organisationId: sys.seed.orgs['sfx-jyj'], role: 'operator' }],
    });
    expect(u.status).toBe(201);
    const deptOp = await sys.login('jyj-operator');
    expect((await deptOp.get('/operator/deliveries', { params: { item: id } })).data.total).toBe(0);
    expect((await deptOp.post(`/deliveries/${failed.data.deliveries[0].id}/retry`)).status).toBe(403);
  });

  it('shows a delivery with its history, and the item × channel matrix', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'detail', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'busy', count: 1 });
    const portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    const id = await publishItem(sys, [acc, portal]);
    await waitSettled(sys, id);
    const d = await deliveryFor(sys, id, acc);
    const detail = await operator.get(`/operator/deliveries/${d.id}`);
    expect(detail.status).toBe(200);
    expect(detail.data.state).toBe('published');
    expect(detail.data.job.deliver).toBe('completed');
    const kinds = detail.data.events.map((e: any) => `${e.kind}:${e.toState ?? e.errorCode ?? e.call ?? ''}`);
    expect(kinds).toEqual(['attempt:busy', 'error:busy', 'state:pending', 'attempt:POST /posts', 'state:published']);
    expect((await operator.get(`/operator/deliveries/${d.id}/events`)).data).toHaveLength(5);

    const m = await operator.get('/operator/matrix', { params: { pageSize: 200 } });
    expect(m.status).toBe(200);
    const row = m.data.items.find((i: any) => i.id === id);
    expect(Object.keys(row.cells).sort()).toEqual([acc, portal].sort());
    expect(row.cells[acc]).toMatchObject({ deliveryId: d.id, state: 'published', versionNo: 1 });
    expect(m.data.accounts.map((a: any) => a.id)).toEqual(expect.arrayContaining([acc, portal]));
    const onlyFailed = await operator.get('/operator/matrix', { params: { state: 'failed' } });
    expect(onlyFailed.data.items.map((i: any) => i.id)).not.toContain(id);
  });

  it('retry: a failed delivery starts over (looked up first) and goes out once; audited', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'retry', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'bad_request', count: 1 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect(d.state).toBe('failed');
    const r = await operator.post(`/deliveries/${d.id}/retry`);
    expect(r.status).toBe(200);
    expect(r.data.state).toBe('unconfirmed');
    const [after] = await waitSettled(sys, id);
    expect(after.state).toBe('published');
    expect(after.attempts).toBe(1);
    expect(sim.records.list({ system: 'testchan', account: tok })).toHaveLength(1);
    const audit = (await operator.get(`/items/${id}/audit`)).data;
    expect(audit.find((a: any) => a.action === 'delivery.retry')).toMatchObject({ actorName: 'operator' });
    expect((await operator.post(`/deliveries/${d.id}/retry`)).status).toBe(409);
  });

  it('cancel: stops a delivery not yet sent; refuses one that went out', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'cancel', tok);
    const id = await publishItem(sys, [acc], { publishAt: new Date(Date.now() + 3000).toISOString() });
    const d = await deliveryFor(sys, id, acc);
    expect((await operator.post(`/deliveries/${d.id}/cancel`, {})).status).toBe(400);
    const r = await operator.post(`/deliveries/${d.id}/cancel`, { reason: '账号调整，暂不发布' });
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 4000));
    const after = await deliveryFor(sys, id, acc);
    expect(after.state).toBe('cancelled');
    expect(after.last_error_message).toContain('账号调整，暂不发布');
    expect(sim.records.list({ system: 'testchan', account: tok })).toHaveLength(0);

    const id2 = await publishItem(sys, [acc]);
    const [p] = await waitSettled(sys, id2);
    const refused = await operator.post(`/deliveries/${p.id}/cancel`, { reason: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.data.message).toContain('已发布');
  });

  it('mark published: the operator records a manual publication; it is audited and counted in the ledger', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'manual', tok);
    sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'bad_request', count: 1 });
    const id = await publishItem(sys, [acc]);
    const [d] = await waitSettled(sys, id);
    expect((await operator.post(`/deliveries/${d.id}/mark-published`, { externalUrl: 'not a url' })).status).toBe(400);
    const url = 'https://testchan.example.cn/p/manual-1';
    const r = await operator.post(`/deliveries/${d.id}/mark-published`, { externalUrl: url, note: '平台接口故障，已在后台手工发布' });
    expect(r.status).toBe(200);
    const after = await deliveryFor(sys, id, acc);
    expect(after).toMatchObject({ state: 'published', external_url: url });
    const ledger = await ledgerOf(sys, id);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ manual: true, external_url: url, delivery_id: d.id });
    const audit = (await operator.get(`/items/${id}/audit`)).data.find((a: any) => a.action === 'delivery.mark_published');
    expect(audit.details).toMatchObject({ externalUrl: url, from: 'failed' });
    expect((await operator.post(`/deliveries/${d.id}/mark-published`, { externalUrl: url })).status).toBe(409);
    expect((await operator.get(`/items/${id}`)).data.status).toBe('published');
  });

  it('accounts needing attention: listed with their backlog; restoring one resumes its deliveries at once', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'attention', tok);
    sim.testchan.revokeToken(tok);
    const id = await publishItem(sys, [acc]);
    await waitFor(
      async () => (await sys.ds.query(`SELECT status FROM channel_accounts WHERE id = $1`, [acc]))[0].status === 'needs_attention',
      20_000,
      'stopped',
    );
    const list = await operator.get('/operator/accounts', { params: { status: 'needs_attention' } });
    const row = list.data.find((a: any) => a.id === acc);
    expect(row).toMatchObject({ status: 'needs_attention', waiting: 1 });
    expect(row.statusReason).toContain('invalid_token');
    expect((await editor.post(`/operator/accounts/${acc}/restore`)).status).toBe(403);
    sim.testchan.addToken(tok); // the platform side was fixed (token re-authorised)
    const r = await operator.post(`/operator/accounts/${acc}/restore`);
    expect(r.status).toBe(200);
    expect(r.data.resumed).toBe(1);
    const [d] = await waitSettled(sys, id, 10_000);
    expect(d.state).toBe('published');
    expect((await operator.get('/operator/accounts', { params: { status: 'needs_attention' } })).data.map((a: any) => a.id)).not.toContain(acc);
  });

  it('server-sent events: live state changes from the worker reach the api, filtered by what the user may see', async () => {
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'sse', tok);
    const acc2 = await createTestchanAccount(sys, sim.url, 'sse-other', token());
    const noAuth = await fetch(`${sys.url}/api/v1/deliveries/events`);
    expect(noAuth.status).toBe(401);
    const all = await openStream(`${sys.url}/api/v1/deliveries/events?access_token=${tokenOf(operator)}`);
    let onlyOne: Awaited<ReturnType<typeof openStream>> | null = null;
    try {
      expect(all.res.status).toBe(200);
      expect(all.res.headers.get('content-type')).toContain('text/event-stream');
      await all.ready;
      sim.faults.add({ system: 'testchan', path: '/posts', method: 'POST', account: tok, error: 'bad_request', count: 1 });
      const id = await publishItem(sys, [acc]);
      const other = await publishItem(sys, [acc2]);
      await waitFor(async () => all.events.some((e) => e.event === 'delivery' && e.data.itemId === id && e.data.state === 'failed'), 15_000, 'failed event');
      await waitFor(
        async () => all.events.some((e) => e.event === 'delivery' && e.data.itemId === other && e.data.state === 'published'),
        15_000,
        'published event',
      );
      expect(all.events.filter((e) => e.event === 'delivery' && e.data.itemId === id).map((e) => e.data.state)).toEqual(['pending', 'processing', 'failed']);
      expect(all.events.filter((e) => e.event === 'delivery' && e.data.itemId === other).map((e) => e.data.state)).toEqual([
        'pending',
        'processing',
        'published',
      ]);
      const ev = all.events.find((e) => e.event === 'delivery' && e.data.itemId === id)!.data;
      expect(ev).toMatchObject({ channelType: 'testchan', channelAccountId: acc, organisationId: sys.seed.orgs['sfx'], versionNo: 1 });

      // An editor's stream filtered to one item: the operator's retry shows up there, nothing else does.
      onlyOne = await openStream(`${sys.url}/api/v1/deliveries/events?access_token=${tokenOf(editor)}&item=${id}`);
      await onlyOne.ready;
      const d = await deliveryFor(sys, id, acc);
      expect((await operator.post(`/deliveries/${d.id}/retry`)).status).toBe(200);
      await publishItem(sys, [acc2]);
      await waitFor(async () => onlyOne!.events.some((e) => e.event === 'delivery' && e.data.state === 'published'), 15_000, 'filtered stream update');
      const mine = onlyOne.events.filter((e) => e.event === 'delivery');
      expect(mine.every((e) => e.data.itemId === id)).toBe(true);
      expect(mine.map((e) => e.data.state)).toEqual(['unconfirmed', 'processing', 'published']);
    } finally {
      await all.close();
      await onlyOne?.close();
    }
  });

  it('Bull Board at /admin/queues: admins of the root organisation only (header, ?access_token= then cookie)', async () => {
    // The board spans every organisation's jobs (issue 12): operators use the scoped operator API instead.
    expect((await fetch(`${sys.url}/admin/queues?access_token=${tokenOf(operator)}`)).status).toBe(403);
    const op = tokenOf(await sys.login('admin'));
    expect((await fetch(`${sys.url}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${sys.url}/admin/queues/api/queues`)).status).toBe(401);
    expect((await fetch(`${sys.url}/admin/queues`, { headers: { authorization: `Bearer ${tokenOf(editor)}` } })).status).toBe(403);
    expect((await fetch(`${sys.url}/admin/queues?access_token=${tokenOf(editor)}`)).status).toBe(403);
    const page = await fetch(`${sys.url}/admin/queues?access_token=${op}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<!DOCTYPE html>');
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const api = await fetch(`${sys.url}/admin/queues/api/queues`, { headers: { cookie } });
    expect(api.status).toBe(200);
    const names = (await api.json()).queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(expect.arrayContaining(['deliver-portal', 'deliver-testchan']));
    expect((await fetch(`${sys.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${op}` } })).status).toBe(200);
    expect((await fetch(`${sys.url}/admin/queues/api/queues`, { headers: { cookie: 'gd_board_token=forged' } })).status).toBe(401);
  });

  it('/metrics: operator role only; deliveries by state and channel, queue depth, attempt latency', async () => {
    expect((await fetch(`${sys.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${sys.url}/metrics?access_token=${tokenOf(editor)}`)).status).toBe(403);
    const tok = token();
    const acc = await createTestchanAccount(sys, sim.url, 'metrics', tok);
    await waitSettled(sys, await publishItem(sys, [acc]));
    const scrape = () => fetch(`${sys.url}/metrics`, { headers: { authorization: `Bearer ${tokenOf(operator)}` } });
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toMatch(/^gd_deliveries_settled_age_seconds \d/m);
    // the worker flushes its latency counts every second
    const text = await waitFor(
      async () => {
        const t = await (await scrape()).text();
        return /gd_delivery_attempt_duration_seconds_count\{channel="testchan"\} [1-9]/.test(t) ? t : '';
      },
      30_000,
      'the attempt latency in /metrics',
    );
    const published = (await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE state = 'published' AND channel_type = 'testchan'`))[0].n;
    expect(text).toContain(`gd_deliveries{state="published",channel="testchan"} ${published}`);
    expect(text).toMatch(/gd_delivery_queue_jobs\{queue="testchan",state="completed"\} \d+/);
    const count = Number(/gd_delivery_attempt_duration_seconds_count\{channel="testchan"\} (\d+)/.exec(text)?.[1]);
    expect(count).toBeGreaterThan(0);
    const inf = Number(/gd_delivery_attempt_duration_seconds_bucket\{channel="testchan",le="\+Inf"\} (\d+)/.exec(text)?.[1]);
    expect(inf).toBe(count);
    expect(text).toMatch(/gd_delivery_step_outcomes_total\{channel="testchan",outcome="published"\} \d+/);
    expect((await fetch(`${sys.url}/metrics?access_token=${tokenOf(operator)}`)).status).toBe(200);
  });

  it('deliveries by state for /metrics: the states still moving counted exactly each time, the settled ones reused for a minute with their age', async () => {
    const counts = new DeliveryStateCounts(sys.ds);
    const of = (rows: { state: string; channel: string; n: number }[], state: string) =>
      rows.find((r) => r.state === state && r.channel === 'testchan')?.n ?? 0;
    const inDb = async (state: string) =>
      (await sys.ds.query(`SELECT count(*)::int AS n FROM deliveries WHERE state = $1 AND channel_type = 'testchan'`, [state]))[0].n as number;
    const acc = await createTestchanAccount(sys, sim.url, 'state-counts', token());
    const first = await counts.counts();
    expect(of(first.rows, 'published')).toBe(await inDb('published'));
    expect(first.settledAgeSeconds).toBeLessThan(60);
    // after the first count: one more published, one waiting until tomorrow
    await waitSettled(sys, await publishItem(sys, [acc]));
    await publishItem(sys, [acc], { publishAt: new Date(Date.now() + 86_400_000).toISOString() });
    const second = await counts.counts();
    expect(of(second.rows, 'pending')).toBe(await inDb('pending'));
    expect(of(second.rows, 'pending')).toBe(of(first.rows, 'pending') + 1);
    // the settled states' count of a minute ago, and how old it is
    expect(of(second.rows, 'published')).toBe(of(first.rows, 'published'));
    expect(await inDb('published')).toBe(of(first.rows, 'published') + 1);
    expect(second.settledAgeSeconds).toBeGreaterThan(first.settledAgeSeconds);
  });

  it('leaves every delivery that is not final with the time of its next step (issue 13 invariant)', async () => {
    expect(await unscheduledDeliveries(sys.ds)).toEqual([]);
  });
});
