import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { entityFromJson } from '@app/domain/services/sql';
import { namedQuery } from '@app/persistence/named-statements';
import { type Contribution, VERSION_CONTRIBUTIONS_SQL } from './four-eyes';
import type { OwnDecision } from './level-progression';
import { effectivePolicySql, type ReviewPolicy } from './review-policy';

/** SQL: the item `i`'s review round (one per submission). */
export const ROUND_SQL = `(SELECT count(*)::int FROM audit_logs a WHERE a.item_id = i.id AND a.action = 'item.submit')`;

/** What a review decision reads besides the item, in the item's one statement. */
export interface ReviewContext {
  item: Item;
  org: Organisation;
  /** The policy in force for the item's organisation (null: the default). */
  policy: ReviewPolicy | null;
  round: number;
  /** This user's approval of a level of this round, if any. */
  own: OwnDecision | null;
  authorName: string | null;
  findings: ComplianceFinding[];
  contributions: Contribution[];
}

/** The item `i` ($1) and what a review decision checks besides it ($2 the reviewer), in one statement. */
const REVIEW_READ_SQL = `
  SELECT to_json(i) AS ctx_item,
         (SELECT to_json(o) FROM organisations o WHERE o.id = i.organisation_id) AS ctx_org,
         (SELECT ${effectivePolicySql('o')} FROM organisations o WHERE o.id = i.organisation_id) AS ctx_policy,
         ${ROUND_SQL} AS ctx_round,
         (SELECT json_build_object('level', rd.level, 'label', rd.level_label) FROM review_decisions rd
           WHERE rd.item_id = i.id AND rd.round = ${ROUND_SQL} AND rd.reviewer_id = $2::uuid AND rd.decision = 'approve' ORDER BY rd.level LIMIT 1) AS ctx_mine,
         (SELECT display_name FROM users u WHERE u.id = i.author_id) AS ctx_author,
         (SELECT COALESCE(json_agg(f ORDER BY f.field, f.start), '[]') FROM compliance_findings f WHERE f.item_id = i.id) AS ctx_findings,
         ${VERSION_CONTRIBUTIONS_SQL} AS ctx_changes
    FROM items i WHERE i.id = $1::uuid`;

/**
 * The item under review (locked for the transaction when `lock`), with what a decision checks besides
 * it, in one statement: the organisation (role scope) and the review policy in force for it, the review
 * round, this reviewer's earlier decision of the round, the author's name for the version, the
 * compliance findings the re-scan is compared with, and who contributed to the version (four eyes).
 *
 * Unlocked (an approval's first, optimistic try: every approval of a county's morning batch) it runs
 * outside any transaction as a named statement planned once per session (named-statements.ts): planned
 * at every call it cost 1.5 ms of Postgres CPU per approval. Locked, inside the caller's transaction.
 */
export async function readForReview(ds: DataSource, em: EntityManager, id: string, reviewerId: string, lock: boolean): Promise<ReviewContext> {
  if (!isUuid(id)) throw AppError.notFound('信息', id);
  const rows: Record<string, any>[] = lock
    ? await em.query(`${REVIEW_READ_SQL} FOR UPDATE OF i`, [id, reviewerId])
    : await namedQuery(ds, 'review_read', REVIEW_READ_SQL, [id, reviewerId]);
  const r = rows[0];
  if (!r) throw AppError.notFound('信息', id);
  const item = entityFromJson(ds, Item, r.ctx_item);
  if (!r.ctx_org) throw AppError.notFound('机构', item.organisationId);
  return {
    item,
    org: entityFromJson(ds, Organisation, r.ctx_org),
    policy: (r.ctx_policy as ReviewPolicy | null) ?? null,
    round: Number(r.ctx_round),
    own: (r.ctx_mine as OwnDecision | null) ?? null,
    authorName: (r.ctx_author as string | null) ?? null,
    findings: (r.ctx_findings as Record<string, unknown>[]).map((f) => entityFromJson(ds, ComplianceFinding, f)),
    contributions: r.ctx_changes as Contribution[],
  };
}
