import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { GazetteIssue } from './gazette-issue.entity';
import { IssueNumber, issueLabel } from './gazette-numbering';
import type { GazetteToc } from './gazette-reads.types';
import { TocArticleInput, TocErratumInput } from './gazette-toc';

// Reads and writes of an issue's entries (articles and errata), shared by compiling and publishing.

/** The number of the gazette's last published issue (null: none yet). */
export async function lastPublishedIssue(em: EntityManager, accountId: string): Promise<IssueNumber | null> {
  const rows = await em.query(
    `SELECT year, issue_no, total_no FROM gazette_issues WHERE channel_account_id = $1 AND status = 'published' ORDER BY total_no DESC LIMIT 1`,
    [accountId],
  );
  return rows[0] ? { year: rows[0].year, issueNo: rows[0].issue_no, totalNo: rows[0].total_no } : null;
}

export async function errataOf(em: EntityManager, issueId: string): Promise<TocErratumInput[]> {
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

export async function savePositions(em: EntityManager, toc: GazetteToc, onlyErrata = false) {
  for (const s of toc.sections) {
    for (const e of s.entries) {
      if (onlyErrata && !e.erratum) continue;
      await em.query(`UPDATE gazette_entries SET position = $2, section = $3 WHERE id = $1`, [e.entryId, e.position, s.title]);
    }
  }
}

export async function articlesOf(
  em: EntityManager,
  issueId: string,
): Promise<(TocArticleInput & { state: string; itemVersionId: string; snapshot: ItemSnapshot })[]> {
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

export function publishedError(issue: GazetteIssue) {
  return AppError.conflict(
    'GAZETTE_ISSUE_PUBLISHED',
    `${issueLabel(issue)}已于${issue.publishedAt ? new Date(issue.publishedAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10) : ''}出版，已出版的公报不能更改；更正请在下一期刊登勘误`,
    [{ field: 'status', reason: 'published' }],
  );
}
