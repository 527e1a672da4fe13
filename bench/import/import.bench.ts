/**
 * `npm run bench:import` (issue 18 "Done when"): imports a generated old site of 10,000 articles
 * (BENCH_SCALE × 10,000, at least 50) served from a local http server, through the real runner in a
 * worker context (own database, own portal directory), and prints articles per second and the peak
 * resident memory of the process; the last line is JSON (`articlesPerSec`, `peakRssMb`).
 * BENCH_KEEP_DB=1 keeps the database.
 */
import 'reflect-metadata';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/common/config/app-config';
import { runMigrationsLocked } from '@app/persistence/data-source';
import { appDataSourceOptions } from '@app/composition/app-database';
import { seedDemo } from '@app/domain/seed/demo-seed';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { SiteImportRunner } from '@app/imports/site/site-import.runner';
import { withDatabase } from '@app/test/utils/test-env';
import { createWorkerApp } from '../../apps/worker/src/worker-app';

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function article(i: number): string {
  const d = new Date(Date.UTC(2024, 0, 1) + (i % 366) * 86_400_000).toISOString().slice(0, 10);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="SiteName" content="示范县人民政府">
<meta name="ColumnName" content="通知公告"><meta name="ArticleTitle" content="示范县第${i}号通知"><meta name="PubDate" content="${d} 10:00">
<meta name="ContentSource" content="示范县人民政府办公室"><meta name="Description" content="第${i}号通知"></head><body>
<table class="xxgk"><tr><th>索 引 号：</th><td>BENCH-2024-${String(i).padStart(6, '0')}</td><th>发布机构：</th><td>示范县人民政府办公室</td></tr>
<tr><th>成文日期：</th><td>${d}</td><th>文 号：</th><td>无</td></tr><tr><th>主题分类：</th><td>综合政务</td><th>有 效 性：</th><td>有效</td></tr></table>
<div id="zoom">${'<p style="text-indent:2em">这是一段用于性能测试的正文内容，县政府各部门按照要求认真落实。</p>'.repeat(8)}</div></body></html>`;
}

async function serveSite(n: number): Promise<{ base: string; close: () => Promise<void> }> {
  let base = '';
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    if (p === '/sitemap.xml') {
      const locs = Array.from({ length: n }, (_, i) => `<url><loc>${base}/art/t${i}.html</loc></url>`).join('');
      return res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0"?><urlset>${locs}</urlset>`);
    }
    const m = /^\/art\/t(\d+)\.html$/.exec(p);
    if (m && Number(m[1]) < n) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(article(Number(m[1])));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function runImport(opts: { scale: number; log: (m: string) => void }): Promise<Record<string, number>> {
  const n = Math.max(50, Math.round(10_000 * opts.scale));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gd-bench-import-'));
  const dbName = `gd_bench_import_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const dbUrl = withDatabase(ADMIN_URL, dbName);
  const site = await serveSite(n);
  let app: Awaited<ReturnType<typeof createWorkerApp>> | null = null;
  try {
    const mds = new DataSource(appDataSourceOptions(dbUrl, { poolMax: 2 }));
    await mds.initialize();
    await runMigrationsLocked(mds);
    await mds.destroy();
    const config = loadConfig({}, {
      DATABASE_URL: dbUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      ENCRYPTION_KEY: 'b'.repeat(64),
      JWT_SECRET: 'bench-jwt-secret-0123456789',
      QUEUE_PREFIX: `bench-import-${randomBytes(3).toString('hex')}`,
      DATA_DIR: dir,
      PORTAL_DIR: path.join(dir, 'portal'),
      PORTAL_BASE_URL: 'http://127.0.0.1:1/site',
      IMPORT_ALLOWED_HOSTS: '127.0.0.1',
      IMPORT_INTERVAL_MS: 0,
      IMPORT_CONCURRENCY: 4,
      MIGRATIONS_RUN: false,
    } as never);
    app = await createWorkerApp(config);
    await app.init();
    const ds = app.get(DataSource);
    const seed = await seedDemo(ds, {
      password: 'bench-password-1',
      encryptionKey: config.ENCRYPTION_KEY,
      portalBaseUrl: 'http://127.0.0.1:1/site',
      channelTypes: app.get(ChannelRegistry).types(),
    });
    const [imp] = await ds.query(
      `INSERT INTO site_imports (organisation_id, account_id, source_url, dry_run, state, created_by) VALUES ($1, $2, $3, false, 'queued', $4) RETURNING id`,
      [seed.orgs['sfx'], seed.accounts['portal:示范县人民政府门户网站'], `${site.base}/sitemap.xml`, seed.users['admin']],
    );
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const t0 = Date.now();
    await app.get(SiteImportRunner).run(imp.id);
    const secs = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    const [r] = await ds.query(
      `SELECT count(*) FILTER (WHERE state = 'done')::int AS done, count(*) FILTER (WHERE state = 'failed')::int AS failed FROM site_import_pages WHERE import_id = $1`,
      [imp.id],
    );
    opts.log(`imported ${r.done}/${n} articles (${r.failed} failed) in ${secs.toFixed(1)} s`);
    return {
      articles: r.done,
      failed: r.failed,
      seconds: Number(secs.toFixed(2)),
      articlesPerSec: Number((r.done / secs).toFixed(1)),
      peakRssMb: Math.round(peak / 1024 / 1024),
    };
  } finally {
    await app?.close();
    await site.close();
    if (process.env.BENCH_KEEP_DB !== '1') await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  runImport({ scale: Number(process.env.BENCH_SCALE ?? 1), log: (m) => console.log(m) })
    .then((r) => {
      console.log(JSON.stringify(r));
      process.exit(0);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
