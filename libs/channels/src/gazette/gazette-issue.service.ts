import { promises as fs } from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, portalBaseUrl, portalDir } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { ITEM_KIND_LABELS, ItemKind } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { recordPublication } from '@app/domain/services/ledger-writer';
import { returning } from '@app/domain/services/sql';
import { writeFileAtomic } from '../portal/atomic-write';
import { GazetteEntry } from './gazette-entry.entity';
import { GazetteIssue } from './gazette-issue.entity';
import { IssueNumber, issueLabel, nextIssueNumber } from './gazette-numbering';
import {
  acceptedKinds,
  effectiveSections,
  ERRATA_SECTION,
  FREQUENCY_LABELS,
  GazetteSection,
  GazetteSettings,
  parseGazetteSettings,
  sectionFor,
} from './gazette-settings';
import {
  GazetteSiteInfo,
  issuePath,
  issueUrl,
  PublishedIssueView,
  renderAtom,
  renderIndexPage,
  renderIssuePage,
  renderOpenData,
} from './gazette-templates';
import type { GazetteToc, GazetteWaiting, IssuePublished, IssueView, WaitingDelivery, WaitingErratum } from './gazette-reads.types';
import { buildToc, erratumText, TocArticleInput, TocErratumInput, tocEntries } from './gazette-toc';
import { isUuid } from '@app/common/ids/is-uuid';
import { publishUploadsInto } from '../portal/publish-uploads';
import { UploadStore } from '../portal/upload-store';

/** Everything about one gazette that compile, publish and the pages need. */
export interface GazetteContext {
  account: ChannelAccount;
  organisation: Organisation;
  settings: GazetteSettings;
  kinds: ItemKind[];
  sections: GazetteSection[];
  site: GazetteSiteInfo;
  /** Directory the pages are written to (inside the portal directory). */
  dir: string;
}

/** Second key of pg_advisory_lock(int, int) for the gazette's page writing. */
const SITE_LOCK_NS = 727274101;

/**
 * Compiles and publishes gazette issues, records errata and writes the electronic edition. Postgres
 * is the truth: the pages, feed and open data are derived from published issues and can be rewritten
 * byte-identically at any time (a published issue never changes, so neither does its page).
 */
export class GazetteIssueService {
  private readonly log = componentLogger('gazette');
  private readonly audit = new AuditService();
  private uploadStore: UploadStore | null = null;
  private get uploads(): UploadStore {
    return (this.uploadStore ??= new UploadStore(this.config, this.ds));
  }

