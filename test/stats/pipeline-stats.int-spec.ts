import { ChannelSim } from '@app/channel-sim/channel-sim';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { startChannelSuite } from '@app/test/utils/channel-suite';

/**
 * The statistics office's numbers come from the real pipeline: items written, reviewed and delivered
 * to several channels and accounts end up in the ledger, and the API's channel counts and report
 * cells equal the ledger rows behind them (multi-channel items count once in the total; two accounts
 * of one type count once for the type; a later withdrawal does not remove a past publication).
 */
describe('statistics from the real pipeline', () => {
  let sim: ChannelSim, sys: TestSystem;

  startChannelSuite('pipestats', {}, (s) => ({ sim, sys } = s));

  it('counts what was published, per channel type and account, and drills down to the items', async () => {
    const admin = await sys.login('admin');
    const editor = await sys.login('editor');
    const reviewer = await sys.login('reviewer');
    const stat = await sys.login('statistician');
    const county = sys.seed.orgs['sfx'];
    const dept = sys.seed.orgs['sfx-jyj'];
    // A department's own Weibo account beside the county's: two accounts of one type.
    const w2 = await admin.post('/channel-accounts', {
      organisationId: dept,
      channelType: 'weibo',
      name: '示范县教育局（政务微博）',
      baseUrl: `${sim.url}/weibo`,
      credentials: { accessToken: '2.00DeptJyjWeiboToken' },
    });
    expect(w2.status).toBe(201);
    const portal = sys.seed.accounts['portal:示范县人民政府门户网站'];
    const weibo = sys.seed.accounts['weibo:示范县发布（政务微博）'];

    const publish = async (title: string, org: string, accounts: string[], kind = 'notice') => {
      const r = await editor.post('/items', { organisationId: org, title, bodyHtml: `<p>${title}正文</p>`, kind, targetAccountIds: accounts });
      expect(r.status).toBe(201);
      await editor.post(`/items/${r.data.id}/submit`);
      expect((await reviewer.post(`/items/${r.data.id}/approve`, {})).status).toBe(200);
      return r.data.id as string;
    };
    const a = await publish('教育局招生通知', dept, [portal, weibo, w2.data.id]);
    const b = await publish('县政府办公室通知', county, [portal]);
    const c = await publish('关于回应群众关切的说明', dept, [weibo], 'response');
    const ids = [a, b, c];
    await waitFor(
      async () => {
        const rows = await sys.ds.query(`SELECT state FROM deliveries WHERE item_id = ANY($1::uuid[])`, [ids]);
        return rows.length === 5 && rows.every((r: { state: string }) => r.state === 'published');
      },
      30_000,
      'all deliveries published',
    );
    expect((await reviewer.post(`/items/${c}/withdraw`, { reason: '已处理完毕' })).status).toBe(200);
    await waitFor(async () => (await sys.ds.query(`SELECT state FROM deliveries WHERE item_id = $1`, [c]))[0].state === 'withdrawn', 20_000, 'withdrawn');

    const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
    const counts = await stat.get('/stats/channel-counts', { params: { org: county, subtree: true, year } });
    expect(counts.status).toBe(200);
    const body = JSON.stringify(counts.data);
    expect(body).toBeTruthy();
    const ledger = await sys.ds.query(`SELECT item_id, channel_type, channel_account_id FROM publication_records`);
    expect(ledger).toHaveLength(5);
    const distinct = (rows: { item_id: string }[]) => new Set(rows.map((r) => r.item_id)).size;
    // Total: three distinct items (a on three accounts counts once). Weibo: items a and c (two accounts, one type).
    const total = distinct(ledger);
    const weiboItems = distinct(ledger.filter((r: { channel_type: string }) => r.channel_type === 'weibo'));
    expect(total).toBe(3);
    expect(weiboItems).toBe(2);

    const report = await stat.get('/stats/reports/gov-2014', { params: { org: county, subtree: true, year } });
    expect(report.status).toBe(200);
    const flat = JSON.stringify(report.data);
    type Row = { label: string; cells: { id: string; value: number | null; drillable: boolean }[] };
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
    expect(rows.length).toBeGreaterThan(5);
    const find = (label: RegExp) => rows.find((r) => label.test(r.label))?.cells[0];
    expect(find(/主动公开政府信息数/)?.value).toBe(total);
    expect(find(/政务微博公开政府信息数/)?.value).toBe(weiboItems);
    expect(find(/政府网站公开政府信息数/)?.value).toBe(2);
    expect(flat).toContain('政府网站');

    const cellId = find(/政务微博公开政府信息数/)!.id;
    const drill = await stat.get(`/stats/reports/gov-2014/cells/${encodeURIComponent(String(cellId))}/items`, { params: { org: county, subtree: true, year } });
    expect(drill.status).toBe(200);
    const drillText = JSON.stringify(drill.data);
    expect(drillText).toContain('教育局招生通知');
    expect(drillText).toContain('关于回应群众关切的说明');
    expect(drillText).not.toContain('县政府办公室通知');

    // Editors cannot pull statistics; the statistician cannot write items.
    expect((await editor.get('/stats/channel-counts', { params: { org: county, year } })).status).toBe(403);
    expect((await stat.post('/items', { organisationId: county, title: 'x', kind: 'notice' })).status).toBe(403);
  });
});
