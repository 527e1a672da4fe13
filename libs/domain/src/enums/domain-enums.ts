// Pure TypeScript (type-only imports): the console (apps/console) imports these values and labels too.

// Roles (ROLES, ROLE_LABELS) live in libs/common/src/auth/roles.ts, beside the permission map that says
// what each may do; the type is re-exported here for the entities that store one.
export type { Role } from '../../../common/src/auth/roles';

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

export const ITEM_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'published', 'withdrawn', 'not_published'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];
export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  draft: '草稿',
  submitted: '待审核',
  approved: '已审核',
  rejected: '已退回',
  published: '已发布',
  withdrawn: '已撤回',
  /** Approved, but every delivery was cancelled before anything went out (nothing published, nothing counted). */
  not_published: '未发布（渠道已取消）',
};

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
export const DELIVERY_STATE_LABELS: Record<DeliveryState, string> = {
  pending: '等待发送',
  processing: '发送中',
  awaiting_confirmation: '等待平台确认',
  awaiting_issue: '等待编入公报',
  unconfirmed: '结果待核实',
  published: '已发布',
  withdrawing: '撤回中',
  withdrawn: '已撤回',
  failed: '失败',
  cancelled: '已取消',
};
/** States a delivery never leaves on its own (withdrawal of a published one is an explicit action). */
export const TERMINAL_DELIVERY_STATES: DeliveryState[] = ['published', 'withdrawn', 'failed', 'cancelled'];

export const FINDING_SEVERITIES = ['block', 'review', 'warn'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];
export const FINDING_STATUSES = ['open', 'kept', 'redacted', 'resolved'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** What users call an item's fields: the review record names what someone changed, the console names fields in errors. */
export const ITEM_FIELD_LABELS: Record<string, string> = {
  organisationId: '所属机构',
  title: '标题',
  bodyHtml: '正文',
  summary: '摘要',
  docNo: '文号',
  issuingBody: '发布机构',
  writtenDate: '成文日期',
  category: '主题分类',
  disclosureAttr: '公开属性',
  validity: '有效性',
  repealedDate: '废止日期',
  kind: '信息类别',
  policyItemId: '所解读的政策',
  attachments: '附件',
  targetAccountIds: '发布渠道',
  channelOverrides: '渠道设置',
  publishAt: '定时发布',
};
