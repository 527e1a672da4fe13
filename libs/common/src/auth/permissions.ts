import type { Role } from './roles';
import type { AuthUser } from './auth-user.types';

// Pure TypeScript (type-only relative imports): the console imports this map too, so the server and the
// console ask the same question ("may this user do X here?") and no role name is written anywhere else.

/** Every role, for what anybody holding any role in an organisation may do (see it, read its items). */
const ANY_ROLE = ['editor', 'reviewer', 'reviewer_lead', 'leader', 'operator', 'statistician', 'admin'] as const satisfies readonly Role[];
/** Roles that may decide some review level; which level each decides is the organisation's review policy. */
const REVIEW_ROLES = ['reviewer', 'reviewer_lead', 'leader'] as const satisfies readonly Role[];

/**
 * Permission → the roles that grant it. A role is granted in an organisation and applies to that
 * organisation's whole subtree. Add a permission here (one line) rather than writing a role at a call site.
 */
export const PERMISSIONS = {
  /** See the organisation and what belongs to it: items, deliveries, accounts, screens, gazettes. */
  'org.view': ANY_ROLE,
  'item.read': ANY_ROLE,
  'item.create': ['editor'],
  'item.edit': ['editor'],
  'item.submit': ['editor'],
  /** Take part in review (the queue, previews); each level is decided by the role the policy names. */
  'item.review': REVIEW_ROLES,
  /** Recall a submitted item before review ends (the author, who also holds item.submit). */
  'item.recall': ['editor'],
  'item.withdraw': ['reviewer', 'operator', 'admin'],
  /** Send the WeChat mass preview of an item under review to a phone. */
  'item.preview': REVIEW_ROLES,
  /** Decide a compliance finding as "kept" (the text stays as written). */
  'finding.keep': ['reviewer'],
  /** Decide a compliance finding as "redacted" (the text was changed). */
  'finding.redact': ['reviewer', 'editor'],
  /** Check a text while writing it (not stored). */
  'compliance.check': ['editor', 'reviewer', 'admin'],
  'deadlines.read': ['operator', 'reviewer', 'admin'],
  'deadlines.scan': ['operator', 'admin'],
  'upload.create': ['editor'],
  'delivery.operate': ['operator', 'admin'],
  /** Set or cancel an approved item's scheduled publication time. */
  'delivery.schedule': ['reviewer', 'operator', 'admin'],
  'delivery.markPublished': ['operator', 'admin'],
  'account.manage': ['admin'],
  /** Pause or resume an account, check its capabilities (not its settings or credentials). */
  'account.status': ['admin', 'operator'],
  'user.manage': ['admin'],
  'org.manage': ['admin'],
  'review-policy.manage': ['admin'],
  'stats.read': ['statistician', 'admin'],
  /** Reopen a frozen annual report (退回重填) so it can be corrected and signed off again. */
  'stats.reopen': ['statistician', 'admin'],
  /** Register the lower installations whose signed report bundles an organisation accepts (their public keys). */
  'stats.senders': ['admin'],
  'audit.read': ['admin'],
  'lexicon.read': ['admin', 'reviewer'],
  'lexicon.manage': ['admin'],
  /** Receive the notifications of a delivery that failed or waits for a person to check it (待人工核实). */
  'notification.delivery': ['operator'],
  /** Receive the notifications of a deadline coming (政策解读, 主动公开) and of channels going stale. */
  'notification.deadline': ['editor', 'operator'],
  /** See the inspection indicators (国办秘函〔2019〕19号) and the forecast breach dates of columns and accounts. */
  'inspection.read': ['editor', 'reviewer', 'reviewer_lead', 'leader', 'operator', 'statistician', 'admin'],
  /** Run the inspection reminders now (the worker runs them with every deadline scan). */
  'inspection.remind': ['operator', 'admin'],
  /** Receive the inspection reminders of a column or account nearing its update deadline (first steps). */
  'notification.inspection': ['editor'],
  /** Receive the escalated inspection reminders (the office lead: 审核负责人). */
  'notification.inspection-lead': ['reviewer_lead'],
  /** Set the organisation's notification webhook (URL and secret, to forward notifications to an SMS gateway). */
  'notification.webhook': ['admin'],
  /** Import organisations and users from an XLSX (within the admin's organisations; apps/api/src/imports/people). */
  'people.import': ['admin'],
  /** Bring in an old portal's articles (site import: items, ledger rows and portal pages of the organisation). */
  'import.site': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** The roles that grant `permission` (a fresh array, for the services that take a role list). */
export function rolesFor(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]];
}

/** Whether `role` grants `permission`. */
export function roleGrants(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Whether `user` may do `permission`: in some organisation when `organisationId` is left out (what the
 * route guard and the console's menus ask), else in that organisation. A grant applies to the granted
 * organisation's subtree, so pass `ancestorIds` (the organisation's path, itself included) when the
 * grant may sit above it; without them only a grant on the organisation itself counts.
 */
export function can(
  user: Pick<AuthUser, 'roles'> | null | undefined,
  permission: Permission,
  organisationId?: string,
  ancestorIds?: readonly string[],
): boolean {
  if (!user) return false;
  const chain = organisationId === undefined ? null : new Set([organisationId, ...(ancestorIds ?? [])]);
  return user.roles.some((g) => roleGrants(g.role, permission) && (!chain || chain.has(g.organisationId)));
}

/** The organisation ids where `user` holds a grant of `permission` (each applies to its subtree). */
export function grantOrgIds(user: Pick<AuthUser, 'roles'> | null | undefined, permission: Permission): string[] {
  return [...new Set((user?.roles ?? []).filter((g) => roleGrants(g.role, permission)).map((g) => g.organisationId))];
}
