import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { AuditService } from '@app/domain/services/audit.service';
import { GazetteCompiler } from './gazette-compiler';
import { GazetteContext, gazetteContextFor, issueView, loadGazetteContext } from './gazette-context';
import { lastPublishedIssue } from './gazette-entries';
import { GazetteIssue } from './gazette-issue.entity';
import { IssueNumber, issueLabel, nextIssueNumber } from './gazette-numbering';
import { GazettePublisher } from './gazette-publisher';
import type { GazetteWaiting, IssuePublished, IssueView, WaitingDelivery, WaitingErratum } from './gazette-reads.types';
import { GazetteSiteWriter } from './gazette-site-writer';

export type { GazetteContext } from './gazette-context';

/**
 * Compiles and publishes gazette issues, records errata and writes the electronic edition. Postgres
 * is the truth: the pages, feed and open data are derived from published issues and can be rewritten
 * byte-identically at any time (a published issue never changes, so neither does its page).
 *
 * The work is split by responsibility: gazette-context.ts (a gazette's context, the issue view),
 * gazette-compiler.ts (the issue in preparation), gazette-publisher.ts (publishing, errata),
 * gazette-site-writer.ts (the electronic edition), gazette-entries.ts (an issue's entries).
 */
export class GazetteIssueService {
  private readonly log = componentLogger('gazette');
  private readonly compiler: GazetteCompiler;
  private readonly publisher: GazettePublisher;
  private readonly site: GazetteSiteWriter;

  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {
    const audit = new AuditService();
    this.compiler = new GazetteCompiler(ds, config, audit);
    this.publisher = new GazettePublisher(ds, config, audit);
    this.site = new GazetteSiteWriter(ds, config);
  }

  // ------------------------------------------------------------------ context

  async context(accountId: string, em: EntityManager = this.ds.manager): Promise<GazetteContext> {
    return loadGazetteContext(em, this.config, accountId);
  }

  contextFor(account: Pick<ChannelAccount, 'id' | 'name' | 'baseUrl' | 'settings'> & Partial<ChannelAccount>, organisation: Organisation): GazetteContext {
    return gazetteContextFor(this.config, account, organisation);
  }

  // ------------------------------------------------------------------ reading

  async listIssues(accountId: string): Promise<IssueView[]> {
    const ctx = await loadGazetteContext(this.ds.manager, this.config, accountId);
    const rows = await this.ds.getRepository(GazetteIssue).find({ where: { channelAccountId: accountId }, order: { totalNo: 'DESC' } });
    return rows.map((r) => issueView(r, ctx.site));
  }

