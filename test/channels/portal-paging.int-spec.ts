import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { appDataSourceOptions } from '@app/composition/app-database';
import { PortalPagedLists1732009000000 } from '@app/channels/portal/migrations/1732009000000-portal-paged-lists';
import { testSnapshot } from '@app/channels/portal/testing/portal-fixtures';
import { PgPortalState } from '@app/channels/portal/pg-portal-state';
import { PortalSiteWriter } from '@app/channels/portal/portal-site.writer';
import { articlePath, columnSlug, PortalArticle, SiteInfo } from '@app/channels/portal/portal-templates';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { runCli } from '../../apps/cli/src/admin-cli';
import { createTestDataSource } from '@app/test/utils/test-db';
import { bulkPortalArticles } from './portal-bulk';

/**
 * Issue 17 point 1 on real Postgres: paged lists with stable addresses, the files a publication or a
 * withdrawal writes bounded by the change (the same at 50 and at 500 articles), sitemap index, RSS of
 * the latest, two processes converging, the migration numbering existing articles and the first write
 * producing the new layout, and `npm run portal:rebuild` streaming with progress.
 */
describe('portal paged lists on Postgres (issue 17.1)', () => {
  let ds: DataSource;
  let url: string;
  let close: () => Promise<void>;
  let orgId: string;
  let tmp: string;
  let sites = 0;
  const EDU = columnSlug('教育');

  beforeAll(async () => {
    ({ ds, url, close } = await createTestDataSource('portal-paging'));
    [{ id: orgId }] = await ds.query(`INSERT INTO organisations (code, name, level, path) VALUES ('pp', '分页测试县', 'county', 'x') RETURNING id`);
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-paging-'));
  });
  afterAll(async () => {
    await close();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function newSite(sizes = {}, d = ds) {
    const key = `sites/s${++sites}`;
    await ds.query(`INSERT INTO portal_sites (site_key, organisation_id) VALUES ($1, $2)`, [key, orgId]);
    const dir = path.join(tmp, key);
    const site: SiteInfo = { siteName: '分页测试县人民政府', siteDomain: 'pp.gov.cn', siteIdCode: '9999000009', baseUrl: `http://x/${key}` };
    const written: string[] = [];
    const writer = new PortalSiteWriter(dir, site, new PgPortalState(d, key), undefined, { pageSize: 20, ...sizes }, (rel) => written.push(rel));
    return { key, dir, site, writer, written, read: (rel: string) => fs.readFile(path.join(dir, rel), 'utf8') };
  }
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  function article(site: SiteInfo, n: number, over: Partial<ItemSnapshot> = {}): PortalArticle {
    const snapshot = testSnapshot(uuid(n), { title: `分页文章${n}`, indexNo: `pp-${n}`, issuingBody: '分页测试县人民政府', ...over });
    return {
      snapshot,
      url: `${site.baseUrl}/${articlePath(uuid(n))}`,
      path: articlePath(uuid(n)),
      publishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
      withdrawn: false,
    };
  }
  const listed = (html: string) => [...new Set([...html.matchAll(/articles\/([0-9a-f-]{36})\.html/g)].map((m) => Number(m[1].slice(-12))))];

  it('45 articles make three numbered pages with correct links; one more rewrites a bounded set of files', async () => {
    const s = await newSite();
    for (let n = 1; n <= 45; n++) await s.writer.publish(article(s.site, n));
    expect(listed(await s.read('catalogue/1.html'))).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(listed(await s.read('catalogue/3.html'))).toEqual([45, 44, 43, 42, 41]);
    expect(listed(await s.read(`columns/${EDU}/2.html`))).toEqual(Array.from({ length: 20 }, (_, i) => 40 - i));
    const p2 = await s.read(`columns/${EDU}/2.html`);
    expect(p2).toContain('<a rel="prev" href="3.html">');
    expect(p2).toContain('<a rel="next" href="1.html">');
    expect(listed(await s.read(`columns/${EDU}.html`))).toEqual([45, 44, 43, 42, 41]);
    expect(await s.read('index.html')).toContain('教育</a>（45）');
    s.written.length = 0;
    await s.writer.publish(article(s.site, 46));
    expect(s.written.sort()).toEqual(
      [articlePath(uuid(46)), 'catalogue/3.html', `columns/${EDU}/3.html`, `columns/${EDU}.html`, 'index.html', 'rss.xml', 'sitemaps/1.xml'].sort(),
    );
  });

  it('publishing into a site of 505 writes as many files as into a site of 50', async () => {
    const cost = async (size: number) => {
      const s = await newSite();
      await bulkPortalArticles(ds, s.key, s.site.baseUrl, size, ['教育', '交通', '卫生']);
      await s.writer.rebuild({ articles: false });
      s.written.length = 0;
      await s.writer.publish(article(s.site, 100_000 + size, { category: '交通' }));
      expect(listed(await s.read(`columns/${columnSlug('交通')}.html`))[0]).toBe(100_000 + size);
      return s.written.length;
    };
    const at50 = await cost(50);
    const at500 = await cost(505); // (neither opens a new page: that adds the previous page, a bounded extra)
    expect(at50).toBeLessThanOrEqual(8);
    expect(at500).toBe(at50);
  });

  it('a withdrawal rewrites only the pages that listed it; sitemap index of bounded files; RSS of the latest', async () => {
    const s = await newSite({ sitemapSize: 30, rssSize: 50 });
    for (let n = 1; n <= 65; n++) await s.writer.publish(article(s.site, n, { category: n <= 40 ? '教育' : '交通' }));
    const index = await s.read('sitemap.xml');
    expect([...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1].replace(s.site.baseUrl + '/', ''))).toEqual([
      'sitemaps/columns.xml',
      'sitemaps/1.xml',
      'sitemaps/2.xml',
      'sitemaps/3.xml',
    ]);
    expect(listed(await s.read('sitemaps/3.xml'))).toEqual([61, 62, 63, 64, 65]);
    expect(listed(await s.read('rss.xml'))).toEqual(Array.from({ length: 50 }, (_, i) => 65 - i));

    s.written.length = 0;
    await s.writer.withdraw(uuid(5), new Date('2026-02-01T00:00:00Z'));
    expect(s.written.sort()).toEqual([articlePath(uuid(5)), 'catalogue/1.html', `columns/${EDU}/1.html`, 'index.html', 'sitemaps/1.xml'].sort());
    for (const f of s.written.slice(1)) expect(listed(await s.read(f))).not.toContain(5);
    expect(await s.read(articlePath(uuid(5)))).toContain('该信息已撤回');
    expect(await s.read('index.html')).toContain('教育</a>（39）');

    s.written.length = 0;
    await s.writer.withdraw(uuid(64), new Date('2026-02-01T00:00:00Z'));
    expect(s.written).toEqual(expect.arrayContaining(['rss.xml', 'sitemaps/3.xml', `columns/${columnSlug('交通')}.html`]));
    expect(listed(await s.read('rss.xml'))).not.toContain(64);
    expect(listed(await s.read('rss.xml'))).toHaveLength(50);
  });

  it('revisions, column moves, withdrawals and re-publication keep the numbers and the column counters right', async () => {
    const s = await newSite();
    for (let n = 1; n <= 25; n++) await s.writer.publish(article(s.site, 400 + n));
    await s.writer.publish({
      ...article(s.site, 403, { category: '交通', title: '改到交通' }),
      snapshot: { ...article(s.site, 403).snapshot, category: '交通', versionNo: 2, title: '改到交通' },
    });
    await s.writer.withdraw(uuid(410), new Date());
    await s.writer.publish(article(s.site, 410, { versionNo: 3 })); // published again: same numbers, listed again
    await s.writer.withdraw(uuid(420), new Date());
    const TRAFFIC = columnSlug('交通');
    expect(listed(await s.read(`columns/${TRAFFIC}.html`))).toEqual([403]);
    expect(listed(await s.read(`columns/${EDU}/1.html`))).not.toContain(403);
    expect(listed(await s.read(`columns/${EDU}/1.html`))).toContain(410);
    expect(listed(await s.read('catalogue/1.html'))).toEqual(expect.arrayContaining([403, 410]));
    expect(listed(await s.read('catalogue/1.html'))).not.toContain(420);
    const counters = await ds.query(`SELECT category, max_col_seq::int AS m, live_count::int AS l FROM portal_columns WHERE site_key = $1 ORDER BY category`, [
      s.key,
    ]);
    const recount = await ds.query(
      `SELECT category, max(col_seq)::int AS m, (count(*) FILTER (WHERE NOT withdrawn))::int AS l FROM portal_articles WHERE site_key = $1 GROUP BY category ORDER BY category`,
      [s.key],
    );
    expect(counters).toEqual(recount);
    expect(counters).toEqual([
      { category: '交通', m: 1, l: 1 },
      { category: '教育', m: 25, l: 23 },
    ]);
    expect(await s.read('index.html')).toContain('教育</a>（23）');
  });

  it('two processes publishing into one site at once converge on lists holding every article', async () => {
    const other = new DataSource(appDataSourceOptions(url));
    await other.initialize();
    try {
      const a = await newSite();
      const b = new PortalSiteWriter(a.dir, a.site, new PgPortalState(other, a.key), undefined, { pageSize: 20 });
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a.writer : b).publish(article(a.site, 200 + i, { category: i % 3 ? '教育' : '交通' }))));
      const catalogue = [...listed(await a.read('catalogue/1.html')), ...listed(await a.read('catalogue/2.html'))];
      expect(catalogue.sort()).toEqual(Array.from({ length: 30 }, (_, i) => 200 + i));
      const edu = [...listed(await a.read(`columns/${EDU}/1.html`)), ...listed(await a.read(`columns/${EDU}.html`))];
      expect(new Set(edu).size).toBe(20);
      expect(listed(await a.read('sitemaps/1.xml')).sort()).toEqual(catalogue);
      expect(await a.read('index.html')).toContain('教育</a>（20）');
      const tmpFiles = (await fs.readdir(a.dir, { recursive: true })).filter((n) => String(n).endsWith('.tmp'));
      expect(tmpFiles).toEqual([]);
    } finally {
      await other.destroy();
    }
  });

  it('npm run portal:rebuild rewrites a site in batches with progress', async () => {
    const portalDir = path.join(tmp, 'cli-portal');
    const key = 'sites/cli';
    await ds.query(`INSERT INTO portal_sites (site_key, organisation_id) VALUES ($1, $2)`, [key, orgId]);
    await ds.query(
      `INSERT INTO channel_accounts (organisation_id, channel_type, name, base_url, settings) VALUES ($1, 'portal', '命令行网站', 'http://x/cli', $2)`,
      [orgId, JSON.stringify({ directory: key, siteName: '命令行测试网站' })],
    );
    await bulkPortalArticles(ds, key, 'http://x/cli', 2500, ['教育', '交通']);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['portal-rebuild', '--site', key],
      url,
      { out: (l) => out.push(l), err: (l) => err.push(l), readPassword: async () => '' },
      {
        PORTAL_DIR: portalDir,
        PORTAL_BASE_URL: 'http://x',
        DATA_DIR: tmp,
      },
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toEqual(expect.arrayContaining([`site ${key}: 1000/2500 articles`, `site ${key}: 2000/2500 articles`, `site ${key}: 2500/2500 articles`]));
    const dir = path.join(portalDir, key);
    expect((await fs.readdir(path.join(dir, 'articles'))).length).toBe(2500);
    expect((await fs.readdir(path.join(dir, 'catalogue'))).length).toBe(125);
    expect(await fs.readFile(path.join(dir, 'index.html'), 'utf8')).toContain('命令行测试网站');
    expect(await fs.readFile(path.join(dir, 'sitemaps', '3.xml'), 'utf8')).toContain('/articles/');
    // --all: every site of portal_sites; those no account writes to any more are named and skipped
    const all: string[] = [];
    const env = { PORTAL_DIR: portalDir, PORTAL_BASE_URL: 'http://x', DATA_DIR: tmp };
    expect(await runCli(['portal-rebuild', '--all'], url, { out: (l) => all.push(l), err: (l) => err.push(l), readPassword: async () => '' }, env)).toBe(0);
    expect(all).toEqual(
      expect.arrayContaining([`site ${key}: 2500/2500 articles`, 'site sites/s1: skipped, no portal account of 分页测试县 writes there any more']),
    );
    expect(all[all.length - 1]).toMatch(/^done: \d+ site\(s\), \d+ articles in/);
    // neither or both of --site and --all: refused with the usage
    expect(await runCli(['portal-rebuild'], url, { out: () => undefined, err: (l) => err.push(l), readPassword: async () => '' }, env)).toBe(2);
    expect(err.join('\n')).toContain('give either --site <key>');
  });

  // last: takes the migration down and up again on this suite's database
  it('the migration numbers existing articles in publication order, and the next write produces the new layout', async () => {
    const key = 'sites/legacy';
    await ds.query(`INSERT INTO portal_sites (site_key, organisation_id) VALUES ($1, $2)`, [key, orgId]);
    const qr = ds.createQueryRunner();
    try {
      await new PortalPagedLists1732009000000().down(qr);
      const site: SiteInfo = { siteName: '旧网站', siteDomain: 'old.gov.cn', siteIdCode: '9999000010', baseUrl: 'http://x/legacy' };
      for (const n of [3, 1, 2, 4, 5]) {
        const a = article(site, 300 + n, { category: n % 2 ? '教育' : '交通' });
        a.publishedAt = new Date(Date.UTC(2025, 0, n)).toISOString();
        if (n === 4) Object.assign(a, { withdrawn: true, withdrawnAt: '2025-02-01T00:00:00Z' });
        await qr.query(`INSERT INTO portal_articles (site_key, item_id, version_no, withdrawn, article) VALUES ($1, $2, 1, $3, $4)`, [
          key,
          a.snapshot.itemId,
          a.withdrawn,
          JSON.stringify(a),
        ]);
      }
      await new PortalPagedLists1732009000000().up(qr);
    } finally {
      await qr.release();
    }
    const rows = await ds.query(`SELECT item_id, seq::int, category, col_seq::int FROM portal_articles WHERE site_key = $1 ORDER BY seq`, [key]);
    expect(rows.map((r: { item_id: string }) => Number(r.item_id.slice(-12)) - 300)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.map((r: { col_seq: number }) => r.col_seq)).toEqual([1, 1, 2, 2, 3]);
    expect(await ds.query(`SELECT category, max_col_seq::int, live_count::int FROM portal_columns WHERE site_key = $1 ORDER BY category`, [key])).toEqual([
      { category: '交通', max_col_seq: 2, live_count: 1 },
      { category: '教育', max_col_seq: 3, live_count: 3 },
    ]);
    const [siteRow] = await ds.query(`SELECT max_seq::int, layout FROM portal_sites WHERE site_key = $1`, [key]);
    expect(siteRow).toEqual({ max_seq: 5, layout: 0 });

    // the old layout's single-page files, then the first write after the upgrade
    const dir = path.join(tmp, key);
    await fs.mkdir(path.join(dir, 'columns'), { recursive: true });
    await fs.writeFile(path.join(dir, 'sitemap.xml'), '<urlset>旧的站点地图</urlset>');
    await fs.writeFile(path.join(dir, 'index.html'), '旧的首页');
    await fs.writeFile(path.join(dir, 'columns', `${columnSlug('交通')}.html`), '旧的栏目页');
    const site: SiteInfo = { siteName: '旧网站', siteDomain: 'old.gov.cn', siteIdCode: '9999000010', baseUrl: 'http://x/legacy' };
    const writer = new PortalSiteWriter(dir, site, new PgPortalState(ds, key));
    await writer.publish(article(site, 306));
    const read = (rel: string) => fs.readFile(path.join(dir, rel), 'utf8');
    expect(await read('sitemap.xml')).toContain('<sitemapindex');
    expect(listed(await read('index.html'))).toEqual(expect.arrayContaining([301, 302, 303, 305, 306]));
    expect(listed(await read(`columns/${columnSlug('交通')}.html`))).toEqual([302]);
    expect(listed(await read('catalogue/1.html'))).toEqual([306, 305, 303, 302, 301]);
    expect((await ds.query(`SELECT layout FROM portal_sites WHERE site_key = $1`, [key]))[0].layout).toBeGreaterThan(0);
  });
});
