import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { AppConfig, importAllowedHosts } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { FanoutService } from '@app/channels/engine/fanout.service';
import { WORKER_NAME } from '@app/channels/engine/delivery-worker.service';
import { PortalAdapter } from '@app/channels/portal/portal.adapter';
import { UploadStore } from '@app/channels/portal/upload-store';
import { parseArticlePage } from './article-page';
import { ArticleWriter, type ImportTarget, type PageNote } from './article-writer';
import { decodeText } from './html-decode';
import { articleOf, type ImportedArticle } from './imported-article';
import { ImportFetcher, PageProblem } from './import-fetcher';
import { RobotsRules } from './robots';
import { readSourceList } from './source-list';

const MAX_LISTS = 50;
const MAX_PAGES = 100_000;

/** How long a run's lease lasts without renewal, and how often the run renews it. */
const LEASE_MS = 60_000;
const RENEW_MS = 15_000;

/** busy: another run holds the import's lease (the worker looks again later). */
export interface RunResult {
  busy: boolean;
}

interface Lease {
  owner: string;
  lost: boolean;
}

interface ImportRow {
  id: string;
  organisation_id: string;
  account_id: string;
  source_url: string;
  dry_run: boolean;
  state: string;
  created_by: string;
}

type LeasedImport = ImportRow & { lease: Lease };

/**
 * Runs one site import (a BullMQ job in the worker): reads the source list (sitemap, feed or column
 * pages) into one row per page, reads every page (bounded concurrency, requests spaced, robots.txt
 * honoured), then writes the articles (policies before their interpretations, so the link is set at
 * once). Every step is recorded per page in Postgres: a run that stops (restart, pause) starts again
 * where it was, pages already read or written are skipped. A dry run reads and reports, writes nothing.
 */
