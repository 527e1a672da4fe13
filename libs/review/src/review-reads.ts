import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { entityFromJson } from '@app/domain/services/sql';
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

/**
 * The item under review (locked for the transaction when `lock`), with what a decision checks besides
 * it, in one statement: the organisation (role scope) and the review policy in force for it, the review
 * round, this reviewer's earlier decision of the round, the author's name for the version, the
 * compliance findings the re-scan is compared with, and who contributed to the version (four eyes).
 */
export async function readForReview(
  ds: Pick<DataSource, 'getMetadata'>,
  em: EntityManager,
  id: string,
  reviewerId: string,
  lock: boolean,
): Promise<ReviewContext> {
  if (!isUuid(id)) throw AppError.notFound('信息', id);
  const qb = em
    .getRepository(Item)
    .createQueryBuilder('i')
    .addSelect(`(SELECT to_json(o) FROM organisations o WHERE o.id = i.organisation_id)`, 'ctx_org')
    .addSelect(`(SELECT ${effectivePolicySql('o')} FROM organisations o WHERE o.id = i.organisation_id)`, 'ctx_policy')
    .addSelect(ROUND_SQL, 'ctx_round')
    .addSelect(
      `(SELECT json_build_object('level', rd.level, 'label', rd.level_label) FROM review_decisions rd
         WHERE rd.item_id = i.id AND rd.round = ${ROUND_SQL} AND rd.reviewer_id = :reviewer AND rd.decision = 'approve' ORDER BY rd.level LIMIT 1)`,
      'ctx_mine',
    )
    .addSelect(`(SELECT display_name FROM users u WHERE u.id = i.author_id)`, 'ctx_author')
    .addSelect(`(SELECT COALESCE(json_agg(f ORDER BY f.field, f.start), '[]') FROM compliance_findings f WHERE f.item_id = i.id)`, 'ctx_findings')
    .addSelect(VERSION_CONTRIBUTIONS_SQL, 'ctx_changes')
    .where('i.id = :id', { id, reviewer: reviewerId });
  if (lock) qb.setLock('pessimistic_write');
  const { entities, raw } = await qb.getRawAndEntities();
  const item = entities[0];
  const r = raw[0];
  if (!item || !r) throw AppError.notFound('信息', id);
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
