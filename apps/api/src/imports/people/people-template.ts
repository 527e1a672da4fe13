import ExcelJS from 'exceljs';
import { ROLE_LABELS, ROLES } from '@app/common/auth/roles';
import { HELP_SHEET, LEVELS, MAX_LENGTH, ORG_COLUMNS, ORG_SHEET, USER_COLUMNS, USER_SHEET } from './people-sheets';

/** The template an office fills in: the two sheets with their header rows and one example each, and the 说明 sheet. */
export async function buildPeopleTemplate(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '政务公开发布平台';
  const orgs = wb.addWorksheet(ORG_SHEET);
  orgs.columns = ORG_COLUMNS.map((h) => ({ header: h, width: h === '机构名称' ? 32 : 16 }));
  orgs.addRow(['demo-county', '示例县人民政府', '', '县']);
  orgs.addRow(['demo-county-fgj', '示例县发展和改革局', 'demo-county', '部门']);
  const users = wb.addWorksheet(USER_SHEET);
  users.columns = USER_COLUMNS.map((h) => ({ header: h, width: h === '角色' ? 28 : 16 }));
  users.addRow(['zhangsan', '张三', 'demo-county-fgj', '信息员、审核人']);
  for (const ws of [orgs, users]) {
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  const levels = Object.values(LEVELS)
    .map((l) => l.label)
    .join('、');
  const roles = ROLES.map((r) => ROLE_LABELS[r]).join('、');
  const help = wb.addWorksheet(HELP_SHEET);
  help.columns = [
    { header: '工作表', width: 10 },
    { header: '列', width: 16 },
    { header: '说明', width: 90 },
  ];
  help.getRow(1).font = { bold: true };
  const lines: [string, string, string][] = [
    [ORG_SHEET, '机构代码', `必填，全系统唯一，字母、数字、点、横线或下划线，至多 ${MAX_LENGTH.code} 个字符；不能与已有机构重复`],
    [ORG_SHEET, '机构名称', `必填，至多 ${MAX_LENGTH.orgName} 个字符`],
    [ORG_SHEET, '上级机构代码', '本表中的机构代码或系统中已有的机构代码（须在您管理的范围内）；留空表示顶级机构（仅最上级机构的管理员可建）'],
    [ORG_SHEET, '层级', `必填，可选：${levels}；下级的层级须低于上级（部门可设在部门或乡镇之下）`],
    [USER_SHEET, '用户名', `必填，登录用，全系统唯一，字母、数字、点、横线、下划线或 @，至多 ${MAX_LENGTH.username} 个字符`],
    [USER_SHEET, '姓名', `必填，至多 ${MAX_LENGTH.displayName} 个字符`],
    [USER_SHEET, '所属机构代码', '必填，本文件机构表中的代码或系统中已有的机构代码（须在您管理的范围内）；角色授予在该机构'],
    [USER_SHEET, '角色', `必填，可选：${roles}；多个角色用顿号（、）或逗号（，）分隔`],
    ['', '密码', '文件中不填写密码：导入后为每个用户生成一次性的设置密码链接，由管理员转交本人，本人通过链接设置密码后方可登录'],
    ['', '示例', '机构表和用户表中的示例行仅供参考，填写前请删除'],
    ['', '规则', '先检查再导入：整份文件没有任何问题时才会写入，任何一处有问题都不写入，并一次列出所有问题（工作表、行、列、原因）'],
  ];
  for (const l of lines) help.addRow(l);
  help.getColumn(3).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
