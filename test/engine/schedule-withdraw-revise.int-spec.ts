import { promises as fs } from 'fs';
import * as path from 'path';
import { ChannelSim } from '@app/channel-sim/channel-sim';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';
import { createTestchanAccount, deliveriesOf, deliveryFor, eventsOf, itemBody, ledgerOf, publishItem, waitSettled } from './engine-helpers';
import { unscheduledDeliveries } from './engine-invariants';

/** Scheduled publication (publishAt), rescheduling and calling it off; withdrawal; revision in place. */
describe('delivery engine: scheduling, withdrawal, revision', () => {
  let sim: ChannelSim, sys: TestSystem;
  let portal: string;
  let n = 0;
  const token = (p = 'tok') => `${p}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
  const recordsFor = (tok: string, includeDeleted = true) => sim.records.list({ system: 'testchan', account: tok, includeDeleted });
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  // A publication time far enough ahead that creating, submitting and approving the item (seconds on a
  // loaded machine) ends well before it: the tests then act "before the time" without racing the clock.
  const SOON = 12;
  /** Resolves once the wall clock is past `iso` plus a margin: the negative checks ("nothing went out at the time"). */
  const pastTime = (iso: string, marginMs = 1500) =>
    waitFor(async () => Date.now() > new Date(iso).getTime() + marginMs, new Date(iso).getTime() - Date.now() + marginMs + 30_000, `past ${iso}`);

  startChannelSuite('schedule', { simUrl: false }, (s) => ({ sim, sys } = s));
  beforeAll(async () => {
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
  });
  afterEach(() => sim.faults.clear());

  describe('scheduling', () => {
    it('publishes at publishAt, not before', async () => {
      const tok = token();
      const acc = await createTestchanAccount(sys, sim.url, 'sched', tok);
      const at = inSeconds(SOON);
      const id = await publishItem(sys, [acc], { publishAt: at });
      const d = await deliveryFor(sys, id, acc);
      expect(Date.now()).toBeLessThan(new Date(at).getTime()); // else the margin was too small to prove "not before"
      expect(d.state).toBe('pending');
      expect(new Date((await sys.ds.query(`SELECT due_at FROM deliveries WHERE id = $1`, [d.id]))[0].due_at).toISOString()).toBe(at);
      expect(recordsFor(tok)).toHaveLength(0);
      await waitSettled(sys, id, SOON * 1000 + 30_000);
      const recs = recordsFor(tok);
      expect(recs).toHaveLength(1);
      expect(new Date(recs[0].at).getTime()).toBeGreaterThanOrEqual(new Date(at).getTime());
    });

    it('rescheduled earlier: goes out at the new time; the audit log says who moved it', async () => {
      const tok = token();
      const acc = await createTestchanAccount(sys, sim.url, 'sched-earlier', tok);
      const id = await publishItem(sys, [acc], { publishAt: inSeconds(600) });
      const reviewer = await sys.login('reviewer');
      const r = await reviewer.post(`/items/${id}/schedule`, { publishAt: inSeconds(1) });
      expect(r.status).toBe(200);
      expect(r.data.deliveriesRescheduled).toBe(1);
      await waitSettled(sys, id, 15_000);
      expect(recordsFor(tok)).toHaveLength(1);
      const audit = (await reviewer.get(`/items/${id}/audit`)).data.map((a: { action: string }) => a.action);
      expect(audit).toContain('item.schedule');
      expect((await eventsOf(sys, (await deliveryFor(sys, id, acc)).id)).some((e) => e.kind === 'rescheduled')).toBe(true);
    });

    it('rescheduled later: the earlier wake-up finds it not due and nothing goes out', async () => {
      const tok = token();
      const acc = await createTestchanAccount(sys, sim.url, 'sched-later', tok);
      const at = inSeconds(SOON);
      const id = await publishItem(sys, [acc], { publishAt: at });
      const operator = await sys.login('operator');
      expect((await operator.post(`/items/${id}/schedule`, { publishAt: inSeconds(600) })).status).toBe(200);
      await pastTime(at);
      expect(recordsFor(tok)).toHaveLength(0);
      expect((await deliveryFor(sys, id, acc)).state).toBe('pending');
      // null: publish now.
      expect((await operator.post(`/items/${id}/schedule`, { publishAt: null })).status).toBe(200);
      await waitSettled(sys, id, 15_000);
      expect(recordsFor(tok)).toHaveLength(1);
    });

    it('called off before the time: deliveries cancelled, the item back to draft for the editor', async () => {
      const tok = token();
      const acc = await createTestchanAccount(sys, sim.url, 'sched-cancel', tok);
      const at = inSeconds(SOON);
      const id = await publishItem(sys, [acc, portal], { publishAt: at });
      const editor = await sys.login('editor');
      expect((await editor.post(`/items/${id}/schedule/cancel`, { reason: '暂缓发布' })).status).toBe(403);
      const reviewer = await sys.login('reviewer');
      const r = await reviewer.post(`/items/${id}/schedule/cancel`, { reason: '暂缓发布' });
      expect(r.status).toBe(200);
      expect(r.data).toMatchObject({ cancelled: 2, itemStatus: 'draft' });
      await pastTime(at);
      expect(recordsFor(tok)).toHaveLength(0);
      expect((await deliveriesOf(sys, id)).map((d) => d.state)).toEqual(['cancelled', 'cancelled']);
      expect((await editor.get(`/items/${id}`)).data.status).toBe('draft');
      // The editor can change it and send it for review again.
      expect((await editor.patch(`/items/${id}`, { publishAt: null })).status).toBe(200);
      expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    });

    it('refuses to reschedule what already went out', async () => {
      const acc = await createTestchanAccount(sys, sim.url, 'sched-done', token());
      const id = await publishItem(sys, [acc]);
      await waitFor(async () => (await sys.ds.query(`SELECT status FROM items WHERE id = $1`, [id]))[0].status === 'published', 15_000, 'published');
      const r = await (await sys.login('reviewer')).post(`/items/${id}/schedule`, { publishAt: inSeconds(60) });
      expect(r.status).toBe(409);
      expect(r.data.code).toBe('ALREADY_PUBLISHED');
    });
  });

  describe('withdrawal', () => {
    it('takes the item back from every channel that can: posts deleted, portal page replaced, ledger kept', async () => {
      const t1 = token();
      const t2 = token('async');
      const a1 = await createTestchanAccount(sys, sim.url, 'wd-sync', t1);
      const a2 = await createTestchanAccount(sys, sim.url, 'wd-async', t2, { pollAfterMs: 100 });
      const id = await publishItem(sys, [a1, a2, portal]);
      await waitSettled(sys, id);
      const reviewer = await sys.login('reviewer');
      expect((await reviewer.post(`/items/${id}/withdraw`, { reason: '政策已调整' })).status).toBe(200);
      const ds = await waitSettled(sys, id, 20_000, (x) => x.every((d) => d.state === 'withdrawn'));
      expect(ds).toHaveLength(3);
      for (const t of [t1, t2]) {
        const recs = recordsFor(t);
        expect(recs).toHaveLength(1);
        expect(recs[0].deleted).toBe(true);
      }
      const page = await fs.readFile(path.join(sys.portalDir, 'articles', `${id}.html`), 'utf8');
      expect(page).toContain('该信息已撤回');
      const w = await sys.ds.query(
        `SELECT w.reason FROM publication_withdrawals w JOIN publication_records r ON r.id = w.publication_record_id WHERE r.item_id = $1`,
        [id],
      );
      expect(w).toHaveLength(3);
      expect(w[0].reason).toBe('政策已调整');
      expect(await ledgerOf(sys, id)).toHaveLength(3);
    });

    it('a channel that refuses the withdrawal: stays published with the reason, listed for the operator, who marks it withdrawn by hand', async () => {
      const tok = token();
      const acc = await createTestchanAccount(sys, sim.url, 'wd-refused', tok);
      const id = await publishItem(sys, [acc]);
      await waitSettled(sys, id);
      sim.faults.add({ system: 'testchan', path: '/posts/*', method: 'DELETE', account: tok, error: 'bad_request' });
      await (await sys.login('reviewer')).post(`/items/${id}/withdraw`, { reason: '内容有误' });
      const [d] = await waitSettled(sys, id, 20_000, (x) => x[0].state === 'published' && !!x[0].last_error_code);
      expect(d.last_error_message).toContain('撤回失败');
      expect(recordsFor(tok, false)).toHaveLength(1); // still out there
      const operator = await sys.login('operator');
      const unresolved = await operator.get('/operator/withdrawals/unresolved');
      expect(unresolved.status).toBe(200);
      expect(unresolved.data.map((u: { id: string }) => u.id)).toContain(d.id);
      const m = await operator.post(`/deliveries/${d.id}/mark-withdrawn`, { note: '已在测试渠道后台手工删除' });
      expect(m.status).toBe(200);
      expect((await deliveryFor(sys, id, acc)).state).toBe('withdrawn');
      expect((await operator.get('/operator/withdrawals/unresolved')).data.map((u: { id: string }) => u.id)).not.toContain(d.id);
      const w = await sys.ds.query(
        `SELECT w.reason FROM publication_withdrawals w JOIN publication_records r ON r.id = w.publication_record_id WHERE r.delivery_id = $1`,
        [d.id],
      );
      expect(w).toEqual([{ reason: '已在测试渠道后台手工删除' }]);
      const audit = (await operator.get(`/items/${id}/audit`)).data.map((a: { action: string }) => a.action);
      expect(audit).toContain('delivery.mark_withdrawn');
    });

    it('withdrawn while the channel was still publishing it: waits for the outcome, records it, then takes it back', async () => {
      const tok = token('async');
      const acc = await createTestchanAccount(sys, sim.url, 'wd-inflight', tok, { pollAfterMs: 5000 });
      sim.testchan.configure({ asyncDelayMs: 1500 });
      try {
        const id = await publishItem(sys, [acc]);
        await waitFor(async () => (await deliveryFor(sys, id, acc))?.state === 'awaiting_confirmation', 15_000, 'accepted');
        await (await sys.login('reviewer')).post(`/items/${id}/withdraw`, { reason: '撤回' });
        const [d] = await waitSettled(sys, id, 20_000, (x) => x[0].state === 'withdrawn');
        const recs = recordsFor(tok);
        expect(recs).toHaveLength(1);
        expect(recs[0].deleted).toBe(true);
        expect(await ledgerOf(sys, id)).toHaveLength(1); // it was out there for a moment: it counts
        expect(d.external_id).toBe(recs[0].externalId);
      } finally {
        sim.testchan.configure({ asyncDelayMs: 300 });
      }
    });

    it('withdrawn before its scheduled time: nothing goes out', async () => {
      const tok = token();
      const acc = await createTestchanAccount(sys, sim.url, 'wd-scheduled', tok);
      const at = inSeconds(SOON);
      const id = await publishItem(sys, [acc], { publishAt: at });
      expect((await (await sys.login('reviewer')).post(`/items/${id}/withdraw`, { reason: '不再发布' })).status).toBe(200);
      await pastTime(at);
      expect((await deliveryFor(sys, id, acc)).state).toBe('cancelled');
      expect(recordsFor(tok)).toHaveLength(0);
    });
  });

  describe('revision', () => {
    it('updates in place where the channel can (portal), asks the operator where it cannot (test channel)', async () => {
      const tok = token();
      const acc = await createTestchanAccount(sys, sim.url, 'rev', tok);
      const editor = await sys.login('editor');
      const reviewer = await sys.login('reviewer');
      const body = itemBody(sys, [acc, portal], { title: '关于调整公交线路的通告' });
      const id = (await editor.post('/items', body)).data.id;
      await editor.post(`/items/${id}/submit`);
      await reviewer.post(`/items/${id}/approve`, {});
      await waitSettled(sys, id);
      expect((await editor.patch(`/items/${id}`, { title: '关于调整公交线路的通告（修订）' })).status).toBe(200);
      expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
      expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
      const ds = await waitSettled(sys, id);
      const v2 = ds.filter((d) => d.version_no === 2);
      expect(v2.map((d) => d.channel_type)).toEqual(['portal']);
      expect(v2[0].state).toBe('published');
      const page = await fs.readFile(path.join(sys.portalDir, 'articles', `${id}.html`), 'utf8');
      expect(page).toContain('关于调整公交线路的通告（修订）');
      expect(recordsFor(tok)).toHaveLength(1);
      expect(recordsFor(tok)[0].title).toBe('关于调整公交线路的通告');
      const audit = (await editor.get(`/items/${id}/audit`)).data;
      const manual = audit.find((a: { action: string }) => a.action === 'item.revision_manual_needed');
      expect(manual.details.accounts).toEqual([acc]);
      expect((await editor.get(`/items/${id}`)).data.status).toBe('published');
    });
  });

  it('leaves every delivery that is not final with the time of its next step (issue 13 invariant)', async () => {
    expect(await unscheduledDeliveries(sys.ds)).toEqual([]);
  });
});
