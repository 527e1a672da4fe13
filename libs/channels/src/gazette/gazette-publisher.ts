import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { AuditService } from '@app/domain/services/audit.service';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { loadGazetteContext } from './gazette-context';
import { articlesOf, errataOf, lastPublishedIssue, publishedError, savePositions } from './gazette-entries';
import { GazetteIssue } from './gazette-issue.entity';
import { issueLabel } from './gazette-numbering';
import { ERRATA_SECTION } from './gazette-settings';
import { GazetteSiteInfo, issueUrl } from './gazette-templates';
import { buildToc, erratumText, tocEntries } from './gazette-toc';

/**
 * Publishing an issue (its deliveries become published with their ledger rows, in one transaction) and
 * the errata that withdrawn published articles leave for the next issue. Used by GazetteIssueService.
 */
export class GazettePublisher {
  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Publishes an issue: in ONE transaction every delivery in it becomes `published` with its ledger
   * row, errata waiting for an issue join it, and the issue is frozen. Articles whose delivery left
   * `awaiting_issue` meanwhile (the item was withdrawn) are dropped and the contents renumbered.
   * The pages, feed and open data are written after the commit by GazetteIssueService.publish.
   */
  async publish(issueId: string, actorId: string | null, now = new Date()): Promise<{ accountId: string; site: GazetteSiteInfo }> {
    const head = isUuid(issueId) ? await this.ds.getRepository(GazetteIssue).findOneBy({ id: issueId }) : null;
    if (!head) throw AppError.notFound('公报期次', issueId);
    const site = await this.ds.transaction(async (em) => {
      // Same lock order as compile (account, then issue), then items before deliveries like the review gate.
      await em.query(`SELECT id FROM channel_accounts WHERE id = $1 FOR UPDATE`, [head.channelAccountId]);
      const issue = await em
        .getRepository(GazetteIssue)
        .createQueryBuilder('i')
        .where('i.id = :id', { id: issueId })
        .setLock('pessimistic_write')
        .getOneOrFail();
      if (issue.status === 'published') throw publishedError(issue);
      if (issue.status !== 'compiled')
        throw AppError.conflict('GAZETTE_ISSUE_NOT_COMPILED', `${issueLabel(issue)}尚无可刊登的内容，请先编排`, [{ field: 'status', reason: issue.status }]);
      const ctx = await loadGazetteContext(em, this.config, issue.channelAccountId);
      const last = await lastPublishedIssue(em, issue.channelAccountId);
      if (last && last.totalNo >= issue.totalNo) {
        throw AppError.conflict('GAZETTE_NUMBERING_STALE', `${issueLabel(issue)}的期号已被使用，请重新编排`, [{ field: 'totalNo', reason: 'stale' }]);
      }

      await em.query(`UPDATE gazette_entries SET issue_id = $2 WHERE channel_account_id = $1 AND is_erratum AND issue_id IS NULL`, [
        issue.channelAccountId,
        issue.id,
      ]);
      const candidates = await articlesOf(em, issue.id);
      if (candidates.length) {
        await em.query(`SELECT id FROM items WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [[...new Set(candidates.map((c) => c.itemId))]]);
        await em.query(`SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [candidates.map((c) => c.deliveryId)]);
      }
      const states: { id: string; state: string }[] = candidates.length
        ? await em.query(`SELECT id, state FROM deliveries WHERE id = ANY($1::uuid[])`, [candidates.map((c) => c.deliveryId)])
        : [];
      const stateOf = new Map(states.map((s) => [s.id, s.state]));
      const live = candidates.filter((c) => stateOf.get(c.deliveryId) === 'awaiting_issue');
      const dropped = candidates.filter((c) => stateOf.get(c.deliveryId) !== 'awaiting_issue');
      if (dropped.length) await em.query(`DELETE FROM gazette_entries WHERE id = ANY($1::uuid[])`, [dropped.map((d) => d.entryId)]);
      const errata = await errataOf(em, issue.id);
      if (!live.length && !errata.length) {
        throw AppError.conflict('GAZETTE_ISSUE_EMPTY', `${issueLabel(issue)}的文章均已撤回或取消，没有可出版的内容，请重新编排`);
      }
      const toc = buildToc(ctx.sections, live, errata, true);
      await savePositions(em, toc);

      const url = issueUrl(ctx.site, issue);
      for (const e of tocEntries(toc)) {
        if (e.erratum) continue;
        const a = live.find((x) => x.entryId === e.entryId)!;
        const externalUrl = `${url}#${e.anchor}`;
        const externalId = `${issue.year}-${issue.issueNo}#${e.position}`;
        // The delivery published with its ledger row and state event, through the one writer of delivery states.
        const published = await new DeliveryStateRepository(this.ds).markPublished(
          {
            deliveryId: a.deliveryId,
            itemVersionId: a.itemVersionId,
            snapshot: a.snapshot,
            channelType: 'gazette',
            channelAccountId: issue.channelAccountId,
            reportRow: 'gazette',
            newMedia: false,
            externalId,
            externalUrl,
            publishedAt: now,
            guard: { fromStates: ['awaiting_issue'] },
            actorId,
            stateResponse: `${ctx.site.title} ${issueLabel(issue)} ${externalUrl}`,
          },
          em,
        );
        if (!published) throw new Error(`delivery ${a.deliveryId} left awaiting_issue under lock`);
      }
      await em.getRepository(GazetteIssue).update({ id: issue.id }, { status: 'published', toc, publishedAt: now, publishedBy: actorId });
      await this.audit.record(em, {
        actorId,
        action: 'gazette.issue_publish',
        entityType: 'gazette_issue',
        entityId: issue.id,
        organisationId: issue.organisationId,
        details: { label: issueLabel(issue), articles: live.length, errata: errata.length, dropped: dropped.map((d) => d.deliveryId) },
      });
      return ctx.site;
    });
    return { accountId: head.channelAccountId, site };
  }

