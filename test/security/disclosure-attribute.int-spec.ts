import type { AxiosInstance } from 'axios';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { recordPublication } from '@app/persistence/delivery/ledger-writer';
import { startTestSystem, TestSystem } from '@app/test/utils/test-system';

/**
 * Issue 12, point 3: 公开属性 was ignored. An item marked 不予公开 or 依申请公开 could target the portal,
 * was published, and counted as 主动公开 in the statistics. Only 主动公开 items may target the public
 * channels (every channel of this product is public): save, submit and approval refuse anything else,
 * naming the field and writing nothing; such an item may be kept with no channel (recorded, not
 * published). The statistics count only publications whose published version was 主动公开.
 */
describe('公开属性: only 主动公开 reaches a public channel or the statistics', () => {
  let sys: TestSystem;
  let editor: AxiosInstance;
  let reviewer: AxiosInstance;
  let stat: AxiosInstance;
  let county = '';
  let portal = '';

  beforeAll(async () => {
    sys = await startTestSystem('disclosure-attr', { worker: false });
    county = sys.seed.orgs['sfx'];
    portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    editor = await sys.login('editor');
    reviewer = await sys.login('reviewer');
    stat = await sys.login('statistician');
  }, 240_000);
  afterAll(async () => {
    await sys?.close();
  });

  const newItem = (over: Record<string, unknown> = {}) => ({
    organisationId: county,
    title: '关于某企业申请公开信息的答复',
    bodyHtml: '<p>经查，申请公开的信息如下。</p>',
    kind: 'notice',
    ...over,
  });
  const countItems = async () => (await sys.ds.query(`SELECT count(*)::int AS n FROM items`))[0].n as number;
  const auditOf = async (id: string) =>
    (await sys.ds.query(`SELECT action FROM audit_logs WHERE item_id = $1 ORDER BY id`, [id])).map((r: { action: string }) => r.action);
  const fields = (data: { details?: { field: string }[] }) => (data.details ?? []).map((d) => d.field);

  it.each(['不予公开', '依申请公开'])('refuses to save a %s item aimed at a public channel, naming the field, and writes nothing', async (attr) => {
    const before = await countItems();
    const r = await editor.post('/items', newItem({ disclosureAttr: attr, targetAccountIds: [portal] }));
    expect(r.status).toBe(400);
    expect(r.data.code).toBe('VALIDATION_FAILED');
    expect(fields(r.data)).toContain('disclosureAttr');
    expect(r.data.message).toContain('主动公开');
    expect(await countItems()).toBe(before);
  });

  it('keeps a 依申请公开 item with no channel (recorded, not published)', async () => {
    const r = await editor.post('/items', newItem({ disclosureAttr: '依申请公开' }));
    expect(r.status).toBe(201);
    expect(r.data).toMatchObject({ disclosureAttr: '依申请公开', targetAccountIds: [], status: 'draft' });
    // Aiming it at the portal later is refused too, and nothing changes.
    const p = await editor.patch(`/items/${r.data.id}`, { targetAccountIds: [portal], title: '改过的标题' });
    expect(p.status).toBe(400);
    expect(fields(p.data)).toContain('disclosureAttr');
    const row = (await sys.ds.query(`SELECT title, target_account_ids FROM items WHERE id = $1`, [r.data.id]))[0];
    expect(row).toEqual({ title: '关于某企业申请公开信息的答复', target_account_ids: [] });
    expect(await auditOf(r.data.id)).toEqual(['item.create']);
  });

  it('refuses to turn an item aimed at the portal into 不予公开 unless its channels go too', async () => {
    const c = await editor.post('/items', newItem({ title: '关于调整公交线路的通告', targetAccountIds: [portal] }));
    expect(c.status).toBe(201);
    const p = await editor.patch(`/items/${c.data.id}`, { disclosureAttr: '不予公开' });
    expect(p.status).toBe(400);
    expect(fields(p.data)).toContain('disclosureAttr');
    expect((await sys.ds.query(`SELECT disclosure_attr FROM items WHERE id = $1`, [c.data.id]))[0].disclosure_attr).toBe('主动公开');
    const both = await editor.patch(`/items/${c.data.id}`, { disclosureAttr: '不予公开', targetAccountIds: [] });
    expect(both.status).toBe(200);
    expect(both.data).toMatchObject({ disclosureAttr: '不予公开', targetAccountIds: [] });
  });

  it('refuses to submit or approve an item saved before the rule (不予公开 aimed at the portal), writing nothing', async () => {
    const c = await editor.post('/items', newItem({ title: '内部工作安排', targetAccountIds: [portal] }));
    expect(c.status).toBe(201);
    const id = c.data.id;
    // A row written before the rule existed.
    await sys.ds.query(`UPDATE items SET disclosure_attr = '不予公开' WHERE id = $1`, [id]);
    const s = await editor.post(`/items/${id}/submit`);
    expect(s.status).toBe(422);
    expect(fields(s.data)).toContain('disclosureAttr');
    expect((await sys.ds.query(`SELECT status FROM items WHERE id = $1`, [id]))[0].status).toBe('draft');
    expect(await auditOf(id)).toEqual(['item.create']);

    // Submitted before the rule: approval refuses it; no version, no delivery, no decision.
    await sys.ds.query(`UPDATE items SET status = 'submitted' WHERE id = $1`, [id]);
    const a = await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' });
    expect(a.status).toBe(422);
    expect(fields(a.data)).toContain('disclosureAttr');
    const [{ versions, deliveries, decisions }] = await sys.ds.query(
      `SELECT (SELECT count(*)::int FROM item_versions WHERE item_id = $1) AS versions, (SELECT count(*)::int FROM deliveries WHERE item_id = $1) AS deliveries,
              (SELECT count(*)::int FROM review_decisions WHERE item_id = $1) AS decisions`,
      [id],
    );
    expect({ versions, deliveries, decisions }).toEqual({ versions: 0, deliveries: 0, decisions: 0 });
    expect((await sys.ds.query(`SELECT status FROM items WHERE id = $1`, [id]))[0].status).toBe('submitted');
    expect(await auditOf(id)).toEqual(['item.create']);
  });

  it('statistics count only publications whose published version was 主动公开 (rollups, raw ledger and drill-down)', async () => {
    const fgj = sys.seed.orgs['sfx-fgj'];
    const mk = async (title: string, disclosureAttr: string) => {
      const r = await editor.post('/items', newItem({ organisationId: fgj, title, disclosureAttr }));
      expect(r.status).toBe(201);
      return r.data as ItemSnapshot & { id: string };
    };
    const open = await mk('发改局主动公开的通知', '主动公开');
    const closed = await mk('发改局不予公开的内部文件', '不予公开');
    const publishedAt = new Date();
    // Both publications written by the ledger writer (the second as a publication from before the rule).
    for (const it of [open, closed]) {
      const snapshot: ItemSnapshot = {
        ...it,
        itemId: it.id,
        versionNo: 1,
        organisationName: '示范县发改局',
        organisationCode: 'sfx-fgj',
        authorName: '信息员',
        approvedAt: publishedAt.toISOString(),
      };
      await sys.ds.transaction((em) =>
        recordPublication(em, {
          deliveryId: null,
          itemVersionId: null,
          snapshot,
          channelType: 'portal',
          channelAccountId: portal,
          reportRow: 'portal',
          newMedia: false,
          publishedAt,
          externalUrl: `https://www.sfx.gov.cn/${it.id}.html`,
          manual: true,
        }),
      );
    }
    expect((await sys.ds.query(`SELECT count(*)::int AS n FROM publication_records WHERE organisation_id = $1`, [fgj]))[0].n).toBe(2);

    const year = new Date(publishedAt.getTime() + 8 * 3600_000).getUTCFullYear();
    for (const source of ['rollup', 'ledger']) {
      const r = await stat.get('/stats/channel-counts', { params: { org: fgj, year, source } });
      expect(r.status).toBe(200);
      expect({ source, total: r.data.total, portal: r.data.byReportRow.portal }).toEqual({ source, total: 1, portal: 1 });
    }
    // Rebuilt from the ledger (as after a bulk load): the same filter.
    await sys.ds.query(`SELECT stats_rebuild()`);
    const rebuilt = await stat.get('/stats/channel-counts', { params: { org: fgj, year, source: 'rollup' } });
    expect(rebuilt.data.total).toBe(1);
    // A custom range is always counted from the ledger.
    const from = `${year}-01-01`;
    const to = `${year}-12-30`;
    const custom = await stat.get('/stats/channel-counts', { params: { org: fgj, from, to } });
    expect(custom.status).toBe(200);
    expect(custom.data.total).toBe(1);

    const report = await stat.get('/stats/reports/gov-2014', { params: { org: fgj, year } });
    expect(report.status).toBe(200);
    type Row = { label: string; cells: { id: string; value: number | null }[] };
    const rows: Row[] = [];
    const walk = (x: unknown) => {
      if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') {
        const o = x as Record<string, unknown>;
        if (typeof o.label === 'string' && Array.isArray(o.cells)) rows.push(o as unknown as Row);
        Object.values(o).forEach(walk);
      }
    };
    walk(report.data);
    const cell = rows.find((r) => /主动公开政府信息数/.test(r.label))!.cells[0];
    expect(cell.value).toBe(1);
    const drill = await stat.get(`/stats/reports/gov-2014/cells/${encodeURIComponent(String(cell.id))}/items`, { params: { org: fgj, year } });
    expect(drill.status).toBe(200);
    const text = JSON.stringify(drill.data);
    expect(text).toContain('发改局主动公开的通知');
    expect(text).not.toContain('发改局不予公开的内部文件');
  });
});
