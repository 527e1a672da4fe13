/**
 * An audit entry's details in words (the viewer never shows its JSON): each key the server writes has a
 * label and a way to show its value; internal keys (session ids, row ids) are left out; a key the console
 * does not know yet is shown as 其他 with its value made readable.
 */
import { DELIVERY_STATE_LABELS, FIELD_LABELS, fmtTime, ROLE_LABELS, STATUS_LABELS } from './labels';
import { channelLabel } from '../channels/catalogue';

export interface DetailLine {
  label: string;
  value: string;
}

export interface DetailContext {
  orgName(id: string): string;
  /** A lexicon's name (its category) for its id. */
  lexiconName?(id: string): string | undefined;
}

type Fmt = (v: unknown, ctx: DetailContext, action: string) => string | null;

const text: Fmt = (v) => (v === null || v === undefined || v === '' ? null : readable(v));
const count: Fmt = (v) => (typeof v === 'number' ? `${v}` : null);
const time: Fmt = (v) => (typeof v === 'string' && v ? fmtTime(v) : null);
const yesNo: Fmt = (v) => (v === true ? '是' : v === false ? '否' : null);
const fields: Fmt = (v) => (Array.isArray(v) ? v.map((f) => FIELD_LABELS[String(f)] ?? ACCOUNT_FIELDS[String(f)] ?? '其他设置').join('、') : null);
const state: Fmt = (v) => (typeof v === 'string' ? (DELIVERY_STATE_LABELS[v] ?? STATUS_LABELS[v] ?? ACCOUNT_STATUS[v] ?? '其他状态') : null);
const org: Fmt = (v, ctx) => (typeof v === 'string' ? ctx.orgName(v) || '（其他机构）' : null);
const roles: Fmt = (v, ctx) =>
  Array.isArray(v)
    ? v
        .map(
          (r: { organisationId?: string; role?: string }) => `${ctx.orgName(r.organisationId ?? '') || '其他机构'}：${ROLE_LABELS[r.role ?? ''] ?? '其他角色'}`,
        )
        .join('；') || '无'
    : null;
const mapped =
  (m: Record<string, string>): Fmt =>
  (v) =>
    typeof v === 'string' ? (m[v] ?? '其他') : null;

const ACCOUNT_FIELDS: Record<string, string> = {
  name: '名称',
  baseUrl: '接口地址',
  enabled: '启用',
  settings: '设置',
  credentials: '凭据',
  status: '状态',
  organisationId: '所属机构',
};
const ACCOUNT_STATUS: Record<string, string> = { active: '正常', paused: '已暂停', auth_failed: '授权失效', disabled: '已停用' };
const LOGIN_FAILURE: Record<string, string> = { unknown_user: '用户名不存在', inactive: '账号已停用', wrong_password: '密码错误' };
const LOCK_SCOPE: Record<string, string> = { user: '按账号', address: '按地址' };
const LEXICON_KIND: Record<string, string> = { sensitive: '敏感词', typos: '错别字', secrecy: '涉密短语', charmap: '字符映射' };
const FINDING_RULE: Record<string, string> = {
  'secrecy-mark': '密级标志',
  'secrecy-phrase': '内部或保密标识',
  'personal-mobile': '个人信息（手机号码）',
  'personal-id-card': '个人信息（身份证号）',
  'personal-bank-card': '个人信息（银行卡号）',
  'personal-address': '个人信息（住址）',
  'personal-name': '个人信息（姓名）',
  'sensitive-word': '敏感词',
  typo: '错别字',
  'attachment-unreadable': '附件无法读取',
};
const MEDIA_SOURCE: Record<string, string> = { uploaded: '新上传', cached: '沿用已上传的素材', reused: '沿用已上传的素材' };
const VIA: Record<string, string> = { cli: '服务器命令行' };

