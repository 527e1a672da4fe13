import { HttpStatus } from '@nestjs/common';
import { ITEM_FIELD_LABELS } from '@app/domain/enums/domain-enums';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import type { ReviewChange } from '@app/domain/entities/review-decision.types';

/**
 * Four eyes (先审查、后公开): nobody who created, changed (any content change since the last approval)
 * or submitted the version under review may approve it, at any level; each level is a different
 * person (level-progression.ts). A redaction a reviewer makes of a personal-data
 * finding masks a span the checker found and cannot add content: it is recorded, never disqualifying.
 */

/** A row of item_contributions as approval reads it: `round` is set on submissions. */
export interface Contribution extends ReviewChange {
  round: number | null;
}

/**
 * The contributions to the version under review (the item aliased `i`), as one JSON column, so that
 * approval reads them in its one statement (by index: item, base version).
 */
export const VERSION_CONTRIBUTIONS_SQL = `(SELECT COALESCE(json_agg(json_build_object('userId', c.user_id, 'username', u.username, 'action', c.action,
    'fields', c.fields, 'round', c.round, 'at', c.at) ORDER BY c.id), '[]'::json)
   FROM item_contributions c LEFT JOIN users u ON u.id = c.user_id WHERE c.item_id = i.id AND c.base_version = i.current_version_no)`;

/** What a user's own contributions to the version bar them from, as a refusal; null when nothing does. */
export function fourEyesRefusal(reviewerId: string, round: number, contributions: Contribution[]): AppError | null {
  const mine = contributions.filter((c) => c.userId === reviewerId);
  const created = mine.some((c) => c.action === 'create');
  const fields = [...new Set(mine.filter((c) => c.action === 'change').flatMap((c) => c.fields))];
  const submitted = mine.some((c) => c.action === 'submit' && c.round === round);
  if (!created && !fields.length && !submitted) return null;
  const details: FieldProblem[] = [];
  const did: string[] = [];
  if (created) {
    did.push('撰写');
    details.push({ field: 'authorId', reason: '本信息由您撰写' });
  }
  if (fields.length) {
    did.push(`修改（${fields.map(fieldLabel).join('、')}）`);
    for (const f of fields) details.push({ field: f, reason: `您修改了「${fieldLabel(f)}」` });
  }
  if (submitted) {
    did.push('提交审核');
    details.push({ field: 'submittedBy', reason: '本版本由您提交审核' });
  }
  return new AppError(
    HttpStatus.FORBIDDEN,
    'FOUR_EYES',
    `本版本由您${did.join('、')}，不能由您审核通过；须由未参与撰写、修改和提交的其他审核人审核（先审查、后公开）`,
    details,
  );
}

/** The review record's "who changed what": the contributions without the bookkeeping. */
export function reviewChanges(contributions: Contribution[]): ReviewChange[] {
  return contributions.map(({ userId, username, action, fields, at }) => ({ userId, username, action, fields, at }));
}

export function fieldLabel(field: string): string {
  return ITEM_FIELD_LABELS[field] ?? field;
}