  async getIssue(issueId: string): Promise<{ issue: IssueView; ctx: GazetteContext; pendingErrata: number }> {
    const row = isUuid(issueId) ? await this.ds.getRepository(GazetteIssue).findOneBy({ id: issueId }) : null;
    if (!row) throw AppError.notFound('公报期次', issueId);
    const ctx = await loadGazetteContext(this.ds.manager, this.config, row.channelAccountId);
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM gazette_entries WHERE channel_account_id = $1 AND is_erratum AND issue_id IS NULL`, [
      row.channelAccountId,
    ]);
    return { issue: issueView(row, ctx.site), ctx, pendingErrata: n };
  }

  /** Deliveries waiting for an issue, and errata waiting for the next one. */
  async waiting(accountId: string): Promise<GazetteWaiting> {
    await loadGazetteContext(this.ds.manager, this.config, accountId);
    const deliveries = await this.ds.query<WaitingDelivery[]>(
      `SELECT d.id AS "deliveryId", d.item_id AS "itemId", d.version_no AS "versionNo", v.snapshot->>'title' AS title,
              v.snapshot->>'docNo' AS "docNo", v.snapshot->>'kind' AS kind, d.updated_at AS "waitingSince", e.issue_id AS "issueId"
         FROM deliveries d JOIN item_versions v ON v.id = d.item_version_id
         LEFT JOIN gazette_entries e ON e.delivery_id = d.id AND NOT e.is_erratum
        WHERE d.channel_account_id = $1 AND d.state = 'awaiting_issue' ORDER BY d.updated_at`,
      [accountId],
    );
    const errata = await this.ds.query<WaitingErratum[]>(
      `SELECT e.id AS "entryId", e.item_id AS "itemId", e.erratum_text AS text, e.created_at AS "createdAt"
         FROM gazette_entries e WHERE e.channel_account_id = $1 AND e.is_erratum AND e.issue_id IS NULL ORDER BY e.created_at`,
      [accountId],
    );
    return { deliveries, errata };
  }

  async lastPublished(em: EntityManager, accountId: string): Promise<IssueNumber | null> {
    return lastPublishedIssue(em, accountId);
  }

  /** The label the next issue will carry (for previews). */
  async nextLabel(ctx: GazetteContext, now = new Date()): Promise<string> {
    const open = await this.ds.getRepository(GazetteIssue).findOne({ where: { channelAccountId: ctx.account.id, status: 'compiled' } });
    if (open) return issueLabel(open);
    return issueLabel(nextIssueNumber(await lastPublishedIssue(this.ds.manager, ctx.account.id), ctx.settings.numbering, now));
  }

  // ------------------------------------------------------------------ compiling

  /**
   * Collects every delivery of the gazette waiting for an issue, and the errata waiting for one, into
   * the issue in preparation (created, or refreshed: recompiling is allowed until it is published).
   * Returns null when there is nothing to print and no issue in preparation.
   */
  async compile(accountId: string, actorId: string | null, now = new Date()): Promise<IssueView | null> {
    const out = await this.compiler.compile(accountId, actorId, now);
    if (!out) return null;
    const row = await this.ds.getRepository(GazetteIssue).findOneByOrFail({ id: out.id });
    return issueView(row, out.site);
  }

  /** The operator's order of the articles (and their sections) in an issue still in preparation. */
  async reorder(issueId: string, order: { entryId: string; section?: string }[], actorId: string): Promise<IssueView> {
    const siteOut = await this.compiler.reorder(issueId, order, actorId);
    return issueView(await this.ds.getRepository(GazetteIssue).findOneByOrFail({ id: issueId }), siteOut);
  }

  // ------------------------------------------------------------------ publishing

  /**
   * Publishes an issue: in ONE transaction every delivery in it becomes `published` with its ledger
   * row, errata waiting for an issue join it, and the issue is frozen. Articles whose delivery left
   * `awaiting_issue` meanwhile (the item was withdrawn) are dropped and the contents renumbered.
   * The pages, feed and open data are written after the commit (and by the schedule, if that fails).
   */
  async publish(issueId: string, actorId: string | null, now = new Date()): Promise<IssuePublished> {
    const { accountId, site } = await this.publisher.publish(issueId, actorId, now);
    let siteWritten = true;
    try {
      await this.writeSite(accountId);
    } catch (e) {
      siteWritten = false;
      this.log.error({ err: (e as Error).message, issueId }, 'gazette pages not written; the schedule retries');
    }
    return { issue: issueView(await this.ds.getRepository(GazetteIssue).findOneByOrFail({ id: issueId }), site), siteWritten };
  }

  // ------------------------------------------------------------------ errata

  /**
   * A published article was withdrawn: its issue cannot change, so a 勘误 waits for the next issue.
   * Idempotent (one erratum per delivery). Returns false when the delivery was never printed.
   */
  async recordErratum(deliveryId: string, reason: string | null, at: Date): Promise<{ recorded: boolean; text?: string }> {
    return this.publisher.recordErratum(deliveryId, reason, at);
  }

  // ------------------------------------------------------------------ the electronic edition

  /**
   * Writes the pages of published issues not written yet (or missing on disk), then the index, the
   * Atom feed and the open data, atomically. One writer per gazette at a time (advisory lock), so a
   * slow writer never replaces a newer index with an older one.
   */
  async writeSite(accountId: string): Promise<{ pages: number; issues: number; dir: string }> {
    return this.site.writeSite(accountId);
  }

  /** Gazettes with a published issue whose page was never written (a crash after the commit). */
  async accountsWithUnwrittenPages(): Promise<string[]> {
    return this.site.accountsWithUnwrittenPages();
  }
}