/** Keys, in the order shown; `null` leaves a key out (ids and technical values nobody reads here). */
const KEYS: Record<string, { label: string; fmt: Fmt; labelFor?: (action: string) => string | undefined } | null> = {
  title: { label: '标题', fmt: text },
  indexNo: { label: '索引号', fmt: text },
  label: { label: '名称', fmt: text, labelFor: (action) => (action.startsWith('gazette.') ? '期次' : action.startsWith('item.') ? '审核环节' : undefined) },
  name: { label: '名称', fmt: text },
  username: { label: '用户名', fmt: text },
  reason: { label: '原因', fmt: (v, ctx, action) => (action === 'auth.login_failed' ? mapped(LOGIN_FAILURE)(v, ctx, action) : text(v, ctx, action)) },
  note: { label: '说明', fmt: text },
  secrecyConclusion: { label: '保密审查结论', fmt: text },
  level: { label: '审核级', fmt: (v, _c) => (typeof v === 'number' ? `第 ${v} 级` : null) },
  of: { label: '共几级', fmt: (v) => (typeof v === 'number' ? `${v} 级` : null) },
  round: { label: '提交轮次', fmt: (v) => (typeof v === 'number' ? `第 ${v} 次` : null) },
  changed: { label: '修改的内容', fmt: fields },
  fields: { label: '修改的内容', fmt: fields },
  changes: { label: '经手人', fmt: (v) => (Array.isArray(v) ? contributions(v) : null) },
  from: { label: '原状态', fmt: (v, ctx, action) => (action === 'item.schedule' ? (time(v, ctx, action) ?? '未定时') : state(v, ctx, action)) },
  to: { label: '新状态', fmt: (v, ctx, action) => (action === 'item.schedule' ? (time(v, ctx, action) ?? '取消定时') : state(v, ctx, action)) },
  previous: { label: '原来', fmt: (v, ctx, action) => (Array.isArray(v) ? roles(v, ctx, action) : state(v, ctx, action)) },
  roles: { label: '角色', fmt: roles },
  homeOrganisationId: { label: '所属机构', fmt: org },
  parentId: { label: '上级机构', fmt: org },
  code: { label: '机构代码', fmt: text },
  channelType: { label: '渠道', fmt: (v) => (typeof v === 'string' ? (channelLabel(v) ?? '其他渠道') : null) },
  baseUrl: {
    label: '接口地址',
    fmt: (v) => (v && typeof v === 'object' ? `${(v as { from?: string }).from ?? ''} → ${(v as { to?: string }).to ?? ''}` : text(v, {} as DetailContext, '')),
  },
  externalUrl: { label: '发布地址', fmt: text },
  externalId: { label: '平台上的编号', fmt: text },
  publishAt: { label: '发布时间', fmt: time },
  deliveries: { label: '发送任务数', fmt: count },
  cancelled: { label: '取消的发送任务', fmt: count },
  withdrawing: { label: '正在撤回的渠道', fmt: count },
  backToDraft: { label: '退回草稿', fmt: yesNo },
  articles: { label: '篇目', fmt: count },
  errata: { label: '勘误', fmt: count },
  superseded: { label: '被替换的篇目', fmt: count },
  accounts: { label: '涉及的渠道账号', fmt: (v) => (Array.isArray(v) ? `${v.length} 个` : null) },
  rule: { label: '审查项', fmt: mapped(FINDING_RULE) },
  field: { label: '所在位置', fmt: (v) => (typeof v === 'string' ? (FIELD_LABELS[v] ?? (v.startsWith('attachments') ? '附件' : '正文')) : null) },
  towxname: { label: '预览微信号', fmt: text },
  mediaSource: { label: '素材', fmt: mapped(MEDIA_SOURCE) },
  kind: { label: '词库类型', fmt: mapped(LEXICON_KIND) },
  // a lexicon change's `source`: the list before it (lexicons.service.ts): shipped, shipped and changed, or the admin's own
  source: {
    label: '来源',
    fmt: (v) => (typeof v !== 'string' ? null : v === 'file' ? '系统内置' : v.startsWith('file+') ? '系统内置（已修改）' : '管理员新增'),
  },
  disabled: { label: '停用', fmt: yesNo },
  upsert: { label: '新增或修改的词条', fmt: count },
  remove: { label: '删除的词条', fmt: (v) => (Array.isArray(v) ? (v.length ? v.join('、') : null) : null) },
  opened: { label: '新发现的提醒', fmt: count },
  resolved: { label: '已解除的提醒', fmt: count },
  open: { label: '未解除的提醒', fmt: count },
  mime: { label: '文件类型', fmt: (v) => (typeof v === 'string' ? (MIME[v] ?? '其他文件') : null) },
  size: { label: '大小', fmt: (v) => (typeof v === 'number' ? `${Math.max(1, Math.round(v / 1024))} KB` : null) },
  address: { label: '来源地址', fmt: text },
  userAgent: { label: '浏览器', fmt: (v) => (typeof v === 'string' ? browserName(v) : null) },
  scope: { label: '锁定方式', fmt: mapped(LOCK_SCOPE) },
  minutes: { label: '锁定时长', fmt: (v) => (typeof v === 'number' ? `${v} 分钟` : null) },
  lockouts: { label: '累计锁定次数', fmt: count },
  failures: { label: '失败次数', fmt: count },
  lockedUntil: { label: '锁定至', fmt: time },
  before: { label: '原审核流程', fmt: (v) => policy(v) },
  after: { label: '新审核流程', fmt: (v) => policy(v) },
  via: { label: '操作方式', fmt: mapped(VIA) },
  organisationCode: { label: '机构代码', fmt: text },
  status: { label: '状态', fmt: state },
  // ids and technical values: the entry's own columns already name the object
  sessionId: null,
  version: null,
  findings: null,
  accountId: null,
  msgId: null,
  order: null,
  dropped: null,
};

