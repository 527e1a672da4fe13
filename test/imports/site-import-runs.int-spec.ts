import type { AxiosInstance } from 'axios';
import { promises as fs } from 'fs';
import * as path from 'path';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { PortalAdapter } from '@app/channels/portal/portal.adapter';
import { SiteImportRunner } from '@app/imports/site/site-import.runner';
import { TestSystem, waitFor } from '@app/test/utils/test-system';
import { ImportSystem, OldSite, startImportSystem } from './fixtures/old-site';

/**
 * Site imports that do not go straight through (issue 18, points 1 and 4): a site that cannot be
 * written is refused before anything is read; one import never runs twice at once (the lease); a
 * pause stops a running import at its next page and a resume reads the rest once; a run stopped
 * between an item and its page writes the page next time; an item that cannot be written leaves no
 * fetched file behind; a changed article updates its item, never a second one.
 */
describe('site import runs', () => {
  let env: ImportSystem;
  let sys: TestSystem;
  let site: OldSite;
  let admin: AxiosInstance;
  let org: string;
  let account: string;

  beforeAll(async () => {
    env = await startImportSystem('site-import-runs');
    ({ sys, site, admin, org, account } = env);
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  const view = async (id: string) => (await admin.get(`/imports/${id}`)).data;
  const settled = (id: string, states = ['done', 'failed']) =>
    waitFor(
      async () => {
        const [r] = await sys.ds.query(`SELECT state, lease_owner FROM site_imports WHERE id = $1`, [id]);
        return states.includes(r.state) && r.lease_owner === null ? view(id) : null;
      },
      30_000,
      `import ${id} settled in ${states.join('/')}`,
    ).catch(async (e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(await view(id)).slice(0, 1500)}`);
    });
  const articleRequests = () => site.requests.filter((p) => site.articles.some((a) => a.path === p));
  const start = async (dryRun: boolean) => {
    const r = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `${site.base}/sitemap.xml`, dryRun });
    expect(r.status).toBe(202);
    return r.data.id as string;
  };

  it('refuses an account whose site directory another organisation owns, naming accountId, and writes nothing', async () => {
    const other = sys.seed.orgs['sfx-jyj'];
    await sys.ds.query(`INSERT INTO portal_sites (site_key, organisation_id) VALUES ('runs-other-site', $1)`, [other]);
    await sys.ds.query(`UPDATE channel_accounts SET settings = settings || '{"directory": "runs-other-site"}'::jsonb WHERE id = $1`, [account]);
    try {
      const r = await admin.post('/imports/site', { organisationId: org, accountId: account, sitemapUrl: `${site.base}/sitemap.xml` });
      expect(r.status).toBe(422);
      expect(r.data.code).toBe('IMPORT_ACCOUNT_NOT_READY');
      expect(r.data.details).toEqual([{ field: 'accountId', reason: expect.stringContaining('其他机构') }]);
      const [{ n }] = await sys.ds.query(`SELECT count(*)::int AS n FROM site_imports`);
      expect(n).toBe(0);
      expect(site.requests).toEqual([]);
    } finally {
      await sys.ds.query(`UPDATE channel_accounts SET settings = settings - 'directory' WHERE id = $1`, [account]);
    }
    // 测试连接 of the same account now passes, and names the directory
    const check = await admin.post(`/channel-accounts/${account}/check`);
    expect(check.status).toBe(200);
    expect(check.data).toMatchObject({ supported: true, ok: true, problems: [] });
    expect(check.data.capabilities.find((c: { key: string }) => c.key === 'directory')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('可以写入'),
    });
  });

  it('two runs of one import at once: the second answers busy, and each page is read once', async () => {
    const [imp] = await sys.ds.query(
      `INSERT INTO site_imports (organisation_id, account_id, source_url, dry_run, created_by) VALUES ($1, $2, $3, true, $4) RETURNING id`,
      [org, account, `${site.base}/sitemap.xml`, sys.seed.users['admin']],
    );
    const runner = sys.worker!.get(SiteImportRunner);
    site.requests.length = 0;
    site.hold('/robots.txt');
    let ended = 0;
    const runs = [runner.run(imp.id), runner.run(imp.id)].map((p) => p.finally(() => ended++));
    // both runs have either reached the old site or answered
    await waitFor(async () => site.waiting() + ended >= 2 || null, 20_000, 'both runs started');
    site.release();
    const results = await Promise.all(runs);
    expect(results.map((r) => r?.busy).sort()).toEqual([false, true]);
    const v = await settled(imp.id);
    expect(v).toMatchObject({ state: 'done', counts: { done: 10, total: 11, failed: 1 } });
    const reads = articleRequests();
    expect(reads.sort()).toEqual(site.articles.map((a) => a.path).sort());
  }, 60_000);

  it('a pause stops a running import at its next page; a resume reads the rest, each page once', async () => {
    site.requests.length = 0;
    site.hold('/zwgk/');
    const id = await start(true);
    await waitFor(async () => site.waiting() >= 2 || null, 20_000, 'two pages being read');
    const paused = await admin.post(`/imports/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.data.state).toBe('paused');
    site.release();
    const v = await settled(id, ['paused']);
    expect(v.counts.done).toBe(2); // the two pages in flight were finished, no other was started
    expect(articleRequests()).toHaveLength(2);
    const [{ pending }] = await sys.ds.query(`SELECT count(*)::int AS pending FROM site_import_pages WHERE import_id = $1 AND state = 'pending'`, [id]);
    expect(pending).toBe(8);

    expect((await admin.post(`/imports/${id}/resume`)).status).toBe(200);
    const done = await settled(id);
    expect(done).toMatchObject({ state: 'done', counts: { done: 10, total: 11, failed: 1 } });
    expect(articleRequests().sort()).toEqual(site.articles.map((a) => a.path).sort());
  }, 60_000);

  it('a run stopped between an item and its page writes the page on the next run', async () => {
    // a file where the site's articles folder belongs: the first page write fails after its item is written
    const { account: acc } = await sys.worker!.get(AccountStore).load(account);
    const key = await sys.worker!.get(PortalAdapter).siteKey(acc);
    if (!('key' in key)) throw new Error(key.problem);
    const blocker = path.join(sys.portalDir, key.key, 'articles');
    await fs.mkdir(path.dirname(blocker), { recursive: true });
    await fs.writeFile(blocker, 'not a folder');
    const id = await start(false);
    const failed = await settled(id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/导入中断/);
    const written = await sys.ds.query(`SELECT item_id, page_written FROM site_import_articles WHERE organisation_id = $1`, [org]);
    expect(written).toEqual([{ item_id: expect.any(String), page_written: false }]);

    await fs.rm(blocker);
    expect((await admin.post(`/imports/${id}/resume`)).status).toBe(200);
    const v = await settled(id);
    expect(v).toMatchObject({ state: 'done', counts: { done: 10, total: 11, failed: 1 } });
    const ledger = await sys.ds.query(`SELECT item_id, external_url FROM publication_records WHERE imported`);
    expect(ledger).toHaveLength(10);
    for (const l of ledger) expect((await sys.http.get(l.external_url)).status).toBe(200);
    const [{ unwritten }] = await sys.ds.query(`SELECT count(*) FILTER (WHERE NOT page_written)::int AS unwritten FROM site_import_articles`);
    expect(unwritten).toBe(0);
  }, 90_000);

  it('an item that cannot be written leaves no fetched file behind', async () => {
    const uploads = async () => {
      const [r] = await sys.ds.query(`SELECT count(*)::int AS n FROM uploads`);
      const files = await fs.readdir(path.join(sys.config.DATA_DIR, 'uploads'), { recursive: true, withFileTypes: true });
      return { rows: r.n, files: files.filter((f) => f.isFile()).length };
    };
    const before = await uploads();
    expect(before.rows).toBeGreaterThan(0); // the image of article 5
    const a5 = site.articles[4];
    const own = a5.indexNo;
    a5.indexNo = site.articles[0].indexNo; // now the 索引号 of another item: refused inside the item's transaction
    try {
      const v = await settled(await start(false));
      expect(v.state).toBe('done');
      expect(v.problems).toEqual(
        expect.arrayContaining([{ url: `${site.base}${a5.path}`, reason: expect.stringMatching(/索引号.*已被本机构另一条信息使用/) }]),
      );
      expect(await uploads()).toEqual(before);
    } finally {
      a5.indexNo = own;
    }
  }, 60_000);

  it('a changed article updates its item (a new version, the page rewritten), never a second one', async () => {
    const counts = async () =>
      (
        await sys.ds.query(
          `SELECT (SELECT count(*)::int FROM items WHERE organisation_id = $1) AS items, (SELECT count(*)::int FROM publication_records WHERE imported) AS ledger`,
          [org],
        )
      )[0];
    const before = await counts();
    const a1 = site.articles[0];
    a1.body = '<p>第1项工作的公告已更正：完成日期改为六月底。</p>';
    const v = await settled(await start(false));
    expect(v.state).toBe('done');
    const outcomes = Object.fromEntries(v.pages.map((p: { url: string; outcome: string }) => [p.url.replace(site.base, ''), p.outcome]));
    expect(outcomes[a1.path]).toBe('updated');
    expect(site.articles.slice(1).map((a) => outcomes[a.path])).toEqual(Array(9).fill('unchanged'));
    expect(await counts()).toEqual(before);
    const [it] = await sys.ds.query(
      `SELECT i.current_version_no, r.external_url FROM site_import_articles a JOIN items i ON i.id = a.item_id
         JOIN publication_records r ON r.item_id = i.id WHERE a.source_url = $1`,
      [`${site.base}${a1.path}`],
    );
    expect(it.current_version_no).toBe(2);
    const page = await sys.http.get(it.external_url);
    expect(page.data).toContain('完成日期改为六月底');
  }, 60_000);
});
