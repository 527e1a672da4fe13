import { promises as fs } from 'fs';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { writeFileAtomic } from '../portal/atomic-write';
import { publishUploadsInto } from '../portal/publish-uploads';
import { UploadStore } from '../portal/upload-store';
import { loadGazetteContext } from './gazette-context';
import { GazetteIssue } from './gazette-issue.entity';
import { issuePath, PublishedIssueView, renderAtom, renderIndexPage, renderIssuePage, renderOpenData } from './gazette-templates';

/** Second key of pg_advisory_lock(int, int) for the gazette's page writing. */
const SITE_LOCK_NS = 727274101;

/**
 * The electronic edition: pages of published issues, the index, the Atom feed and the open data,
 * derived from Postgres and rewritable byte-identically at any time. Used by GazetteIssueService.
 */
export class GazetteSiteWriter {
  private uploadStore: UploadStore | null = null;
  private get uploads(): UploadStore {
    return (this.uploadStore ??= new UploadStore(this.config, this.ds));
  }

  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Writes the pages of published issues not written yet (or missing on disk), then the index, the
   * Atom feed and the open data, atomically. One writer per gazette at a time (advisory lock), so a
   * slow writer never replaces a newer index with an older one.
   */
  async writeSite(accountId: string): Promise<{ pages: number; issues: number; dir: string }> {
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [SITE_LOCK_NS, accountId]);
      const ctx = await loadGazetteContext(this.ds.manager, this.config, accountId);
      const issues = await this.ds.getRepository(GazetteIssue).find({ where: { channelAccountId: accountId, status: 'published' }, order: { totalNo: 'ASC' } });
      const catalogue: { entry_id: string; issue_id: string; category: string | null; validity: string | null }[] = await this.ds.query(
        `SELECT e.id AS entry_id, e.issue_id, v.snapshot->>'category' AS category, v.snapshot->>'validity' AS validity
           FROM gazette_entries e JOIN gazette_issues i ON i.id = e.issue_id JOIN item_versions v ON v.id = e.item_version_id
          WHERE e.channel_account_id = $1 AND i.status = 'published' AND NOT e.is_erratum`,
        [accountId],
      );
      const views: PublishedIssueView[] = issues.map((i) => ({
        id: i.id,
        year: i.year,
        issueNo: i.issueNo,
        totalNo: i.totalNo,
        publishedAt: i.publishedAt!.toISOString(),
        toc: i.toc,
        articles: {},
        catalogue: Object.fromEntries(catalogue.filter((c) => c.issue_id === i.id).map((c) => [c.entry_id, { category: c.category, validity: c.validity }])),
      }));
      const written: string[] = [];
      for (const [k, i] of issues.entries()) {
        const file = path.join(ctx.dir, issuePath(i));
        const exists = await fs.stat(file).then(
          () => true,
          () => false,
        );
        if (i.siteWrittenAt && exists) continue;
        const snaps: { id: string; snapshot: ItemSnapshot }[] = await this.ds.query(
          `SELECT e.id, v.snapshot FROM gazette_entries e JOIN item_versions v ON v.id = e.item_version_id WHERE e.issue_id = $1 AND NOT e.is_erratum`,
          [i.id],
        );
        // The items' private uploads go public with the issue: copies under the gazette's directory (issue 12.2).
        const articles: [string, ItemSnapshot][] = [];
        for (const s of snaps) articles.push([s.id, await publishUploadsInto(this.uploads, s.snapshot, ctx.dir, ctx.site.baseUrl)]);
        const view = { ...views[k], articles: Object.fromEntries(articles) };
        await writeFileAtomic(file, renderIssuePage(ctx.site, view));
        written.push(i.id);
      }
      await writeFileAtomic(path.join(ctx.dir, 'index.html'), renderIndexPage(ctx.site, views));
      await writeFileAtomic(path.join(ctx.dir, 'atom.xml'), renderAtom(ctx.site, views));
      await writeFileAtomic(path.join(ctx.dir, 'open-data.json'), renderOpenData(ctx.site, views, new Date()));
      if (written.length)
        await this.ds.query(`UPDATE gazette_issues SET site_written_at = now() WHERE id = ANY($1::uuid[]) AND site_written_at IS NULL`, [written]);
      return { pages: written.length, issues: issues.length, dir: ctx.dir };
    } finally {
      await qr.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [SITE_LOCK_NS, accountId]).catch(() => undefined);
      await qr.release();
    }
  }

  /** Gazettes with a published issue whose page was never written (a crash after the commit). */
  async accountsWithUnwrittenPages(): Promise<string[]> {
    const rows = await this.ds.query(`SELECT DISTINCT channel_account_id FROM gazette_issues WHERE status = 'published' AND site_written_at IS NULL`);
    return rows.map((r: { channel_account_id: string }) => r.channel_account_id);
  }
}
