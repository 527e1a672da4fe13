/**
 * bench:scale, portal part (issue 17 point 1): the cost of publishing one more article into a site of
 * 300 and of 30,000 articles (BENCH_SCALE scales the larger one, at least 1,000), their ratio (target
 * ≤ 1.5), the files a publication writes and the full rebuild's rate (`npm run portal:rebuild`'s code
 * path). Baseline in the same run, on the same sites and the same kind of publications: the old
 * whole-site list rewrite (portal-baseline.ts), after the same state save and article page.
 *
 * Alone: node -r @swc-node/register bench/scale/portal.ts (BENCH_SCALE, BENCH_KEEP_DB, DATABASE_URL).
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { appDataSourceOptions } from '@app/composition/app-database';
import { writeFileAtomic } from '@app/channels/portal/atomic-write';
import { PgPortalState } from '@app/channels/portal/pg-portal-state';
import { PortalSiteWriter } from '@app/channels/portal/portal-site.writer';
import { articlePath, PortalArticle, renderArticle, SiteInfo } from '@app/channels/portal/portal-templates';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { withDatabase } from '@app/test/utils/test-env';
import { bulkPortalArticles } from '@app/test/channels/portal-bulk';
import { oldWriteLists } from './portal-baseline';
import { runAlone } from './bench-part';

type Figures = Record<string, number | boolean | string>;

const CATEGORIES = ['综合政务', '教育', '卫生健康', '交通运输', '城乡建设', '农业农村', '财政', '民政', '生态环境', '市场监管', '应急管理', '文化旅游'];
const PUBLICATIONS = Number(process.env.BENCH_PORTAL_PUBLICATIONS ?? 15);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, d = 1) => Number(x.toFixed(d));

function newArticle(site: SiteInfo, n: number): PortalArticle {
  const id = randomUUID();
  const snapshot = {
    itemId: id,
    versionNo: 1,
    title: `基准新发布信息${n}`,
    bodyHtml: `<p>基准正文${n}。</p>`,
    summary: '',
    indexNo: `bench-new-${n}`,
    docNo: null,
    issuingBody: '示范县人民政府',
    writtenDate: '2026-12-01',
    publishDate: '2026-12-02',
    category: CATEGORIES[n % CATEGORIES.length],
    disclosureAttr: '主动公开',
    validity: '有效',
    repealedDate: null,
    kind: 'notice',
    policyItemId: null,
    attachments: [],
  } as unknown as ItemSnapshot;
  return { snapshot, url: `${site.baseUrl}/${articlePath(id)}`, path: articlePath(id), publishedAt: new Date().toISOString(), withdrawn: false };
}

export async function runPortal(opts: { scale: number; log: (m: string) => void }): Promise<Figures> {
  const { log } = opts;
  const small = 300;
  const large = Math.max(1000, Math.round(30_000 * opts.scale));
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `portal_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const ds = new DataSource(appDataSourceOptions(withDatabase(adminUrl, dbName)));
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'portal-bench-'));
  try {
    await ds.initialize();
    await runMigrationsLocked(ds);
    const [{ id: orgId }] = await ds.query(`INSERT INTO organisations (code, name, level, path) VALUES ('bench', '示范县', 'county', 'x') RETURNING id`);
    const out: Figures = {};
    let n = 0;
    interface BenchSite {
      label: string;
      size: number;
      key: string;
      site: SiteInfo;
      state: PgPortalState;
      writer: PortalSiteWriter;
      oldDir: string;
      costs: number[];
      baseline: number[];
      files: number;
      oldFiles: number;
    }
    const sites: BenchSite[] = [];
    for (const [label, size] of [
      ['300', small],
      ['30000', large],
    ] as const) {
      const key = `sites/s${label}`;
      const site: SiteInfo = { siteName: '示范县人民政府', siteDomain: 'www.sfx.gov.cn', siteIdCode: '9999000001', baseUrl: `https://www.sfx.gov.cn/${key}` };
      await ds.query(`INSERT INTO portal_sites (site_key, organisation_id) VALUES ($1, $2)`, [key, orgId]);
      let t = Date.now();
      await bulkPortalArticles(ds, key, site.baseUrl, size, CATEGORIES);
      await ds.query(`ANALYZE portal_articles`);
      log(`site of ${size} articles inserted in ${Date.now() - t} ms`);
      const state = new PgPortalState(ds, key);
      const writer = new PortalSiteWriter(path.join(tmp, key), site, state);
      t = Date.now();
      let lastLog = 0;
      const r = await writer.rebuild({
        articles: true,
        progress: (done, total) => {
          if (Date.now() - lastLog > 2000 || done === total) log(`rebuild ${label}: ${done}/${total} articles`);
          lastLog = Date.now();
        },
      });
      const rebuildSecs = (Date.now() - t) / 1000;
      const rate = r.articles / rebuildSecs;
      log(`full rebuild of ${r.articles} articles: ${rebuildSecs.toFixed(1)} s, ${Math.round(rate)} articles/s, ${writer.filesWritten} files`);
      out[`portalRebuildArticlesPerSec${label}`] = Math.round(rate);
      if (label === '30000') {
        out.portalRebuildArticlesPerSec = Math.round(rate);
        out.portalLargeSiteArticles = size;
      }
      // the old layout, written once, so the baseline rewrites real files of the same size
      const oldDir = path.join(tmp, `${key}-old`);
      await oldWriteLists(ds, key, oldDir, site);
      sites.push({ label, size, key, site, state, writer, oldDir, costs: [], baseline: [], files: 0, oldFiles: 0 });
    }

    // one publication into each site on each path, then the timed ones: the new path first, in turns
    // between the sites (a busy moment of the machine falls on both sizes alike), then the baseline (its
    // garbage, megabytes per publication at 30,000, must not land on the new path's timings)
    const publishNew = async (s: BenchSite) => {
      const before = s.writer.filesWritten;
      const t = performance.now();
      await s.writer.publish(newArticle(s.site, ++n));
      return { ms: performance.now() - t, files: s.writer.filesWritten - before };
    };
    // baseline: the same save and article page under the site lock, then the old whole-site rewrite
    const publishOld = async (s: BenchSite) => {
      const a = newArticle(s.site, ++n);
      const t = performance.now();
      await s.state.locked(async (st) => {
        await st.save(a);
        await writeFileAtomic(path.join(s.oldDir, a.path), renderArticle(s.site, a, { interpretations: [] }));
      });
      const files = 1 + (await oldWriteLists(ds, s.key, s.oldDir, s.site));
      return { ms: performance.now() - t, files };
    };
    for (const s of sites) {
      await publishNew(s);
      await publishOld(s);
    }
    for (let i = 0; i < PUBLICATIONS; i++) {
      for (const s of i % 2 ? [...sites].reverse() : sites) {
        const a = await publishNew(s);
        s.costs.push(a.ms);
        s.files += a.files;
      }
    }
    for (let i = 0; i < PUBLICATIONS; i++) {
      for (const s of i % 2 ? [...sites].reverse() : sites) {
        const b = await publishOld(s);
        s.baseline.push(b.ms);
        s.oldFiles += b.files;
      }
    }
    for (const s of sites) {
      const { label } = s;
      out[`portalCost${label}Ms`] = round(median(s.costs), 2);
      out[`portalBaselineCost${label}Ms`] = round(median(s.baseline), 2);
      out[`portalFilesPerPublish${label}`] = round(s.files / PUBLICATIONS, 2);
      out[`portalBaselineFilesPerPublish${label}`] = round(s.oldFiles / PUBLICATIONS, 2);
      const indexKb = (await fs.stat(path.join(tmp, s.key, 'index.html'))).size / 1024;
      const oldIndexKb = (await fs.stat(path.join(s.oldDir, 'index.html'))).size / 1024;
      out[`portalIndexKb${label}`] = round(indexKb);
      out[`portalBaselineIndexKb${label}`] = round(oldIndexKb);
      log(
        `site ${s.size}: publish median ${out[`portalCost${label}Ms`]} ms (${out[`portalFilesPerPublish${label}`]} files), ` +
          `baseline ${out[`portalBaselineCost${label}Ms`]} ms (${out[`portalBaselineFilesPerPublish${label}`]} files); index.html ${round(indexKb)} KB vs ${round(oldIndexKb)} KB`,
      );
    }
    out.portalCostRatio = round((out.portalCost30000Ms as number) / (out.portalCost300Ms as number), 2);
    out.portalBaselineRatio = round((out.portalBaselineCost30000Ms as number) / (out.portalBaselineCost300Ms as number), 2);
    out.portalFilesPerPublish = Math.max(out.portalFilesPerPublish300 as number, out.portalFilesPerPublish30000 as number);
    out.portalCostTargetMet = (out.portalCostRatio as number) <= 1.5;
    return out;
  } finally {
    await ds.destroy().catch(() => undefined);
    await fs.rm(tmp, { recursive: true, force: true });
    if (process.env.BENCH_KEEP_DB !== '1') await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    else log(`kept database ${dbName}`);
    await admin.end();
  }
}

if (require.main === module) runAlone('portal', runPortal);
