import type { AuthUser } from '@app/common/auth/auth-user';
import { DEFAULT_REVIEW_POLICY, effectivePolicySql } from './review-policy';
import { ROUND_SQL } from './review-reads';

/** Placeholders of the statement the condition goes into (`$2`, `:me`, ...). */
export interface ReviewQueuePlaceholders {
  /** The user's id. */
  me: string;
  /** reviewQueueParams(user).grants: the user's grants as jsonb text. */
  grants: string;
  /** reviewQueueParams(user).defaultPolicy: the default policy as jsonb text. */
  defaultPolicy: string;
}

/**
 * SQL condition on the item aliased `i` (the alias ROUND_SQL names): it waits at a level this user
 * decides — submitted, not written by them, the next level's role (the review policy in force for the
 * item's organisation) held by them on the organisation or an ancestor, no level of this round decided
 * by them yet, and nothing of the version under review changed by them (four eyes). The review queue,
 * its count in the navigation and the items list's 待我审核 view all ask this one question.
 */
export function awaitingReviewerSql(p: ReviewQueuePlaceholders): string {
  return `(i.status = 'submitted' AND i.author_id <> ${p.me}
    AND EXISTS (SELECT 1 FROM organisations o CROSS JOIN LATERAL (SELECT COALESCE(${effectivePolicySql('o')}, CAST(${p.defaultPolicy} AS jsonb)) AS p) pol
                 WHERE o.id = i.organisation_id AND EXISTS (SELECT 1 FROM jsonb_to_recordset(CAST(${p.grants} AS jsonb)) g(org uuid, role text)
                   WHERE g.role = pol.p -> LEAST(i.review_level, jsonb_array_length(pol.p) - 1) ->> 'role' AND o.path LIKE '%/' || g.org || '/%'))
    AND NOT EXISTS (SELECT 1 FROM review_decisions rd WHERE rd.item_id = i.id AND rd.reviewer_id = ${p.me} AND rd.decision = 'approve' AND rd.round = ${ROUND_SQL})
    AND NOT EXISTS (SELECT 1 FROM item_contributions c WHERE c.item_id = i.id AND c.base_version = i.current_version_no AND c.user_id = ${p.me} AND c.action IN ('create', 'change')))`;
}

/** The values for the grants and default-policy placeholders. */
export function reviewQueueParams(user: Pick<AuthUser, 'roles'>): { grants: string; defaultPolicy: string } {
  return {
    grants: JSON.stringify(user.roles.map((g) => ({ org: g.organisationId, role: g.role }))),
    defaultPolicy: JSON.stringify(DEFAULT_REVIEW_POLICY),
  };
}

/**
 * SQL: when the item `i` was last submitted (its submission record, not its last change), computed from
 * item_contributions. The queue reads items.submitted_at instead (set by the submission, indexed:
 * migration 1732009700000); this stays for the lists bench's baseline (bench/scale/lists.ts).
 */
export const SUBMITTED_AT_SQL = `(SELECT max(c.at) FROM item_contributions c WHERE c.item_id = i.id AND c.action = 'submit')`;
