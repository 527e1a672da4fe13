import { ROLE_LABELS, ROLES, type Role } from '@app/common/auth/roles';

// The XLSX layout of the people and structure import: sheet and column names (the header row), the
// organisation levels the product knows (apps/cli bootstrap, the console's organisations tab) and the
// role names as the console shows them. The template (people-template.ts) and the reader share them.

export const ORG_SHEET = '机构';
export const USER_SHEET = '用户';
export const HELP_SHEET = '说明';

export const ORG_COLUMNS = ['机构代码', '机构名称', '上级机构代码', '层级'] as const;
export const USER_COLUMNS = ['用户名', '姓名', '所属机构代码', '角色'] as const;

/** Level → its rank (lower is higher up) and what the console calls it. */
export const LEVELS = {
  province: { rank: 1, label: '省' },
  city: { rank: 2, label: '市' },
  county: { rank: 3, label: '县' },
  township: { rank: 4, label: '乡镇' },
  department: { rank: 4, label: '部门' },
} as const;
export type OrgLevel = keyof typeof LEVELS;

const LEVEL_WORDS: Record<string, OrgLevel> = {};
for (const [level, { label }] of Object.entries(LEVELS) as [OrgLevel, { label: string }][]) {
  for (const w of [level, label, `${label}级`]) LEVEL_WORDS[w] = level;
}
LEVEL_WORDS['区县'] = 'county';
LEVEL_WORDS['街道'] = 'township';

/** The level a cell names (Chinese label, label + 级, or the stored value), or null. */
export function parseLevel(text: string): OrgLevel | null {
  return LEVEL_WORDS[text.trim()] ?? null;
}

/**
 * Whether an organisation of level `child` may sit under one of level `parent`: strictly lower in rank,
 * except that a department may also sit under a department or a township (内设机构).
 */
export function levelFits(parent: string, child: OrgLevel): boolean {
  const p = LEVELS[parent as OrgLevel];
  if (!p) return true; // a level this list does not know (set by hand): not ours to judge
  if (child === 'department') return p.rank <= LEVELS.department.rank;
  return LEVELS[child].rank > p.rank;
}

const ROLE_BY_WORD = new Map<string, Role>();
for (const r of ROLES) {
  ROLE_BY_WORD.set(ROLE_LABELS[r], r);
  ROLE_BY_WORD.set(r, r);
}

/** Splits a 角色 cell on 、，, ; and whitespace: the roles it names and the words that name none. */
export function parseRoles(text: string): { roles: Role[]; unknown: string[] } {
  const words = text
    .split(/[、，,;；\s]+/)
    .map((w) => w.trim())
    .filter(Boolean);
  const roles: Role[] = [];
  const unknown: string[] = [];
  for (const w of words) {
    const r = ROLE_BY_WORD.get(w);
    if (!r) unknown.push(w);
    else if (!roles.includes(r)) roles.push(r);
  }
  return { roles, unknown };
}

/** Column letter of a 0-based column index (A, B, ... Z, AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export const MAX_LENGTH = { code: 64, orgName: 100, username: 64, displayName: 50 } as const;
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Rows per sheet an import takes (a province's staff list fits; a larger one is split). */
export const MAX_ROWS = 20_000;
