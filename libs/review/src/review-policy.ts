import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { roleGrants } from '@app/common/auth/permissions';
import { DEFAULT_REVIEWER_ROLE, ROLE_LABELS, ROLES, type Role } from '@app/common/auth/roles';
import type { ReviewLevelSpec } from '@app/domain/entities/organisation.types';

/**
 * An organisation's review policy (先审查、后公开): the ordered levels an item passes before it is
 * frozen and published, each with its label, the role that decides it and whether it records the
 * 保密审查 conclusion. Stored on the organisation (`organisations.review_policy`); an organisation
 * without its own inherits its nearest ancestor's, and the root falls back to DEFAULT_REVIEW_POLICY.
 *
 * Rules (reviewPolicyProblems): 1–5 levels; each label non-empty (at most 20 characters) and different
 * from the others; each role one that takes part in review (grants `item.review`, so the person deciding
 * sees the review queue; an editor or operator never decides a level); the LAST level records the
 * 保密审查 conclusion, since it is the level that freezes the version, and earlier levels may record it
 * too (offices that check secrecy at 初审 as well).
 */
export type ReviewPolicy = ReviewLevelSpec[];

export const MAX_REVIEW_LEVELS = 5;
const MAX_LABEL = 20;

/** Today's behaviour, and the root's default: one level, decided by a reviewer, recording secrecy. */
export const DEFAULT_REVIEW_POLICY: ReviewPolicy = [{ label: '审核', role: DEFAULT_REVIEWER_ROLE, recordsSecrecy: true }];

/**
 * The policy that stands for the old integer "number of review levels": that many reviewer levels,
 * each recording the 保密审查 conclusion (as every level did). Same labels as migration 1732006200000.
 */
export function legacyReviewPolicy(levels: number): ReviewPolicy {
  const n = Math.max(1, Math.min(MAX_REVIEW_LEVELS, Math.trunc(levels)));
  const numerals = ['一', '二', '三', '四', '五'];
  const label = (i: number) => (n === 1 ? '审核' : i === 1 ? '初审' : i === n ? '终审' : i === 2 ? '复审' : `${numerals[i - 1]}审`);
  return Array.from({ length: n }, (_, k) => ({ label: label(k + 1), role: DEFAULT_REVIEWER_ROLE, recordsSecrecy: true }));
}

/** What is wrong with `levels` as a policy (empty when it is a valid one), fields named `levels.<i>.<key>`. */
export function reviewPolicyProblems(levels: unknown): FieldProblem[] {
  if (!Array.isArray(levels)) return [{ field: 'levels', reason: '审核级别须为列表' }];
  const out: FieldProblem[] = [];
  if (levels.length < 1 || levels.length > MAX_REVIEW_LEVELS) out.push({ field: 'levels', reason: `审核级别须为 1 至 ${MAX_REVIEW_LEVELS} 级` });
  const seen = new Set<string>();
  levels.forEach((raw, i) => {
    const at = `levels.${i}`;
    const l = (raw ?? {}) as Partial<Record<keyof ReviewLevelSpec, unknown>>;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return void out.push({ field: at, reason: '须为 { label, role, recordsSecrecy }' });
    const extra = Object.keys(l).filter((k) => !['label', 'role', 'recordsSecrecy'].includes(k));
    for (const k of extra) out.push({ field: `${at}.${k}`, reason: 'unknown field' });
    const label = typeof l.label === 'string' ? l.label.trim() : '';
    if (!label) out.push({ field: `${at}.label`, reason: '级别名称不能为空' });
    else if ([...label].length > MAX_LABEL) out.push({ field: `${at}.label`, reason: `级别名称最多 ${MAX_LABEL} 个字` });
    else if (seen.has(label)) out.push({ field: `${at}.label`, reason: `级别名称「${label}」重复` });
    seen.add(label);
    if (typeof l.role !== 'string' || !(ROLES as readonly string[]).includes(l.role))
      out.push({ field: `${at}.role`, reason: `不是已知的角色：${String(l.role)}` });
    else if (!roleGrants(l.role as Role, 'item.review'))
      out.push({ field: `${at}.role`, reason: `「${ROLE_LABELS[l.role as Role]}」不参与审核，不能决定审核级别` });
    if (typeof l.recordsSecrecy !== 'boolean') out.push({ field: `${at}.recordsSecrecy`, reason: '须为 true 或 false' });
    else if (i === levels.length - 1 && !l.recordsSecrecy)
      out.push({ field: `${at}.recordsSecrecy`, reason: '最后一级须记录保密审查结论（它冻结发布的版本）' });
  });
  return out;
}

/** The policy as stored: labels trimmed, nothing else kept. Throws 400 VALIDATION_FAILED naming each problem. */
export function normaliseReviewPolicy(levels: unknown): ReviewPolicy {
  const problems = reviewPolicyProblems(levels);
  if (problems.length) throw AppError.validation(problems);
  return (levels as ReviewLevelSpec[]).map((l) => ({ label: l.label.trim(), role: l.role, recordsSecrecy: l.recordsSecrecy }));
}

/**
 * SQL: the review policy in force for the organisation aliased `org` (its own, else its nearest
 * ancestor's, else NULL for the default), as jsonb. `path` is indexed; the ancestors are few.
 */
export function effectivePolicySql(org: string): string {
  return `(SELECT a.review_policy FROM organisations a
            WHERE a.review_policy IS NOT NULL AND ${org}.path LIKE a.path || '%' ORDER BY length(a.path) DESC LIMIT 1)`;
}

/** The stored (possibly null) policy as a usable one. */
export function policyOrDefault(stored: ReviewPolicy | null | undefined): ReviewPolicy {
  return stored?.length ? stored : DEFAULT_REVIEW_POLICY;
}
