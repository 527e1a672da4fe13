import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { ROLE_LABELS } from '@app/common/auth/roles';
import type { ReviewLevelSpec } from '@app/domain/entities/organisation.types';
import { policyOrDefault, type ReviewPolicy } from './review-policy';

/**
 * Level progression: which level of the policy a submitted item is at, and whether this user may decide
 * it. A level is decided by someone holding the level's role in the item's organisation or an ancestor
 * (grants apply to subtrees); nobody decides two levels of the same round (review_decisions); nobody
 * who created, changed or submitted the version approves any level (four-eyes.ts). A policy change
 * takes effect at the next decision of rounds already under way: levels passed stay passed, and when
 * the new policy has no more levels than were passed the next approval is the last.
 */
export interface LevelAt {
  /** 1-based level the next decision decides. */
  level: number;
  /** How many levels the policy has (the audit row's `of`). */
  of: number;
  spec: ReviewLevelSpec;
  /** Whether approving this level freezes the version (the last level). */
  final: boolean;
}

/** The level after `passed` levels of the round. */
export function levelAt(stored: ReviewPolicy | null | undefined, passed: number): LevelAt {
  const policy = policyOrDefault(stored);
  const level = passed + 1;
  const spec = policy[Math.min(level, policy.length) - 1];
  return { level, of: Math.max(policy.length, level), spec, final: level >= policy.length };
}

/** An earlier decision of the round by this user (the level and its label as recorded). */
export interface OwnDecision {
  level: number;
  label: string | null;
}

/**
 * Why `user` may not decide `at` for an item of the organisation whose path ids are `chain` (itself and
 * its ancestors), or null: the level's role missing (403 LEVEL_ROLE), or a level of this round already
 * decided by them (403 ALREADY_REVIEWED). Each names the field and the reason.
 */
export function levelRefusal(user: AuthUser, chain: readonly string[], at: LevelAt, own: OwnDecision | null): AppError | null {
  const inChain = new Set(chain);
  if (!user.roles.some((g) => g.role === at.spec.role && inChain.has(g.organisationId))) {
    return new AppError(403, 'LEVEL_ROLE', `「${at.spec.label}」须由${ROLE_LABELS[at.spec.role]}审核，您在本机构没有该角色`, [
      { field: 'role', reason: `第 ${at.level} 级（${at.spec.label}）由「${ROLE_LABELS[at.spec.role]}」（${at.spec.role}）决定` },
    ]);
  }
  if (own) {
    const name = own.label ? `第 ${own.level} 级（${own.label}）` : `第 ${own.level} 级`;
    return new AppError(403, 'ALREADY_REVIEWED', `您已审核本轮的${name}，同一人不能审核两级，须由其他人审核「${at.spec.label}」`, [
      { field: 'reviewerId', reason: `已审核本轮${name}` },
    ]);
  }
  return null;
}

/** The conclusion a level records: the given one (or the standard wording) where the level records it, else null. */
export function secrecyFor(at: LevelAt, given: string | undefined): string | null {
  if (!at.spec.recordsSecrecy && !at.final) {
    if (given?.trim()) {
      throw AppError.badRequest('SECRECY_NOT_AT_THIS_LEVEL', `「${at.spec.label}」不记录保密审查结论，请在记录该结论的级别填写`, [
        { field: 'secrecyConclusion', reason: `第 ${at.level} 级（${at.spec.label}）不记录保密审查结论` },
      ]);
    }
    return null;
  }
  return given?.trim() || STANDARD_SECRECY_CONCLUSION;
}

export const STANDARD_SECRECY_CONCLUSION = '经保密审查，不涉及国家秘密';
