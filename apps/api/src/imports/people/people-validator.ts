import { ROLE_LABELS, ROLES, type Role } from '@app/common/auth/roles';
import type { FieldProblem } from '@app/common/errors/field-problem.types';
import type { PeopleFile, SheetRow } from './people-file-reader';
import { CODE_PATTERN, LEVELS, levelFits, MAX_LENGTH, ORG_SHEET, type OrgLevel, parseLevel, parseRoles, USER_SHEET, USERNAME_PATTERN } from './people-sheets';

/** An organisation already in the database that the file names. */
export interface ExistingOrg {
  id: string;
  code: string;
  level: string;
  path: string;
}

/** What the checks need from the database and the caller: read once, before any row is checked. */
export interface ValidationContext {
  existingOrgs: Map<string, ExistingOrg>;
  existingUsernames: Set<string>;
  /** Organisations the admin manages (subtrees included). */
  scopeIds: Set<string>;
  /** Whether the admin is an admin of a top-level organisation (may create top-level ones). */
  root: boolean;
}

export interface PlannedOrg {
  code: string;
  name: string;
  parentCode: string | null;
  level: OrgLevel;
}

export interface PlannedUser {
  username: string;
  displayName: string;
  orgCode: string;
  roles: Role[];
}

export interface PeoplePlan {
  /** Parents before their children. */
  orgs: PlannedOrg[];
  users: PlannedUser[];
  problems: FieldProblem[];
}

/** Every code and username the file names (to read the existing ones in one query each). */
export function namedKeys(file: PeopleFile): { codes: string[]; usernames: string[] } {
  const codes = new Set<string>();
  for (const r of file.orgs) for (const c of [r.cells['机构代码'], r.cells['上级机构代码']]) if (c) codes.add(c);
  for (const r of file.users) if (r.cells['所属机构代码']) codes.add(r.cells['所属机构代码']);
  return { codes: [...codes], usernames: [...new Set(file.users.map((r) => r.cells['用户名']).filter(Boolean))] };
}