  /**
   * A published article was withdrawn: its issue cannot change, so a 勘误 waits for the next issue.
   * Idempotent (one erratum per delivery). Returns false when the delivery was never printed.
   */
  async recordErratum(deliveryId: string, reason: string | null, at: Date): Promise<{ recorded: boolean; text?: string }> {
    return this.ds.transaction(async (em) => {
      const rows: any[] = await em.query(
        `SELECT e.channel_account_id, e.item_id, e.item_version_id, e.issue_id, i.year, i.issue_no, i.total_no, i.status,
                v.snapshot->>'title' AS title, v.snapshot->>'docNo' AS doc_no
           FROM gazette_entries e JOIN gazette_issues i ON i.id = e.issue_id JOIN item_versions v ON v.id = e.item_version_id
          WHERE e.delivery_id = $1 AND NOT e.is_erratum`,
        [deliveryId],
      );
      const r = rows[0];
      if (!r || r.status !== 'published') return { recorded: false };
      const existing = await em.query(`SELECT erratum_text FROM gazette_entries WHERE delivery_id = $1 AND is_erratum`, [deliveryId]);
      if (existing[0]) return { recorded: true, text: existing[0].erratum_text };
      const text = erratumText({
        title: r.title,
        docNo: r.doc_no,
        issueLabel: issueLabel({ year: r.year, issueNo: r.issue_no, totalNo: r.total_no }),
        withdrawnOn: new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10),
        reason,
      });
      await em.query(
        `INSERT INTO gazette_entries (channel_account_id, issue_id, delivery_id, item_id, item_version_id, section, is_erratum, erratum_text, corrects_issue_id)
         VALUES ($1, NULL, $2, $3, $4, $5, true, $6, $7) ON CONFLICT (delivery_id) WHERE is_erratum DO NOTHING`,
        [r.channel_account_id, deliveryId, r.item_id, r.item_version_id, ERRATA_SECTION, text, r.issue_id],
      );
      return { recorded: true, text };
    });
  }
}
