import { promises as fs } from 'fs';
import * as path from 'path';
import { startTestSystem, TestSystem, waitFor } from '@app/test/utils/test-system';

/**
 * The spine, end to end on real Postgres and Redis: an editor writes, a reviewer approves, the worker
 * publishes to the portal, the ledger gets one row and the audit log tells the story.
 */
describe('write → review → portal', () => {
  let sys: TestSystem;
  let portalAccount: string;

  beforeAll(async () => {
    sys = await startTestSystem('portal');
    portalAccount = sys.seed.accounts['portal:示范县人民政府门户网站'];
  });
  afterAll(async () => {
    await sys?.close();
  });

  const newItem = (over: Record<string, unknown> = {}) => ({
    organisationId: sys.seed.orgs['sfx'],
    title: '关于做好2026年冬季供暖工作的通知',
    bodyHtml:
      '<p>各乡镇人民政府、县直各部门：</p><p>现就做好冬季供暖工作通知如下。</p><script>alert(1)</script><a href="javascript:alert(1)" onclick="x()">链接</a>',
    summary: '冬季供暖安排',
    docNo: '示政办发〔2026〕12号',
    writtenDate: '2026-11-10',
    category: '城乡建设',
    kind: 'notice',
    targetAccountIds: [portalAccount],
    ...over,
  });

  it('publishes an approved item to the portal with its catalogue metadata, one ledger row and an audit trail', async () => {
    const editor = await sys.login('editor');
    const reviewer = await sys.login('reviewer');
    const created = await editor.post('/items', newItem());
    expect(created.status).toBe(201);
    const id = created.data.id;
    expect(created.data.indexNo).toMatch(/^sfx\/\d{4}-00001$/);
    expect(created.data.bodyHtml).not.toMatch(/script|javascript:|onclick/);

    expect((await editor.post(`/items/${id}/submit`)).status).toBe(200);
    const approved = await reviewer.post(`/items/${id}/approve`, { secrecyConclusion: '经审查不涉密' });
    expect(approved.status).toBe(200);
    expect(approved.data.status).toBe('approved');

    const deliveries = await waitFor(
      async () => {
        const r = await editor.get(`/items/${id}/deliveries`);
        return r.data.every((d: { state: string }) => d.state === 'published') && r.data.length ? r.data : null;
      },
      20_000,
      'delivery published',
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].externalUrl).toBe(`${sys.url}/site/articles/${id}.html`);

    const page = await fs.readFile(path.join(sys.portalDir, 'articles', `${id}.html`), 'utf8');
    expect(page).toContain('关于做好2026年冬季供暖工作的通知');
    expect(page).toContain(created.data.indexNo);
    expect(page).toContain('示政办发〔2026〕12号');
    expect(page).toContain('<meta name="ArticleTitle" content="关于做好2026年冬季供暖工作的通知">');
    expect(page).toContain('<meta name="SiteIDCode" content="9999000001">');
    expect(page).toContain('2026-11-10');
    // Served under /site/ too.
    const served = await (await fetch(`${sys.url}/site/articles/${id}.html`)).text();
    expect(served).toBe(page);
    const index = await fs.readFile(path.join(sys.portalDir, 'index.html'), 'utf8');
    expect(index).toContain(`articles/${id}.html`);
    // sitemap.xml is an index of bounded files (issue 17); the article is in one of them
    expect(await fs.readFile(path.join(sys.portalDir, 'sitemap.xml'), 'utf8')).toContain('/site/sitemaps/1.xml');
    expect(await fs.readFile(path.join(sys.portalDir, 'sitemaps', '1.xml'), 'utf8')).toContain(`/site/articles/${id}.html`);
    expect(await fs.readFile(path.join(sys.portalDir, 'rss.xml'), 'utf8')).toContain('关于做好2026年冬季供暖工作的通知');

    const ledger = await sys.ds.query(`SELECT * FROM publication_records WHERE item_id = $1`, [id]);
    expect(ledger).toHaveLength(1);
    expect(ledger[0].channel_type).toBe('portal');
    expect(ledger[0].organisation_id).toBe(sys.seed.orgs['sfx']);

    const item = await editor.get(`/items/${id}`);
    expect(item.data.status).toBe('published');
    expect(item.data.publishDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The detail carries the same delivery rows as items/:id/deliveries, never the engine's own columns.
    expect(item.data.deliveries).toEqual(deliveries);
    for (const k of ['checkpoint', 'leaseUntil', 'nextAttemptAt']) expect(item.data.deliveries[0]).not.toHaveProperty(k);

    const audit = await editor.get(`/items/${id}/audit`);
    expect(audit.data.map((a: { action: string }) => a.action)).toEqual(['item.create', 'item.submit', 'item.approve']);
    expect(audit.data[2].actorName).toBe('reviewer');
  });

  it('withdrawal replaces the page with a withdrawn notice, updates the lists and keeps the ledger row', async () => {
    const editor = await sys.login('editor');
    const reviewer = await sys.login('reviewer');
    const id = (await editor.post('/items', newItem({ title: '将被撤回的通知' }))).data.id;
    await editor.post(`/items/${id}/submit`);
    await reviewer.post(`/items/${id}/approve`, {});
    await waitFor(async () => (await editor.get(`/items/${id}`)).data.status === 'published', 20_000, 'published');

    const w = await reviewer.post(`/items/${id}/withdraw`, { reason: '内容有误' });
    expect(w.status).toBe(200);
    await waitFor(async () => (await editor.get(`/items/${id}/deliveries`)).data[0].state === 'withdrawn', 20_000, 'withdrawn');
    const page = await fs.readFile(path.join(sys.portalDir, 'articles', `${id}.html`), 'utf8');
    expect(page).toContain('该信息已撤回');
    expect(page).not.toContain('将被撤回的通知</h1>');
    const index = await fs.readFile(path.join(sys.portalDir, 'index.html'), 'utf8');
    expect(index).not.toContain(`articles/${id}.html`);
    const ledger = await sys.ds.query(
      `SELECT r.id, w.id AS wid FROM publication_records r LEFT JOIN publication_withdrawals w ON w.publication_record_id = r.id WHERE r.item_id = $1`,
      [id],
    );
    expect(ledger).toHaveLength(1);
    expect(ledger[0].wid).not.toBeNull();
  });
});