  constructor(
    private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  // ------------------------------------------------------------------ context

  async context(accountId: string, em: EntityManager = this.ds.manager): Promise<GazetteContext> {
    const account = isUuid(accountId) ? await em.getRepository(ChannelAccount).findOneBy({ id: accountId }) : null;
    if (!account || account.channelType !== 'gazette') throw AppError.notFound('政府公报', accountId);
    const organisation = await em.getRepository(Organisation).findOneByOrFail({ id: account.organisationId });
    return this.contextFor(account, organisation);
  }

  contextFor(account: Pick<ChannelAccount, 'id' | 'name' | 'baseUrl' | 'settings'> & Partial<ChannelAccount>, organisation: Organisation): GazetteContext {
    const { settings } = parseGazetteSettings(account.settings, account.name);
    const kinds = acceptedKinds(settings, organisation.settings);
    const baseUrl = (account.baseUrl || `${portalBaseUrl(this.config)}/${settings.path}`).replace(/\/+$/, '');
    return {
      account: account as ChannelAccount,
      organisation,
      settings,
      kinds,
      sections: effectiveSections(settings, kinds),
      site: { title: settings.title, organisationName: organisation.name, publisher: settings.publisher, frequencyLabel: FREQUENCY_LABELS[settings.frequency], baseUrl },
      // Always inside PORTAL_DIR: `path` is a plain name (parseGazetteSettings), and no setting names a
      // directory of its own, so no account can make the product write elsewhere (issue 12, point 8).
      dir: path.join(path.resolve(portalDir(this.config)), settings.path),
    };
  }

  private view(i: GazetteIssue, site: GazetteSiteInfo): IssueView {
    const entries = tocEntries(i.toc ?? { sections: [] });
    return {
      id: i.id,
      channelAccountId: i.channelAccountId,
      year: i.year,
      issueNo: i.issueNo,
      totalNo: i.totalNo,
      label: issueLabel(i),
      status: i.status,
      toc: i.toc,
      articleCount: entries.filter((e) => !e.erratum).length,
      errataCount: entries.filter((e) => e.erratum).length,
      compiledAt: i.compiledAt,
      publishedAt: i.publishedAt,
      siteWrittenAt: i.siteWrittenAt,
      url: i.status === 'published' ? issueUrl(site, i) : null,
    };
  }

  // ------------------------------------------------------------------ reading

  async listIssues(accountId: string): Promise<IssueView[]> {
    const ctx = await this.context(accountId);
    const rows = await this.ds.getRepository(GazetteIssue).find({ where: { channelAccountId: accountId }, order: { totalNo: 'DESC' } });
    return rows.map((r) => this.view(r, ctx.site));
  }

  async getIssue(issueId: string): Promise<{ issue: IssueView; ctx: GazetteContext; pendingErrata: number }> {
    const row = isUuid(issueId) ? await this.ds.getRepository(GazetteIssue).findOneBy({ id: issueId }) : null;
    if (!row) throw AppError.notFound('公报期次', issueId);
    const ctx = await this.context(row.channelAccountId);
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM gazette_entries WHERE channel_account_id = $1 AND is_erratum AND issue_id IS NULL`, [row.channelAccountId]);
    return { issue: this.view(row, ctx.site), ctx, pendingErrata: n };
  }

  /** Deliveries waiting for an issue, and errata waiting for the next one. */
  async waiting(accountId: string): Promise<GazetteWaiting> {
    await this.context(accountId);
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
    const rows = await em.query(
      `SELECT year, issue_no, total_no FROM gazette_issues WHERE channel_account_id = $1 AND status = 'published' ORDER BY total_no DESC LIMIT 1`,
      [accountId],
    );
    return rows[0] ? { year: rows[0].year, issueNo: rows[0].issue_no, totalNo: rows[0].total_no } : null;
  }

  /** The label the next issue will carry (for previews). */
  async nextLabel(ctx: GazetteContext, now = new Date()): Promise<string> {
    const open = await this.ds.getRepository(GazetteIssue).findOne({ where: { channelAccountId: ctx.account.id, status: 'compiled' } });
    if (open) return issueLabel(open);
    return issueLabel(nextIssueNumber(await this.lastPublished(this.ds.manager, ctx.account.id), ctx.settings.numbering, now));
  }

  // ------------------------------------------------------------------ compiling

  /**
   * Collects every delivery of the gazette waiting for an issue, and the errata waiting for one, into
   * the issue in preparation (created, or refreshed: recompiling is allowed until it is published).
   * Returns null when there is nothing to print and no issue in preparation.
   */
  async compile(accountId: string, actorId: string | null, now = new Date()): Promise<IssueView | null> {
    const out = await this.ds.transaction(async (em) => {
      await em.query(`SELECT id FROM channel_accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      const ctx = await this.context(accountId, em);
      let issue = await em
        .getRepository(GazetteIssue)
        .createQueryBuilder('i')
        .where('i.channelAccountId = :id AND i.status <> :p', { id: accountId, p: 'published' })
        .setLock('pessimistic_write')
        .getOne();

      // A revision of an item still waiting replaces the older version: the gazette prints the latest.
      const superseded = await returning<{ id: string }>(
        em,
        `UPDATE deliveries d SET state = 'cancelled', last_error_code = 'SUPERSEDED',
                last_error_message = '已被本信息的新版本取代，公报只刊登最新版本', updated_at = now()
          WHERE d.channel_account_id = $1 AND d.state = 'awaiting_issue'
            AND EXISTS (SELECT 1 FROM deliveries n WHERE n.channel_account_id = d.channel_account_id AND n.item_id = d.item_id
                          AND n.state = 'awaiting_issue' AND n.version_no > d.version_no)
          RETURNING d.id`,
        [accountId],
      );
      for (const s of superseded) {
        await em.query(`INSERT INTO delivery_events (delivery_id, kind, from_state, to_state, message, actor_id) VALUES ($1, 'state', 'awaiting_issue', 'cancelled', $2, $3)`, [
          s.id,
          '已被新版本取代',
          actorId,
        ]);
      }

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

      const number = nextIssueNumber(await this.lastPublished(em, accountId), ctx.settings.numbering, now);
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
      const toc = buildToc(ctx.sections, articles, await this.errataOf(em, issue.id));
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
      await this.savePositions(em, toc, true);
      const hasContent = tocEntries(toc).length > 0;
      await em.getRepository(GazetteIssue).update(
        { id: issue.id },
        { year: number.year, issueNo: number.issueNo, totalNo: number.totalNo, toc, status: hasContent ? 'compiled' : 'draft', compiledAt: now, compiledBy: actorId },
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
    if (!out) return null;
    const row = await this.ds.getRepository(GazetteIssue).findOneByOrFail({ id: out.id });
    return this.view(row, out.site);
  }

  private async errataOf(em: EntityManager, issueId: string): Promise<TocErratumInput[]> {
    const rows: any[] = await em.query(
      `SELECT e.id, e.delivery_id, e.item_id, e.erratum_text, e.corrects_issue_id, e.created_at,
              v.snapshot->>'title' AS title, v.snapshot->>'docNo' AS doc_no, c.year, c.issue_no, c.total_no
         FROM gazette_entries e JOIN item_versions v ON v.id = e.item_version_id JOIN gazette_issues c ON c.id = e.corrects_issue_id
        WHERE e.issue_id = $1 AND e.is_erratum`,
      [issueId],
    );
    return rows.map((r) => ({
      entryId: r.id,
      deliveryId: r.delivery_id,
      itemId: r.item_id,
      title: r.title,
      docNo: r.doc_no,
      text: r.erratum_text,
      correctsIssueId: r.corrects_issue_id,
      correctsLabel: issueLabel({ year: r.year, issueNo: r.issue_no, totalNo: r.total_no }),
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  private async savePositions(em: EntityManager, toc: GazetteToc, onlyErrata = false) {
    for (const s of toc.sections) {
      for (const e of s.entries) {
        if (onlyErrata && !e.erratum) continue;
        await em.query(`UPDATE gazette_entries SET position = $2, section = $3 WHERE id = $1`, [e.entryId, e.position, s.title]);
      }
    }
  }

  private async articlesOf(em: EntityManager, issueId: string): Promise<(TocArticleInput & { state: string; itemVersionId: string; snapshot: ItemSnapshot })[]> {
    const rows: any[] = await em.query(
      `SELECT e.id, e.delivery_id, e.item_id, e.item_version_id, e.section, e.position, d.state, v.snapshot
         FROM gazette_entries e JOIN deliveries d ON d.id = e.delivery_id JOIN item_versions v ON v.id = e.item_version_id
        WHERE e.issue_id = $1 AND NOT e.is_erratum ORDER BY e.position`,
      [issueId],
    );
    return rows.map((r) => {
      const s: ItemSnapshot = r.snapshot;
      return {
        entryId: r.id,
        deliveryId: r.delivery_id,
        itemId: r.item_id,
        itemVersionId: r.item_version_id,
        versionNo: s.versionNo,
        title: s.title,
        docNo: s.docNo,
        issuingBody: s.issuingBody,
        writtenDate: s.writtenDate,
        kind: s.kind,
        indexNo: s.indexNo,
        approvedAt: s.approvedAt,
        section: r.section,
        position: r.position,
        state: r.state,
        snapshot: s,
      };
    });
  }

  /** The operator's order of the articles (and their sections) in an issue still in preparation. */
  async reorder(issueId: string, order: { entryId: string; section?: string }[], actorId: string): Promise<IssueView> {
    const siteOut = await this.ds.transaction(async (em) => {
      const issue = await em.getRepository(GazetteIssue).createQueryBuilder('i').where('i.id = :id', { id: issueId }).setLock('pessimistic_write').getOne();
      if (!issue) throw AppError.notFound('公报期次', issueId);
      if (issue.status === 'published') throw this.publishedError(issue);
      const ctx = await this.context(issue.channelAccountId, em);
      const articles = await this.articlesOf(em, issue.id);
      const ids = new Set(articles.map((a) => a.entryId));
      if (order.length !== ids.size || !order.every((o) => ids.has(o.entryId)) || new Set(order.map((o) => o.entryId)).size !== order.length) {
        throw AppError.validation([{ field: 'entries', reason: '须按新顺序列出本期全部文章（勘误除外），每篇一次' }]);
      }
      const titles = ctx.sections.map((s) => s.title);
      for (const o of order) {
        if (o.section !== undefined && !titles.includes(o.section)) throw AppError.validation([{ field: 'entries.section', reason: `栏目“${o.section}”不存在，可选：${titles.join('、')}` }]);
      }
      const byId = new Map(articles.map((a) => [a.entryId, a]));
      const input = order.map((o, i) => ({ ...byId.get(o.entryId)!, section: o.section ?? byId.get(o.entryId)!.section, position: i + 1 }));
      const toc = buildToc(ctx.sections, input, await this.errataOf(em, issue.id), true);
      await this.savePositions(em, toc);
      await em.getRepository(GazetteIssue).update({ id: issue.id }, { toc });
      await this.audit.record(em, { actorId, action: 'gazette.issue_reorder', entityType: 'gazette_issue', entityId: issue.id, organisationId: issue.organisationId, details: { order: order.map((o) => o.entryId) } });
      return ctx.site;
    });
    return this.view(await this.ds.getRepository(GazetteIssue).findOneByOrFail({ id: issueId }), siteOut);
  }

  private publishedError(issue: GazetteIssue) {
    return AppError.conflict(
      'GAZETTE_ISSUE_PUBLISHED',
      `${issueLabel(issue)}已于${issue.publishedAt ? new Date(issue.publishedAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10) : ''}出版，已出版的公报不能更改；更正请在下一期刊登勘误`,
      [{ field: 'status', reason: 'published' }],
    );
  }

  // ------------------------------------------------------------------ publishing

  /**
   * Publishes an issue: in ONE transaction every delivery in it becomes `published` with its ledger
   * row, errata waiting for an issue join it, and the issue is frozen. Articles whose delivery left
   * `awaiting_issue` meanwhile (the item was withdrawn) are dropped and the contents renumbered.
   * The pages, feed and open data are written after the commit (and by the schedule, if that fails).
   */
  async publish(issueId: string, actorId: string | null, now = new Date()): Promise<IssuePublished> {
    const head = isUuid(issueId) ? await this.ds.getRepository(GazetteIssue).findOneBy({ id: issueId }) : null;
    if (!head) throw AppError.notFound('公报期次', issueId);
    const site = await this.ds.transaction(async (em) => {
      // Same lock order as compile (account, then issue), then items before deliveries like the review gate.
      await em.query(`SELECT id FROM channel_accounts WHERE id = $1 FOR UPDATE`, [head.channelAccountId]);
      const issue = await em.getRepository(GazetteIssue).createQueryBuilder('i').where('i.id = :id', { id: issueId }).setLock('pessimistic_write').getOneOrFail();
      if (issue.status === 'published') throw this.publishedError(issue);
      if (issue.status !== 'compiled') throw AppError.conflict('GAZETTE_ISSUE_NOT_COMPILED', `${issueLabel(issue)}尚无可刊登的内容，请先编排`, [{ field: 'status', reason: issue.status }]);
      const ctx = await this.context(issue.channelAccountId, em);
      const last = await this.lastPublished(em, issue.channelAccountId);
      if (last && last.totalNo >= issue.totalNo) {
        throw AppError.conflict('GAZETTE_NUMBERING_STALE', `${issueLabel(issue)}的期号已被使用，请重新编排`, [{ field: 'totalNo', reason: 'stale' }]);
      }

      await em.query(`UPDATE gazette_entries SET issue_id = $2 WHERE channel_account_id = $1 AND is_erratum AND issue_id IS NULL`, [issue.channelAccountId, issue.id]);
      const candidates = await this.articlesOf(em, issue.id);
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
      const errata = await this.errataOf(em, issue.id);
      if (!live.length && !errata.length) {
        throw AppError.conflict('GAZETTE_ISSUE_EMPTY', `${issueLabel(issue)}的文章均已撤回或取消，没有可出版的内容，请重新编排`);
      }
      const toc = buildToc(ctx.sections, live, errata, true);
      await this.savePositions(em, toc);

      const url = issueUrl(ctx.site, issue);
      for (const e of tocEntries(toc)) {
        if (e.erratum) continue;
        const a = live.find((x) => x.entryId === e.entryId)!;
        const externalUrl = `${url}#${e.anchor}`;
        const externalId = `${issue.year}-${issue.issueNo}#${e.position}`;
        const res = await returning(
          em,
          `UPDATE deliveries SET state = 'published', external_id = $2, external_url = $3, published_at = $4,
                  lease_until = NULL, next_attempt_at = NULL, last_error_code = NULL, last_error_message = NULL, updated_at = now()
            WHERE id = $1 AND state = 'awaiting_issue' RETURNING id`,
          [a.deliveryId, externalId, externalUrl, now],
        );
        if (!res.length) throw new Error(`delivery ${a.deliveryId} left awaiting_issue under lock`);
        await recordPublication(em, {
          deliveryId: a.deliveryId,
          itemVersionId: a.itemVersionId,
          snapshot: a.snapshot,
          channelType: 'gazette',
          channelAccountId: issue.channelAccountId,
          publishedAt: now,
          externalUrl,
        });
        await em.query(
          `INSERT INTO delivery_events (delivery_id, kind, from_state, to_state, response, actor_id) VALUES ($1, 'state', 'awaiting_issue', 'published', $2, $3)`,
          [a.deliveryId, `${ctx.site.title} ${issueLabel(issue)} ${externalUrl}`, actorId],
        );
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
    let siteWritten = true;
    try {
      await this.writeSite(head.channelAccountId);
    } catch (e) {
      siteWritten = false;
      this.log.error({ err: (e as Error).message, issueId }, 'gazette pages not written; the schedule retries');
    }
    return { issue: this.view(await this.ds.getRepository(GazetteIssue).findOneByOrFail({ id: issueId }), site), siteWritten };
  }

  // ------------------------------------------------------------------ errata

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

  // ------------------------------------------------------------------ the electronic edition

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
      const ctx = await this.context(accountId);
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
        const exists = await fs.stat(file).then(() => true, () => false);
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
      if (written.length) await this.ds.query(`UPDATE gazette_issues SET site_written_at = now() WHERE id = ANY($1::uuid[]) AND site_written_at IS NULL`, [written]);
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
