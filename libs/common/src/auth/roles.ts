// Pure TypeScript (no imports): the console imports these values and labels too (libs/common sits below
// every other library, so the permission map beside it and the domain's entities can all use them).

/**
 * Roles are granted per organisation and apply to that organisation's whole subtree. What each role may
 * do is the permission map (libs/common/src/auth/permissions.ts). reviewer_lead (复审: the department or
 * office head) and leader (终审: the 分管领导) exist because most offices run 三审 with a different person
 * of a different rank at each level; an organisation's review policy says which role decides which level.
 */
export const ROLES = ['editor', 'reviewer', 'reviewer_lead', 'leader', 'operator', 'statistician', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  editor: '信息员',
  reviewer: '审核人',
  reviewer_lead: '审核负责人',
  leader: '分管领导',
  operator: '渠道运维',
  statistician: '统计员',
  admin: '管理员',
};
/** The role the installation's first user gets (apps/cli bootstrap): it grants every management permission. */
export const ADMIN_ROLE: Role = 'admin';
/** The role that decides the one review level of the default review policy (and of the old "N levels"). */
export const DEFAULT_REVIEWER_ROLE: Role = 'reviewer';