const MIME: Record<string, string> = {
  'image/png': '图片',
  'image/jpeg': '图片',
  'image/gif': '图片',
  'image/webp': '图片',
  'application/pdf': '文档（便携式）',
  'application/msword': '文档（文字处理）',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '文档（文字处理）',
  'application/vnd.ms-excel': '表格',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '表格',
};

export function auditDetailLines(action: string, details: Record<string, unknown>, ctx: DetailContext): DetailLine[] {
  const out: DetailLine[] = [];
  const keys = Object.keys(details ?? {});
  const known = Object.keys(KEYS).filter((k) => keys.includes(k));
  for (const k of [...known, ...keys.filter((x) => !(x in KEYS))]) {
    const spec = k in KEYS ? KEYS[k] : { label: '其他', fmt: text };
    if (!spec) continue;
    const value = spec.fmt(details[k], ctx, action);
    if (value !== null && value !== '') out.push({ label: spec.labelFor?.(action) ?? spec.label, value });
  }
  return out;
}

const CONTRIBUTION: Record<string, string> = { create: '创建', change: '修改', submit: '提交', redact: '脱敏' };

/** Who worked on the approved version and how: "editor（创建、提交）；reviewer2（修改：标题）". */
function contributions(list: { username?: string; action?: string; fields?: string[] }[]): string {
  const byUser = new Map<string, Set<string>>();
  for (const c of list) {
    const did =
      c.action === 'change' && c.fields?.length
        ? `修改：${c.fields.map((f) => FIELD_LABELS[f] ?? '其他').join('、')}`
        : (CONTRIBUTION[c.action ?? ''] ?? '经手');
    const user = c.username ?? '某用户';
    byUser.set(user, (byUser.get(user) ?? new Set()).add(did));
  }
  return [...byUser].map(([u, did]) => `${u}（${[...did].join('、')}）`).join('；');
}

/** A value of a key the console has no words for, without braces or quotes. */
function readable(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map(readable).filter(Boolean).join('、');
  return Object.values(v as Record<string, unknown>)
    .map(readable)
    .filter(Boolean)
    .join('，');
}

function policy(v: unknown): string | null {
  const levels = Array.isArray(v)
    ? v
    : v && typeof v === 'object' && Array.isArray((v as { levels?: unknown }).levels)
      ? (v as { levels: unknown[] }).levels
      : null;
  if (!levels) return v === null ? '默认' : null;
  return `${levels.length} 级：${levels.map((l: { label?: string; role?: string }) => `${l.label ?? ''}（${ROLE_LABELS[l.role ?? ''] ?? '其他角色'}）`).join(' → ')}`;
}

/** The browser family of a user-agent string, in the words users know (the string itself in a tooltip). */
export function browserName(ua: string): string {
  if (/MicroMessenger/i.test(ua)) return '微信内置浏览器';
  if (/Edg\//.test(ua)) return '微软浏览器';
  if (/QQBrowser/i.test(ua)) return '腾讯浏览器';
  if (/360SE|360EE/i.test(ua)) return '360浏览器';
  if (/Firefox\//.test(ua)) return '火狐浏览器';
  if (/Chrom(e|ium)\//.test(ua)) return '谷歌浏览器';
  if (/Safari\//.test(ua)) return '苹果浏览器';
  if (/axios|curl|node|python/i.test(ua)) return '程序调用';
  return '其他浏览器';
}
