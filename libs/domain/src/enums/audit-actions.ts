// Pure data (no imports): the console bundles it for the audit viewer and the item's 办理记录.
// audit-actions.spec.ts fails when the server writes an action that has no label here. Keep the
// labels of actions no longer written: their rows stay in the log for good.

/** Every audit action the server writes, in words, grouped as the viewer's filter offers them. */
export const AUDIT_ACTION_GROUPS: readonly { label: string; actions: Readonly<Record<string, string>> }[] = [
  {
    label: '信息办理',
    actions: {
      'item.create': '创建信息',
      'item.update': '修改信息',
      'item.revise': '修订已发布信息',
      'item.submit': '提交审核',
      'item.submit_blocked': '提交被拦截（密级标志）',
      'item.recall': '撤回提交',
      'item.approve': '审核通过（终审）',
      'item.approve_level': '本级审核通过',
      'item.reject': '退回修改',
      'item.withdraw': '撤回已发布信息',
      'item.revision_manual_needed': '修订版需人工处理',
      'item.not_published': '各渠道发布均已取消，未发布',
      'item.wechat_preview': '发送微信手机预览',
      'item.schedule': '设置定时发布',
      'item.schedule_cancel': '取消定时发布',
      'finding.keep': '保留审查发现',
      'finding.redact': '脱敏处理',
      'upload.create': '上传文件',
    },
  },
  {
    label: '发布运维',
    actions: {
      'delivery.retry': '重新发送',
      'delivery.cancel': '取消发送',
      'delivery.mark_published': '人工确认已发布',
      'delivery.mark_withdrawn': '人工确认已撤回',
      'channel_account.restore': '恢复渠道账号',
      'gazette.issue_compile': '编排公报',
      'gazette.issue_reorder': '调整公报目录顺序',
      'gazette.issue_publish': '出版公报',
      'compliance.deadline_scan': '执行到期检查',
      'compliance.inspection_remind': '发送检查提醒',
    },
  },
  {
    label: '系统管理',
    actions: {
      'organisation.create': '新建机构',
      'organisation.update': '修改机构',
      'organisation.review_policy': '修改审核流程',
      'notification.webhook': '设置通知转发',
      'channel_account.create': '新建渠道账号',
      'channel_account.update': '修改渠道账号',
      'user.create': '新建用户',
      'user.roles': '修改用户角色',
      'user.activate': '启用用户',
      'user.deactivate': '停用用户',
      'user.password_reset': '重置密码',
      'user.unlock': '解除登录锁定',
      'lexicon.update': '修改词库',
      'lexicon.entries': '修改词条',
      'lexicon.revert': '恢复词库（撤销修改）',
      'installation.bootstrap': '初始化系统（首个机构和管理员）',
      'people.import': '批量导入机构和用户',
      'user.password_set': '通过一次性链接设置密码',
      'user.password_link': '生成设置密码链接',
    },
  },
  {
    label: '统计',
    actions: {
      'stats.manual_copy': '复制上年手工填报数',
      'stats.sender_register': '登记报送单位公钥',
      'stats.bundle_import': '导入下级报送的统计报表',
      'stats.bundle_return': '退回下级报送的统计报表',
      'stats.bundle_accept': '采纳下级报送的统计报表',
      'stats.report_reopen': '重新打开已封存的统计报表（退回重填）',
    },
  },
  {
    label: '登录',
    actions: {
      'auth.login': '登录',
      'auth.logout': '退出登录',
      'auth.login_failed': '登录失败',
      'auth.login_locked': '登录被拒绝（已锁定）',
      'auth.login_busy': '登录被拒绝（同一账号同时登录过多）',
      'auth.lockout': '多次失败，锁定登录',
    },
  },
];

export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = Object.assign({}, ...AUDIT_ACTION_GROUPS.map((g) => g.actions));

/** The action in words; one the console does not know yet is called what it is about, never by its code. */
export function auditActionLabel(action: string): string {
  const known = AUDIT_ACTION_LABELS[action];
  if (known) return known;
  const area = AUDIT_AREAS[action.split('.')[0]];
  return area ? `${area}的其他操作` : '其他操作';
}

const AUDIT_AREAS: Readonly<Record<string, string>> = {
  item: '信息',
  finding: '审查发现',
  upload: '文件',
  delivery: '发送任务',
  channel_account: '渠道账号',
  gazette: '公报',
  compliance: '合规检查',
  organisation: '机构',
  user: '用户',
  lexicon: '词库',
  auth: '登录',
  notification: '通知',
  stats: '统计',
};