@Injectable()
export class SiteImportRunner {
  private readonly log = componentLogger('site-import');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly store: UploadStore,
    private readonly portal: PortalAdapter,
    private readonly fanout: FanoutService,
    private readonly accounts: AccountStore,
  ) {}

  fetcher(): ImportFetcher {
    return new ImportFetcher({ allowedHosts: importAllowedHosts(this.config), intervalMs: this.config.IMPORT_INTERVAL_MS });
  }

  /**
   * Runs the import if nobody else does. The run holds a lease on the import (renewed while it runs):
   * a second run of the same import — a job BullMQ thought stalled and gave another worker, two workers
   * started at once — finds the lease held and answers `busy` (the worker looks again later) instead
   * of reading and writing the pages a second time. A run that loses its lease stops at the next page.
   */
  async run(importId: string): Promise<RunResult> {
    const lease: Lease = { owner: `${WORKER_NAME}:${randomUUID()}`, lost: false };
    // an UPDATE ... RETURNING answers [rows, affected] through TypeORM
    const [rows]: [ImportRow[], number] = await this.ds.query(
      `UPDATE site_imports SET state = 'running', lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond', updated_at = now()
        WHERE id = $1 AND state IN ('queued', 'running') AND (lease_owner IS NULL OR lease_until < now()) RETURNING *`,
      [importId, lease.owner, LEASE_MS],
    );
    const imp = rows[0];
    if (!imp) {
      const held: { lease_until: Date }[] = await this.ds.query(
        `SELECT lease_until FROM site_imports WHERE id = $1 AND state IN ('queued', 'running') AND lease_owner IS NOT NULL AND lease_until >= now()`,
        [importId],
      );
      return held[0] ? { busy: true } : { busy: false };
    }
    const renew = setInterval(() => {
      void this.ds
        .query(`UPDATE site_imports SET lease_until = now() + $3 * interval '1 millisecond' WHERE id = $1 AND lease_owner = $2`, [
          imp.id,
          lease.owner,
          LEASE_MS,
        ])
        .then(([, n]: [unknown, number]) => {
          if (!n) lease.lost = true;
        })
        .catch((e) => this.log.warn({ importId, err: (e as Error).message }, 'site import lease renewal failed'));
    }, RENEW_MS);
    try {
      await this.runLeased({ ...imp, lease });
    } finally {
      clearInterval(renew);
      await this.ds.query(`UPDATE site_imports SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`, [imp.id, lease.owner]);
    }
    return { busy: false };
  }

  private async runLeased(imp: LeasedImport): Promise<void> {
    const importId = imp.id;
    try {
      const f = this.fetcher();
      const robots = await this.robots(f, imp.source_url);
      const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM site_import_pages WHERE import_id = $1`, [imp.id]);
      if (n === 0) await this.discover(imp, f, robots);
      if (!(await this.readPages(imp, f, robots))) return;
      if (!imp.dry_run && !(await this.writePages(imp, f))) return;
      await this.ds.query(
        `UPDATE site_imports SET state = 'done', finished_at = now(), updated_at = now() WHERE id = $1 AND state = 'running' AND lease_owner = $2`,
        [imp.id, imp.lease.owner],
      );
    } catch (e) {
      const reason = e instanceof PageProblem ? e.reason : `导入中断：${(e as Error).message}`;
      this.log.warn({ importId, err: (e as Error).message }, 'site import failed');
      if (e instanceof PageProblem && !e.permanent) {
        // BullMQ retries; pages done stay done. The reason shows meanwhile.
        await this.ds.query(`UPDATE site_imports SET error = $2, updated_at = now() WHERE id = $1`, [imp.id, reason]);
        throw e;
      }
      await this.ds.query(`UPDATE site_imports SET state = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE id = $1 AND lease_owner = $3`, [
        imp.id,
        reason,
        imp.lease.owner,
      ]);
    }
  }

  private async robots(f: ImportFetcher, source: string): Promise<RobotsRules> {
    try {
      const r = await f.get(new URL('/robots.txt', source).toString(), 512 * 1024);
      return RobotsRules.parse(r.data.toString('utf8'));
    } catch (e) {
      if (e instanceof PageProblem) return RobotsRules.allowAll();
      throw e;
    }
  }

  /** Whether this run goes on: the import is still running (not paused) and this run still holds its lease. */
  private async stillRunning(imp: LeasedImport): Promise<boolean> {
    if (imp.lease.lost) return false;
    const r = await this.ds.query(`SELECT state, lease_owner FROM site_imports WHERE id = $1`, [imp.id]);
    return r[0]?.state === 'running' && r[0]?.lease_owner === imp.lease.owner;
  }

  private async discover(imp: ImportRow, f: ImportFetcher, robots: RobotsRules): Promise<void> {
    const lists = [imp.source_url];
    const seen = new Set(lists);
    const pages: string[] = [];
    for (let i = 0; i < lists.length && i < MAX_LISTS; i++) {
      if (!robots.allows(lists[i])) {
        if (i === 0) throw new PageProblem(`robots.txt 不允许抓取该地址：${lists[i]}`);
        continue;
      }
      let list;
      try {
        list = readSourceList(await f.get(lists[i]));
      } catch (e) {
        if (i === 0 || !(e instanceof PageProblem)) throw e;
        continue;
      }
      for (const m of list.more) {
        if (seen.has(m)) continue;
        seen.add(m);
        lists.push(m);
      }
      for (const p of list.pages) if (!pages.includes(p) && pages.length < MAX_PAGES) pages.push(p);
    }
    if (!pages.length) throw new PageProblem('在该地址没有找到任何文章页面（支持网站地图、RSS 和栏目列表页）');
    await this.ds.transaction(async (em) => {
      for (let i = 0; i < pages.length; i += 1000) {
        const chunk = pages.slice(i, i + 1000);
        const blocked = chunk.map((p) => !robots.allows(p));
        await em.query(
          `INSERT INTO site_import_pages (import_id, url, seq, state, reason)
           SELECT $1, u, $2::int + o::int, CASE WHEN b THEN 'failed' ELSE 'pending' END, CASE WHEN b THEN 'robots.txt 不允许抓取此页面' END
             FROM unnest($3::text[], $4::boolean[]) WITH ORDINALITY AS x(u, b, o)
           ON CONFLICT DO NOTHING`,
          [imp.id, i, chunk, blocked],
        );
      }
      await em.query(`UPDATE site_imports SET total = $2, updated_at = now() WHERE id = $1`, [imp.id, pages.length]);
    });
  }

  private async target(imp: ImportRow): Promise<ImportTarget> {
    const { account } = await this.accounts.load(imp.account_id);
    const org = await this.ds.query(`SELECT name FROM organisations WHERE id = $1`, [imp.organisation_id]);
    return { importId: imp.id, organisationId: imp.organisation_id, organisationName: org[0]?.name ?? '', account, actorId: imp.created_by };
  }

  /** Reads every pending page (bounded concurrency); false when the import was paused meanwhile. */
  private async readPages(imp: LeasedImport, f: ImportFetcher, robots: RobotsRules): Promise<boolean> {
    const pending: { url: string }[] = await this.ds.query(`SELECT url FROM site_import_pages WHERE import_id = $1 AND state = 'pending' ORDER BY seq`, [
      imp.id,
    ]);
    const writer = imp.dry_run ? new ArticleWriter(this.ds, f, this.store, this.portal, this.fanout) : null;
    const t = imp.dry_run ? await this.target(imp) : null;
    let next = 0;
    let paused = false;
    const lane = async () => {
      while (!paused && next < pending.length) {
        const url = pending[next++].url;
        if (!(await this.stillRunning(imp))) {
          paused = true;
          return;
        }
        await this.readPage(imp, f, robots, url, writer, t);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.config.IMPORT_CONCURRENCY) }, lane));
    return !paused;
  }

  private async readPage(imp: ImportRow, f: ImportFetcher, robots: RobotsRules, url: string, dry: ArticleWriter | null, t: ImportTarget | null): Promise<void> {
    try {
      if (!robots.allows(url)) throw new PageProblem('robots.txt 不允许抓取此页面');
      const res = await f.get(url);
      const a = articleOf(parseArticlePage(decodeText(res.data, res.contentType), url));
      if ('problem' in a) throw new PageProblem(a.problem);
      let notes: PageNote[] = [];
      let outcome: string | null = null;
      if (dry && t) {
        notes = (await dry.files(a, t, true)).notes;
        const known = await this.ds.query(`SELECT 1 FROM site_import_articles WHERE organisation_id = $1 AND source_url = $2`, [imp.organisation_id, url]);
        outcome = known.length ? 'would-update' : 'would-create';
      }
      await this.ds.query(
        `UPDATE site_import_pages SET state = $3, article = $4::jsonb, title = $5, index_no = $6, published_at = $7, problems = $8::jsonb, outcome = $9, reason = NULL
          WHERE import_id = $1 AND url = $2`,
        [imp.id, url, dry ? 'done' : 'read', dry ? null : JSON.stringify(a), a.title, a.indexNo, a.publishedAt, JSON.stringify(notes), outcome],
      );
    } catch (e) {
      if (!(e instanceof PageProblem)) throw e;
      await this.ds.query(`UPDATE site_import_pages SET state = 'failed', reason = $3 WHERE import_id = $1 AND url = $2`, [imp.id, url, e.reason]);
    }
  }

  /** Writes the pages read, policies before interpretations; false when the import was paused meanwhile. */
  private async writePages(imp: LeasedImport, f: ImportFetcher): Promise<boolean> {
    // pages written by a former run of this import take part in the links (a resumed run keeps them)
    const all: { url: string; article: ImportedArticle; item_id: string | null; state: string }[] = await this.ds.query(
      `SELECT url, article, item_id, state FROM site_import_pages WHERE import_id = $1 AND state IN ('read', 'done') AND article IS NOT NULL ORDER BY seq`,
      [imp.id],
    );
    const rows = all.filter((r) => r.state === 'read');
    if (!rows.length) return true;
    const t = await this.target(imp);
    const writer = new ArticleWriter(this.ds, f, this.store, this.portal, this.fanout);
    const ids = await this.itemIds(imp, all);
    const kinds = new Map(all.map((r) => [r.url, r.article.kind]));
    const linksTo = new Map(all.map((r) => [r.url, r.article.links]));
    const policyOf = (a: ImportedArticle): string | null => {
      if (a.kind !== 'interpretation') return null;
      const out = a.links.find((l) => ids.has(l) && kinds.get(l) !== 'interpretation');
      const back = all.find((r) => r.article.kind !== 'interpretation' && (linksTo.get(r.url) ?? []).includes(a.url));
      const url = out ?? back?.url;
      return url ? ids.get(url)! : null;
    };
    const ordered = [...rows].sort((x, y) => Number(x.article.kind === 'interpretation') - Number(y.article.kind === 'interpretation'));
    for (const r of ordered) {
      if (!(await this.stillRunning(imp))) return false;
      try {
        const w = await writer.write(r.article, t, ids.get(r.url)!, policyOf(r.article));
        await this.ds.query(
          `UPDATE site_import_pages SET state = 'done', item_id = $3, outcome = $4, problems = problems || $5::jsonb WHERE import_id = $1 AND url = $2`,
          [imp.id, r.url, w.itemId, w.outcome, JSON.stringify(w.notes)],
        );
      } catch (e) {
        if (!(e instanceof PageProblem)) throw e;
        await this.ds.query(`UPDATE site_import_pages SET state = 'failed', reason = $3 WHERE import_id = $1 AND url = $2`, [imp.id, r.url, e.reason]);
      }
    }
    return true;
  }

  /** The item each page becomes: the one a former run made, else a new id kept on the page row (a resumed run uses it again). */
  private async itemIds(imp: ImportRow, rows: { url: string; item_id: string | null }[]): Promise<Map<string, string>> {
    const known: { source_url: string; item_id: string }[] = await this.ds.query(
      `SELECT source_url, item_id FROM site_import_articles WHERE organisation_id = $1 AND source_url = ANY($2::text[])`,
      [imp.organisation_id, rows.map((r) => r.url)],
    );
    const ids = new Map(known.map((k) => [k.source_url, k.item_id]));
    for (const r of rows) {
      if (ids.has(r.url)) continue;
      const id = r.item_id ?? randomUUID();
      if (!r.item_id) await this.ds.query(`UPDATE site_import_pages SET item_id = $3 WHERE import_id = $1 AND url = $2`, [imp.id, r.url, id]);
      ids.set(r.url, id);
    }
    return ids;
  }
}
