import type { AxiosInstance } from 'axios';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { OLD_SITE_YEAR, ImportSystem, OldSite, startImportSystem } from './fixtures/old-site';

/**
 * Issue 18.1 "Done when": a small old site served on 127.0.0.1 (allowed by IMPORT_ALLOWED_HOSTS) is
 * imported by the worker: items with their original metadata and dates, portal pages, ledger rows marked
 * imported, the gov-2014 report of that year; a second run changes nothing; a dry run writes no item; a
 * host not on the allow-list is refused with the reason; bad input names the field.
 */
describe('site import', () => {
  let env: ImportSystem;
  let sys: TestSystem;
  let site: OldSite;
  let admin: AxiosInstance;
  let org: string;
  let account: string;

  beforeAll(async () => {
    env = await startImportSystem('site-import');
    ({ sys, site, admin, org, account } = env);
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  const finished = (id: string) =>
    waitFor(
      async () => {
        const r = await admin.get(`/imports/${id}`);
        return r.status === 200 && ['done', 'failed'].includes(r.data.state) ? r.data : null;
      },
      15_000,
      `import ${id} finished`,
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify((await admin.get(`/imports/${id}`)).data).slice(0, 1500)}`);
    });
  const counts = async () => {
    const [r] = await sys.ds.query(
      `SELECT (SELECT count(*)::int FROM items WHERE organisation_id = $1) AS items,
              (SELECT count(*)::int FROM publication_records WHERE imported) AS ledger,
              (SELECT count(*)::int FROM item_versions v JOIN items i ON i.id = v.item_id WHERE i.organisation_id = $1) AS versions`,
      [org],
    );
    return r;
  };

  it('refuses bad input naming the field, and a host that is not allowed with the reason', async () => {
    const bad = await admin.post('/imports/site', { organisationId: org, accountId: account, dryRun: true });
    expect(bad.status).toBe(400);
    expect(bad.data.details.map((d: { field: string }) => d.field)).toContain('sitemapUrl');
    const wrongAccount = await admin.post('/imports/site', { organisationId: org, accountId: sys.seed.orgs['sfx'], sitemapUrl: `${site.base}/sitemap.xml` });
    expect(wrongAccount.status).toBe(400);
    expect(wrongAccount.data.details).toEqual([{ field: 'accountId', reason: expect.stringContaining('政府网站账号') }]);
    const port = new URL(site.base).port;
    const refused = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `http://localhost:${port}/sitemap.xml` });
    expect(refused.status).toBe(422);
    expect(refused.data.details[0].field).toBe('sitemapUrl');
    expect(refused.data.message).toContain('IMPORT_ALLOWED_HOSTS');
    const [{ n }] = await sys.ds.query(`SELECT count(*)::int AS n FROM site_imports`);
    expect(n).toBe(0);
  });

  it('a dry run reports what would be imported and what could not be read, and writes no item', async () => {
    const before = await counts();
    const r = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `${site.base}/sitemap.xml`, dryRun: true });
    expect(r.status).toBe(202);
    const v = await finished(r.data.id);
    expect(v.state).toBe('done');
    expect(v.counts).toEqual({ done: 10, total: 11, failed: 1 });
    expect(v.pages.filter((p: { outcome: string }) => p.outcome === 'would-create')).toHaveLength(10);
    expect(v.problems).toEqual(
      expect.arrayContaining([
        { url: `${site.base}/private/secret.html`, reason: expect.stringContaining('robots.txt') },
        { url: `${site.base}${site.articles[4].path}`, reason: expect.stringMatching(/图片无法导入.*HTTP 404/) },
      ]),
    );
    expect(await counts()).toEqual(before);
    expect(site.requests).not.toContain('/private/secret.html');
  });

  it('imports the old site: items, dates, links, portal pages, ledger, the report; a second run changes nothing', async () => {
    const r = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `${site.base}/sitemap.xml`, dryRun: false });
    const v = await finished(r.data.id);
    expect(v.state).toBe('done');
    expect(v.counts).toEqual({ done: 10, total: 11, failed: 1 });
    expect(v.problems.filter((p: { reason: string }) => /图片/.test(p.reason))).toHaveLength(1);

    const items = await sys.ds.query(
      `SELECT i.id, i.title, i.status, i.index_no, i.doc_no, i.issuing_body, i.written_date::text AS written, i.publish_date::text AS publish, i.kind,
              i.category, i.policy_item_id, i.body_html, i.current_version_no, a.source_url
         FROM site_import_articles a JOIN items i ON i.id = a.item_id WHERE a.organisation_id = $1 ORDER BY i.publish_date`,
      [org],
    );
    expect(items).toHaveLength(10);
    for (const [n, it] of items.entries()) {
      const old = site.articles[n];
      expect(it.source_url).toBe(`${site.base}${old.path}`);
      expect(it).toMatchObject({ title: old.title, status: 'published', publish: old.pubDate.slice(0, 10), current_version_no: 1 });
      if (old.indexNo)
        expect(it).toMatchObject({ index_no: old.indexNo, issuing_body: '示范县人民政府办公室', written: old.pubDate.slice(0, 10), category: '综合政务' });
      expect(it.body_html).not.toContain('<script');
    }
    expect(items[8].index_no).toMatch(/^DR-/); // no catalogue table: a stable generated 索引号
    expect(items[8].issuing_body).toBe('示范县人民政府办公室'); // from ContentSource
    expect(items[2]).toMatchObject({ kind: 'normative', doc_no: '示政发〔2023〕3号' });
    expect(items[3]).toMatchObject({ kind: 'interpretation', policy_item_id: items[2].id });
    expect(items[4].body_html).toMatch(/<img src="\/api\/v1\/uploads\/\d{4}\/\d{2}\/[0-9a-f]{24}\.png"/);
    expect(items[4].body_html).not.toContain('missing.jpg');
    expect(items[0].body_html).toContain('text-indent:2em');
    // the attachment: fetched into the private store, on the item, and its link in the body pointed at the copy
    const [withFile] = await sys.ds.query(`SELECT attachments FROM items WHERE id = $1`, [items[1].id]);
    expect(withFile.attachments).toEqual([
      {
        name: '附件：工作方案.pdf',
        url: expect.stringMatching(/^\/api\/v1\/uploads\/\d{4}\/\d{2}\/[0-9a-f]{24}\.pdf$/),
        mime: 'application/pdf',
        size: expect.any(Number),
      },
    ]);
    expect(items[1].body_html).toContain(`href="${withFile.attachments[0].url}"`);
    expect(items[1].body_html).not.toContain('gzfa.pdf');

    const ledger = await sys.ds.query(
      `SELECT item_id, channel_account_id, published_at, imported, external_url FROM publication_records WHERE imported ORDER BY published_at`,
    );
    expect(ledger).toHaveLength(10);
    expect(ledger.map((l: { item_id: string }) => l.item_id)).toEqual(items.map((i: { id: string }) => i.id));
    expect(new Date(ledger[0].published_at).toISOString()).toBe('2023-01-15T01:30:00.000Z');
    expect(ledger.every((l: { channel_account_id: string }) => l.channel_account_id === account)).toBe(true);

    // the portal pages, at their original dates, with the image copied to the site
    const page = await sys.http.get(ledger[4].external_url);
    expect(page.status).toBe(200);
    expect(page.data).toContain(site.articles[4].title);
    expect(page.data).toContain('2023-05-15');
    const img = /<img[^>]+src="([^"]+\.png)"/.exec(page.data)?.[1];
    expect(img).toBeTruthy();
    expect((await sys.http.get(new URL(img!, ledger[4].external_url).toString())).status).toBe(200);
    // the attachment's public copy, linked from its article page
    const page1 = await sys.http.get(ledger[1].external_url);
    const pdf = /href="([^"]+\.pdf)"/.exec(page1.data)?.[1];
    expect(pdf).toBeTruthy();
    const got = await sys.http.get(new URL(pdf!, ledger[1].external_url).toString(), { responseType: 'arraybuffer' });
    expect(got.status).toBe(200);
    expect(Buffer.from(got.data).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // the year's report counts them
    const stat = await sys.login('statistician');
    const rep = await stat.get('/stats/reports/gov-2014', { params: { org, year: OLD_SITE_YEAR } });
    expect(rep.status).toBe(200);
    expect(rep.data.values['1-1']).toBe(10);

    // the drill-down of the year's count marks the imported rows
    const drill = await stat.get('/stats/reports/gov-2014/cells/1-1/items', { params: { org, year: OLD_SITE_YEAR } });
    expect(drill.status).toBe(200);
    expect(drill.data.total).toBe(10);
    expect(drill.data.items.flatMap((i: { publications: { imported: boolean }[] }) => i.publications.map((p) => p.imported))).toEqual(Array(10).fill(true));

    // a second run: nothing new, nothing changed
    const before = await counts();
    const again = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `${site.base}/sitemap.xml` });
    const v2 = await finished(again.data.id);
    expect(v2.state).toBe('done');
    expect(v2.pages.filter((p: { outcome: string }) => p.outcome === 'unchanged')).toHaveLength(10);
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('reads a column list page and its next pages; a second import of the same pages changes nothing', async () => {
    const before = await counts();
    const r = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `${site.base}/zwgk/tzgg/index.html` });
    const v = await finished(r.data.id);
    expect(v).toMatchObject({ state: 'done', counts: { done: 10, total: 10, failed: 0 } });
    expect(v.pages.map((p: { outcome: string }) => p.outcome)).toEqual(Array(10).fill('unchanged'));
    expect(await counts()).toEqual(before);
  }, 60_000);

  it.each([
    ['an RSS feed', '/feed.xml'],
    ['a sitemap index of two sitemaps', '/sitemap_index.xml'],
  ])(
    'reads %s; the articles already imported are unchanged',
    async (_what, source) => {
      const before = await counts();
      const r = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `${site.base}${source}` });
      const v = await finished(r.data.id);
      expect(v).toMatchObject({ state: 'done', counts: { done: 10, total: 10, failed: 0 } });
      expect(v.pages.map((p: { url: string }) => p.url).sort()).toEqual(site.articles.map((a) => `${site.base}${a.path}`).sort());
      expect(v.pages.map((p: { outcome: string }) => p.outcome)).toEqual(Array(10).fill('unchanged'));
      expect(await counts()).toEqual(before);
    },
    60_000,
  );

  it('resumes after a restart: pages already done are not fetched again; pause and resume answer on finished imports', async () => {
    const [imp] = await sys.ds.query(
      `INSERT INTO site_imports (organisation_id, account_id, source_url, dry_run, state, created_by) VALUES ($1, $2, $3, true, 'running', $4) RETURNING id`,
      [org, account, `${site.base}/sitemap.xml`, sys.seed.users['admin']],
    );
    const urls = [...site.articles.map((a) => `${site.base}${a.path}`), `${site.base}/private/secret.html`];
    for (const [n, u] of urls.entries()) {
      await sys.ds.query(`INSERT INTO site_import_pages (import_id, url, seq, state, outcome) VALUES ($1, $2, $3, $4, $5)`, [
        imp.id,
        u,
        n,
        n < 6 ? 'done' : 'pending',
        n < 6 ? 'would-create' : null,
      ]);
    }
    await sys.stopWorker();
    site.requests.length = 0;
    await sys.startWorker(); // finds the import left running and puts it back on the queue
    const v = await finished(imp.id);
    expect(v).toMatchObject({ state: 'done', counts: { done: 10, total: 11, failed: 1 } });
    const fetched = new Set(site.requests);
    expect(site.articles.slice(0, 6).filter((a) => fetched.has(a.path))).toEqual([]);
    expect(site.articles.slice(6).every((a) => fetched.has(a.path))).toBe(true);
    expect((await admin.post(`/imports/${imp.id}/pause`)).status).toBe(409);
    const resumed = await admin.post(`/imports/${imp.id}/resume`);
    expect(resumed.status).toBe(409);
    expect(resumed.data.message).toMatch(/已暂停或已失败/);
  }, 60_000);
});