/** Checks every row of both sheets and reports every problem (sheet!cell, Chinese reason); plans the writes. */
export function validatePeople(file: PeopleFile, ctx: ValidationContext): PeoplePlan {
  const problems: FieldProblem[] = [...file.problems];
  const at = (sheet: string, r: SheetRow, column: string) => `${sheet}!${file.letters[sheet]?.[column] ?? ''}${r.row}`;
  const say = (sheet: string, r: SheetRow, column: string, reason: string) => problems.push({ field: at(sheet, r, column), reason });

  // --- organisations
  const fileOrgs = new Map<string, { r: SheetRow; org: PlannedOrg }>();
  const seenCodes = new Map<string, number>();
  for (const r of file.orgs) {
    const c = r.cells;
    const code = c['机构代码'];
    const name = c['机构名称'];
    const parentCode = c['上级机构代码'] || null;
    const levelText = c['层级'];
    const before = problems.length;
    if (!code) say(ORG_SHEET, r, '机构代码', '机构代码不能为空');
    else if (code.length > MAX_LENGTH.code) say(ORG_SHEET, r, '机构代码', `机构代码过长（至多 ${MAX_LENGTH.code} 个字符）`);
    else if (!CODE_PATTERN.test(code)) say(ORG_SHEET, r, '机构代码', '机构代码只能包含字母、数字、点、横线和下划线');
    else if (seenCodes.has(code)) say(ORG_SHEET, r, '机构代码', `机构代码在本文件中重复（与第 ${seenCodes.get(code)} 行相同）：${code}`);
    else if (ctx.existingOrgs.has(code)) say(ORG_SHEET, r, '机构代码', `机构代码已存在于系统中：${code}`);
    if (code && !seenCodes.has(code)) seenCodes.set(code, r.row);
    if (!name) say(ORG_SHEET, r, '机构名称', '机构名称不能为空');
    else if ([...name].length > MAX_LENGTH.orgName) say(ORG_SHEET, r, '机构名称', `机构名称过长（至多 ${MAX_LENGTH.orgName} 个字符）`);
    const level = levelText ? parseLevel(levelText) : null;
    if (!levelText) say(ORG_SHEET, r, '层级', '层级不能为空');
    else if (!level)
      say(
        ORG_SHEET,
        r,
        '层级',
        `未知的层级「${levelText}」，可选：${Object.values(LEVELS)
          .map((l) => l.label)
          .join('、')}`,
      );
    if (parentCode && parentCode === code) say(ORG_SHEET, r, '上级机构代码', '上级机构不能是机构本身');
    if (problems.length === before && code && !fileOrgs.has(code)) fileOrgs.set(code, { r, org: { code, name, parentCode, level: level! } });
  }
  // parents: known, in scope, no cycle, level order
  const inCycle = new Set<string>();
  for (const { r, org } of fileOrgs.values()) {
    if (!org.parentCode) {
      if (!ctx.root) say(ORG_SHEET, r, '上级机构代码', '只有最上级机构的管理员可以新建顶级机构，请填写上级机构代码');
      continue;
    }
    const seen = new Set([org.code]);
    let p: string | null = org.parentCode;
    while (p && fileOrgs.has(p) && !seen.has(p)) {
      seen.add(p);
      p = fileOrgs.get(p)!.org.parentCode;
    }
    if (p && seen.has(p)) {
      inCycle.add(org.code);
      say(ORG_SHEET, r, '上级机构代码', `上级关系形成循环（${[...seen].join(' → ')} → ${p}）`);
      continue;
    }
    const parentInFile = fileOrgs.get(org.parentCode);
    const parentInDb = ctx.existingOrgs.get(org.parentCode);
    if (!parentInFile && !parentInDb) {
      // a parent row that itself failed its checks is reported on its own row
      if (!seenCodes.has(org.parentCode)) say(ORG_SHEET, r, '上级机构代码', `上级机构代码不存在（本文件和系统中都没有）：${org.parentCode}`);
      continue;
    }
    if (parentInDb && !parentInFile && !ctx.scopeIds.has(parentInDb.id)) {
      say(ORG_SHEET, r, '上级机构代码', `上级机构不在您管理的机构范围内：${org.parentCode}`);
      continue;
    }
    const parentLevel = parentInFile?.org.level ?? parentInDb!.level;
    if (!levelFits(parentLevel, org.level))
      say(
        ORG_SHEET,
        r,
        '层级',
        `层级顺序有误：「${LEVELS[org.level].label}」不能设在「${LEVELS[parentLevel as OrgLevel]?.label ?? parentLevel}」级的上级机构之下`,
      );
  }

  // --- users
  const seenNames = new Map<string, number>();
  const users: PlannedUser[] = [];
  for (const r of file.users) {
    const c = r.cells;
    const username = c['用户名'];
    const displayName = c['姓名'];
    const orgCode = c['所属机构代码'];
    const before = problems.length;
    let pending = false;
    if (!username) say(USER_SHEET, r, '用户名', '用户名不能为空');
    else if (username.length > MAX_LENGTH.username) say(USER_SHEET, r, '用户名', `用户名过长（至多 ${MAX_LENGTH.username} 个字符）`);
    else if (!USERNAME_PATTERN.test(username)) say(USER_SHEET, r, '用户名', '用户名只能包含字母、数字、点、横线、下划线和 @');
    else if (seenNames.has(username.toLowerCase()))
      say(USER_SHEET, r, '用户名', `用户名在本文件中重复（与第 ${seenNames.get(username.toLowerCase())} 行相同）：${username}`);
    else if (ctx.existingUsernames.has(username.toLowerCase())) say(USER_SHEET, r, '用户名', `用户名已存在于系统中：${username}`);
    if (username && !seenNames.has(username.toLowerCase())) seenNames.set(username.toLowerCase(), r.row);
    if (!displayName) say(USER_SHEET, r, '姓名', '姓名不能为空');
    else if ([...displayName].length > MAX_LENGTH.displayName) say(USER_SHEET, r, '姓名', `姓名过长（至多 ${MAX_LENGTH.displayName} 个字符）`);
    if (!orgCode) say(USER_SHEET, r, '所属机构代码', '所属机构代码不能为空');
    else if (!fileOrgs.has(orgCode) && !seenCodes.has(orgCode)) {
      const db = ctx.existingOrgs.get(orgCode);
      if (!db) say(USER_SHEET, r, '所属机构代码', `所属机构代码不存在（本文件和系统中都没有）：${orgCode}`);
      else if (!ctx.scopeIds.has(db.id)) say(USER_SHEET, r, '所属机构代码', `所属机构不在您管理的机构范围内：${orgCode}`);
    } else if (!fileOrgs.has(orgCode) || inCycle.has(orgCode)) pending = true; // the organisation's own row is reported
    const { roles, unknown } = parseRoles(c['角色'] ?? '');
    if (unknown.length) say(USER_SHEET, r, '角色', `未知的角色：${unknown.join('、')}（可选：${ROLES.map((x) => ROLE_LABELS[x]).join('、')}）`);
    else if (!roles.length) say(USER_SHEET, r, '角色', '角色不能为空（至少一个角色）');
    if (problems.length === before && !pending) users.push({ username, displayName, orgCode, roles });
  }

  return { orgs: parentOrder([...fileOrgs.values()].map((x) => x.org)), users, problems };
}

/** The organisations with every parent from the file before its children (a cycle-free forest). */
function parentOrder(orgs: PlannedOrg[]): PlannedOrg[] {
  const byCode = new Map(orgs.map((o) => [o.code, o]));
  const out: PlannedOrg[] = [];
  const placed = new Set<string>();
  const place = (o: PlannedOrg, depth: number) => {
    if (placed.has(o.code) || depth > orgs.length) return;
    const p = o.parentCode ? byCode.get(o.parentCode) : undefined;
    if (p) place(p, depth + 1);
    placed.add(o.code);
    out.push(o);
  };
  for (const o of orgs) place(o, 0);
  return out;
}
