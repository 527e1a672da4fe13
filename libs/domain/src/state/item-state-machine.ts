import { AppError } from '@app/common/errors/app-error';
import { ITEM_STATUS_LABELS, ITEM_STATUSES, ItemStatus } from '../enums/domain-enums';

/**
 * The item's life as data: for each status, the statuses an item may move to from it. Every write of
 * `items.status` asks assertItemTransition first (in the same transaction, before anything is written),
 * so a move that is not here is refused with nothing changed. A review level passed below the last one
 * keeps the item `submitted` and is no status change.
 */
export const ITEM_TRANSITIONS: Record<ItemStatus, readonly ItemStatus[]> = {
  // submitted for review
  draft: ['submitted'],
  // the last level approves (the version is frozen), or a level rejects (back to the editor), or the
  // editor recalls it before any level decided (撤回提交, libs/review/src/review-recall.service.ts)
  submitted: ['approved', 'rejected', 'draft'],
  // its first delivery published (the engine); withdrawn; a scheduled publication called off before
  // any delivery went (back to draft); every delivery cancelled by an operator (not_published)
  approved: ['published', 'withdrawn', 'draft', 'not_published'],
  // submitted again as it is, or edited (draft)
  rejected: ['submitted', 'draft'],
  // revised (a new draft of the next version), or withdrawn
  published: ['draft', 'withdrawn'],
  withdrawn: [],
  // a cancelled delivery sent again (approved: the engine publishes it as usual), or edited (draft)
  not_published: ['approved', 'draft'],
};

/** What a user tried, for the refusal ("不能提交审核"); the status change itself names the rest. */
const ACTIONS: Partial<Record<ItemStatus, string>> = {
  submitted: '提交审核',
  approved: '审核通过',
  rejected: '退回',
  withdrawn: '撤回（只有已审核或已发布的信息可以撤回）',
  draft: '修改',
  published: '发布',
};

export function isItemStatus(s: string): s is ItemStatus {
  return (ITEM_STATUSES as readonly string[]).includes(s);
}

export function canItemTransition(from: string, to: string): boolean {
  return isItemStatus(from) && isItemStatus(to) && ITEM_TRANSITIONS[from].includes(to);
}

/** Throws 409 INVALID_TRANSITION (field `status`, the current status as reason) unless the table allows `from` → `to`. */
export function assertItemTransition(from: string, to: ItemStatus): void {
  if (canItemTransition(from, to)) return;
  const label = ITEM_STATUS_LABELS[from as ItemStatus] ?? from;
  throw AppError.conflict('INVALID_TRANSITION', `信息当前状态为「${label}」，不能${ACTIONS[to] ?? `变为「${ITEM_STATUS_LABELS[to]}」`}`, [
    { field: 'status', reason: from },
  ]);
}

/** The statuses the table allows into `to` (a guarded statement's `status IN (…)`). */
export function itemSourcesOf(to: ItemStatus): ItemStatus[] {
  return ITEM_STATUSES.filter((s) => ITEM_TRANSITIONS[s].includes(to));
}
