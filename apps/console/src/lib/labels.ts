/** Chinese labels for the API's English values. */
export const KIND_LABELS: Record<string, string> = {
  regulation: '规章',
  normative: '行政规范性文件',
  interpretation: '政策解读',
  response: '回应关切',
  personnel: '人事任免',
  notice: '通知公告',
  other: '其他',
};
export const KINDS = Object.keys(KIND_LABELS);

export const STATUS_LABELS: Record<string, string> = {
  draft: '草稿',
  submitted: '待审核',
  approved: '已审核',
  rejected: '已退回',
  published: '已发布',
  withdrawn: '已撤回',
};

export const ROLE_LABELS: Record<string, string> = {
  editor: '信息员',
  reviewer: '审核人',
  operator: '渠道运维',
  statistician: '统计员',
  admin: '管理员',
};
export const ROLES = Object.keys(ROLE_LABELS);

export const DELIVERY_STATE_LABELS: Record<string, string> = {
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

export const DISCLOSURE_ATTRS = ['主动公开', '依申请公开', '不予公开'];
export const VALIDITIES = ['有效', '修改', '废止', '失效'];
/** 主题分类 as used by county 信息公开目录 (the API accepts any short text). */
export const CATEGORIES = [
  '综合政务', '国民经济管理', '财政、金融、审计', '国土资源、能源', '农业、林业、水利', '工业、交通', '商贸、海关、旅游',
  '市场监管、安全生产监管', '城乡建设、环境保护', '科技、教育', '文化、广电、新闻出版', '卫生、体育', '人口与计划生育、妇女儿童工作',
  '劳动、人事、监察', '公安、安全、司法', '民政、扶贫、救灾', '民族、宗教', '对外事务', '港澳台侨工作', '国防', '其他',
];
export const SECRECY_CONCLUSIONS = ['经保密审查，不涉及国家秘密，同意公开', '经保密审查，不涉及国家秘密、工作秘密，同意公开', '经保密审查，已删除敏感内容后同意公开'];

export const FIELD_LABELS: Record<string, string> = {
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
  status: '状态',
  reason: '理由',
  file: '文件',
};

export function label(map: Record<string, string>, v: string | null | undefined): string {
  return v ? (map[v] ?? v) : '';
}

export function fmtTime(s: string | null | undefined): string {
  if (!s) return '';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
