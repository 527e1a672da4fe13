/** Roles are granted per organisation and apply to that organisation's whole subtree. */
export const ROLES = ['editor', 'reviewer', 'operator', 'statistician', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** 政务公开 item kinds. The stored value is English; the label is what users see. */
export const ITEM_KINDS = ['regulation', 'normative', 'interpretation', 'response', 'personnel', 'notice', 'other'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const ITEM_KIND_LABELS: Record<ItemKind, string> = {
  regulation: '规章',
  normative: '行政规范性文件',
  interpretation: '政策解读',
  response: '回应关切',
  personnel: '人事任免',
  notice: '通知公告',
  other: '其他',
};

export const ITEM_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'published', 'withdrawn'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** 公开属性 */
export const DISCLOSURE_ATTRS = ['主动公开', '依申请公开', '不予公开'] as const;
/** 有效性 */
export const VALIDITIES = ['有效', '修改', '废止', '失效'] as const;

export const DELIVERY_STATES = [
  'pending',
  'processing',
  'awaiting_confirmation',
  'awaiting_issue',
  'unconfirmed',
  'published',
  'withdrawing',
  'withdrawn',
  'failed',
  'cancelled',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];
/** States a delivery never leaves on its own (withdrawal of a published one is an explicit action). */
export const TERMINAL_DELIVERY_STATES: DeliveryState[] = ['published', 'withdrawn', 'failed', 'cancelled'];

export const FINDING_SEVERITIES = ['block', 'review', 'warn'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];
export const FINDING_STATUSES = ['open', 'kept', 'redacted', 'resolved'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
