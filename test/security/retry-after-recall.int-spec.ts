import type { AxiosInstance } from 'axios';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, point 7: a reviewer called a scheduled item off (back to draft, then edited); an operator's
 * retry of one of its cancelled deliveries then published the old version. Retry and mark-published
 * are refused unless the item is still approved or published at the delivery's version; a refusal
 * writes nothing (no state change, no event, no audit row, no ledger row).
 */
describe('retry and mark-published after the reviewer called the publication off', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let operator: AxiosInstance;
  let portal = '';

  beforeAll(async () => {
    // No worker: deliveries stay where the API leaves them.
    sys = await startTestSystem('retry-recall', { worker: false });
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    operator = await sys.login('operator');
  }, 240_000);
  afterAll(async () => {
    await sys?.close();
  });

  const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString();
  const deliveryOf = async (id: string, versionNo: number) =>
    (await sys.ds.query(`SELECT id, state, version_no, attempts FROM deliveries WHERE item_id = $1 AND version_no = $2`, [id, versionNo]))[0];
  const trace = async (deliveryId: string) => {
    const [row] = await sys.ds.query(
      `SELECT d.state, d.attempts, d.due_at,
              (SELECT count(*)::int FROM delivery_events WHERE delivery_id = d.id) AS events,
              (SELECT count(*)::int FROM audit_logs WHERE entity_id = d.id::text) AS audits,
              (SELECT count(*)::int FROM publication_records WHERE delivery_id = d.id) AS ledger
         FROM deliveries d WHERE d.id = $1`,
      [deliveryId],
    );
    return row;
  };

  it('refuses to send or mark published the version a reviewer called off, and the one a later approval replaced', async () => {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: '关于举办迎新春文艺演出的通知',
      bodyHtml: '<p>定于春节期间举办文艺演出。</p>',
      kind: 'notice',
      targetAccountIds: [portal],
      publishAt: tomorrow(),
    });
    expect(created.status).toBe(201);
    const id = created.data.id;
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
    const v1 = await deliveryOf(id, 1);
    expect(v1.state).toBe('pending');

    // The reviewer calls it off: delivery cancelled, item back to draft; the editor changes it.
    const off = await reviewer.post(`/items/${id}/schedule/cancel`, { reason: '演出取消' });
    expect(off.status).toBe(200);
    expect(off.data.itemStatus).toBe('draft');
    expect((await editor.patch(`/items/${id}`, { title: '关于迎新春文艺演出延期举办的通知' })).status).toBe(200);

    const before = await trace(v1.id);
    expect(before.state).toBe('cancelled');
    const retry = await operator.post(`/deliveries/${v1.id}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.data.code).toBe('VERSION_NOT_APPROVED');
    expect(retry.data.message).toContain('第1版');
    expect(retry.data.details).toEqual([expect.objectContaining({ field: 'versionNo' })]);
    // (a cancelled delivery cannot be marked published whatever the item's state)
    expect((await operator.post(`/deliveries/${v1.id}/mark-published`, { externalUrl: 'https://www.sfx.gov.cn/art/1.html' })).status).toBe(409);
    expect(await trace(v1.id)).toEqual(before);

    // Approved again (version 2): version 1's delivery stays refused; version 2's may be retried.
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    const again = await reviewer.post(`/items/${id}/approve`, {});
    expect(again.status).toBe(200);
    expect(again.data.currentVersionNo).toBe(2);
    const old = await operator.post(`/deliveries/${v1.id}/retry`);
    expect(old.status).toBe(409);
    expect(old.data.code).toBe('VERSION_NOT_APPROVED');
    expect(old.data.message).toContain('第2版');
    expect(await trace(v1.id)).toEqual(before);
    // Even as a failed delivery (a state mark-published accepts), version 1 is refused both ways.
    await sys.ds.query(`UPDATE deliveries SET state = 'failed' WHERE id = $1`, [v1.id]);
    const failed = await trace(v1.id);
    for (const r of [
      await operator.post(`/deliveries/${v1.id}/retry`),
      await operator.post(`/deliveries/${v1.id}/mark-published`, { externalUrl: 'https://www.sfx.gov.cn/art/1.html' }),
    ]) {
      expect(r.status).toBe(409);
      expect(r.data.code).toBe('VERSION_NOT_APPROVED');
    }
    expect(await trace(v1.id)).toEqual(failed);
    const v2 = await deliveryOf(id, 2);
    const ok = await operator.post(`/deliveries/${v2.id}/retry`);
    expect(ok.status).toBe(200);
    expect(ok.data.state).toBe('pending');
  });

  it('refuses to retry once the item went back to draft after a failed delivery, but lets an approved one be retried', async () => {
    const created = await editor.post('/items', {
      organisationId: sys.seed.orgs['sfx'],
      title: '关于停水检修的通告',
      bodyHtml: '<p>因管网检修停水。</p>',
      kind: 'notice',
      targetAccountIds: [portal],
    });
    const id = created.data.id;
    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    expect((await reviewer.post(`/items/${id}/approve`, {})).status).toBe(200);
    const d = await deliveryOf(id, 1);
    // The delivery failed; the item is still approved at version 1: the operator may retry it.
    await sys.ds.query(`UPDATE deliveries SET state = 'failed', last_error_message = '测试：发送失败' WHERE id = $1`, [d.id]);
    const ok = await operator.post(`/deliveries/${d.id}/retry`);
    expect(ok.status).toBe(200);
    // The item was sent back to draft meanwhile (a version called off): refused.
    await sys.ds.query(`UPDATE deliveries SET state = 'failed' WHERE id = $1`, [d.id]);
    await sys.ds.query(`UPDATE items SET status = 'draft' WHERE id = $1`, [id]);
    const before = await trace(d.id);
    const refused = await operator.post(`/deliveries/${d.id}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.data.code).toBe('VERSION_NOT_APPROVED');
    expect(refused.data.message).toContain('草稿');
    const mark = await operator.post(`/deliveries/${d.id}/mark-published`, { externalUrl: 'https://www.sfx.gov.cn/art/2.html' });
    expect(mark.status).toBe(409);
    expect(mark.data.code).toBe('VERSION_NOT_APPROVED');
    expect(await trace(d.id)).toEqual(before);
    expect((await sys.ds.query(`SELECT status FROM items WHERE id = $1`, [id]))[0].status).toBe('draft');
  });
});
