import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { ITEM_KIND_LABELS } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { loadGazetteContext } from './gazette-context';
import { articlesOf, errataOf, lastPublishedIssue, publishedError, savePositions } from './gazette-entries';
import { GazetteEntry } from './gazette-entry.entity';
import { GazetteIssue } from './gazette-issue.entity';
import { issueLabel, nextIssueNumber } from './gazette-numbering';
import { sectionFor } from './gazette-settings';
import { GazetteSiteInfo } from './gazette-templates';
import { buildToc, TocArticleInput, tocEntries } from './gazette-toc';

/**
 * The issue in preparation: compiling the deliveries and errata waiting for an issue into it, and the
 * operator's order of its articles. Used by GazetteIssueService, which answers with the issue's view.
 */
export class GazetteCompiler {
  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Collects every delivery of the gazette waiting for an issue, and the errata waiting for one, into
   * the issue in preparation (created, or refreshed: recompiling is allowed until it is published).
   * Returns null when there is nothing to print and no issue in preparation.
   */
  async compile(accountId: string, actorId: string | null, now = new Date()): Promise<{ id: string; site: GazetteSiteInfo } | null> {
    return this.ds.transaction(async (em) => {
      await em.query(`SELECT id FROM channel_accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      const ctx = await loadGazetteContext(em, this.config, accountId);
      let issue = await em
        .getRepository(GazetteIssue)
        .createQueryBuilder('i')
        .where('i.channelAccountId = :id AND i.status <> :p', { id: accountId, p: 'published' })
        .setLock('pessimistic_write')
        .getOne();

      // A revision of an item still waiting replaces the older version: the gazette prints the latest.
      const superseded = await new DeliveryStateRepository(this.ds).cancelSupersededInIssue(em, accountId, actorId);

      const waiting: { delivery_id: string; item_id: string; item_version_id: string; snapshot: ItemSnapshot }[] = await em.query(
        `SELECT d.id AS delivery_id, d.item_id, d.item_version_id, v.snapshot
           FROM deliveries d JOIN item_versions v ON v.id = d.item_version_id
          WHERE d.channel_account_id = $1 AND d.state = 'awaiting_issue'
          ORDER BY d.created_at FOR UPDATE OF d`,
        [accountId],
      );
      const [{ n: pendingErrata }] = await em.query(
        `SELECT count(*)::int AS n FROM gazette_entries WHERE channel_account_id = $1 AND is_erratum AND (issue_id IS NULL OR issue_id = $2)`,
        [accountId, issue?.id ?? null],
      );
      if (!issue && !waiting.length && !pendingErrata) return null;

      const number = nextIssueNumber(await lastPublishedIssue(em, accountId), ctx.settings.numbering, now);
      if (!issue) {
        issue = await em.getRepository(GazetteIssue).save(
          em.getRepository(GazetteIssue).create({
            channelAccountId: accountId,
            organisationId: ctx.account.organisationId,
            ...number,
            status: 'draft',
            toc: { sections: [] },
          }),
        );
      } else {
        await em.query(`DELETE FROM gazette_entries WHERE issue_id = $1 AND NOT is_erratum`, [issue.id]);
        Object.assign(issue, number);
      }
      await em.query(`UPDATE gazette_entries SET issue_id = $2 WHERE channel_account_id = $1 AND is_erratum AND issue_id IS NULL`, [accountId, issue.id]);

      const articles: TocArticleInput[] = waiting.map((w) => {
        const s = w.snapshot;
        const sec = sectionFor(ctx.sections, s.kind, s.channelOverrides?.gazette?.section);
        return {
          entryId: randomUUID(),
          deliveryId: w.delivery_id,
          itemId: w.item_id,
          versionNo: s.versionNo,
          title: s.title,
          docNo: s.docNo,
          issuingBody: s.issuingBody,
          writtenDate: s.writtenDate,
          kind: s.kind,
          indexNo: s.indexNo,
          approvedAt: s.approvedAt,
          section: sec.section ?? ITEM_KIND_LABELS[s.kind] ?? s.kind,
        };
      });
      const toc = buildToc(ctx.sections, articles, await errataOf(em, issue.id));
      const positions = new Map(tocEntries(toc).map((e) => [e.entryId, e.position]));
      if (articles.length) {
        await em.getRepository(GazetteEntry).insert(
          articles.map((a) => ({
            id: a.entryId,
            channelAccountId: accountId,
            issueId: issue!.id,
            deliveryId: a.deliveryId,
            itemId: a.itemId,
            itemVersionId: waiting.find((w) => w.delivery_id === a.deliveryId)!.item_version_id,
            section: a.section,
            position: positions.get(a.entryId)!,
            isErratum: false,
          })),
        );
      }
      await savePositions(em, toc, true);
      const hasContent = tocEntries(toc).length > 0;
      await em.getRepository(GazetteIssue).update(
        { id: issue.id },
        {
          year: number.year,
          issueNo: number.issueNo,
          totalNo: number.totalNo,
          toc,
          status: hasContent ? 'compiled' : 'draft',
          compiledAt: now,
          compiledBy: actorId,
        },
      );
      await this.audit.record(em, {
        actorId,
        action: 'gazette.issue_compile',
        entityType: 'gazette_issue',
        entityId: issue.id,
        organisationId: ctx.account.organisationId,
        details: { label: issueLabel(number), articles: articles.length, errata: tocEntries(toc).length - articles.length, superseded: superseded.length },
      });
      return { id: issue.id, site: ctx.site };
    });
  }

  /** The operator's order of the articles (and their sections) in an issue still in preparation. */
  async reorder(issueId: string, order: { entryId: string; section?: string }[], actorId: string): Promise<GazetteSiteInfo> {
    return this.ds.transaction(async (em) => {
      const issue = await em.getRepository(GazetteIssue).createQueryBuilder('i').where('i.id = :id', { id: issueId }).setLock('pessimistic_write').getOne();
      if (!issue) throw AppError.notFound('公报期次', issueId);
      if (issue.status === 'published') throw publishedError(issue);
      const ctx = await loadGazetteContext(em, this.config, issue.channelAccountId);
      const articles = await articlesOf(em, issue.id);
      const ids = new Set(articles.map((a) => a.entryId));
      if (order.length !== ids.size || !order.every((o) => ids.has(o.entryId)) || new Set(order.map((o) => o.entryId)).size !== order.length) {
        throw AppError.validation([{ field: 'entries', reason: '须按新顺序列出本期全部文章（勘误除外），每篇一次' }]);
      }
      const titles = ctx.sections.map((s) => s.title);
      for (const o of order) {
        if (o.section !== undefined && !titles.includes(o.section))
          throw AppError.validation([{ field: 'entries.section', reason: `栏目“${o.section}”不存在，可选：${titles.join('、')}` }]);
      }
      const byId = new Map(articles.map((a) => [a.entryId, a]));
      const input = order.map((o, i) => ({ ...byId.get(o.entryId)!, section: o.section ?? byId.get(o.entryId)!.section, position: i + 1 }));
      const toc = buildToc(ctx.sections, input, await errataOf(em, issue.id), true);
      await savePositions(em, toc);
      await em.getRepository(GazetteIssue).update({ id: issue.id }, { toc });
      await this.audit.record(em, {
        actorId,
        action: 'gazette.issue_reorder',
        entityType: 'gazette_issue',
        entityId: issue.id,
        organisationId: issue.organisationId,
        details: { order: order.map((o) => o.entryId) },
      });
      return ctx.site;
    });
  }
}
