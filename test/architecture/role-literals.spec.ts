import * as fs from 'fs';
import * as path from 'path';
import { ROLES } from '@app/common/auth/roles';

/**
 * Roles are named in one place: the permission map (libs/common/src/auth/permissions.ts) says which
 * roles grant what, and code everywhere asks for a permission. A role written as a string literal
 * anywhere else in production code (server or console) fails here. Exempt: the permission map, the
 * enums, migrations, seed and demo data, tests; and the few literals below that only look like roles.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const EXEMPT_FILES = ['libs/common/src/auth/roles.ts', 'libs/common/src/auth/permissions.ts', 'libs/domain/src/enums/domain-enums.ts'];
const EXEMPT_PATH = /(^|\/)(migrations|seed|dist|node_modules)\/|\.spec\.ts$|\.int-spec\.ts$|(^|\/)demo-[^/]*\.ts$/;

/** Literals with a role's spelling that name something else: [file (or folder/), literal, what it is]. */
const NOT_ROLES: [string, string, string][] = [
  ['apps/api/src/admin/admin.controller.ts', 'admin', 'OpenAPI tag'],
  ['apps/api/src/admin/channel-account-check.controller.ts', 'admin', 'OpenAPI tag'],
  ['apps/api/src/auth/login-unlock.controller.ts', 'admin', 'OpenAPI tag'],
  ['apps/api/src/operator/operator.controller.ts', 'operator', 'OpenAPI tag'],
  ['apps/api/src/operator/engine-metrics.controller.ts', 'operator', 'OpenAPI tag'],
  ['apps/api/src/auth/auth.controller.ts', 'editor', 'an example username in the OpenAPI document'],
  ['apps/api/src/compliance/lexicons/lexicon-documents.ts', 'admin', "a lexicon's source (added by an admin, not shipped)"],
  ['apps/api/src/compliance/lexicons/lexicons.service.ts', 'admin', "a lexicon's source"],
  ['libs/common/src/auth/common-passwords.ts', 'admin', 'a common password'],
  ['libs/stats/src/report-logic.ts', 'reviewer', "the statistics report's 审核人 signature field"],
  ['libs/stats/src/stats.controller.ts', 'reviewer', "the statistics report's 审核人 signature field"],
  ['apps/console/src/pages/stats/', 'reviewer', "the statistics report's 审核人 signature field"],
  ['apps/console/src/main.tsx', 'admin', 'the /admin page path'],
];

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : files(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** Role-spelled string literals in `source`, as [line number, literal]. */
export function roleLiterals(source: string, roles: readonly string[] = ROLES): [number, string][] {
  const re = new RegExp(`(['"\`])(${roles.join('|')})\\1`, 'g');
  const out: [number, string][] = [];
  source.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(re)) out.push([i + 1, m[2]]);
  });
  return out;
}

/** An exemption names a file, or a folder (ending in /) and everything under it. */
const covers = (entry: string, rel: string) => (entry.endsWith('/') ? rel.startsWith(entry) : entry === rel);

function productionFiles(): string[] {
  const roots = [
    ...fs.readdirSync(path.join(ROOT, 'apps')).map((a) => path.join(ROOT, 'apps', a, 'src')),
    ...fs.readdirSync(path.join(ROOT, 'libs')).map((l) => path.join(ROOT, 'libs', l, 'src')),
  ];
  return roots.flatMap(files).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
}

describe('role literals', () => {
  it('appear only in the permission map, the enums, migrations, seeds, demo data and tests', () => {
    const found: string[] = [];
    for (const rel of productionFiles()) {
      if (EXEMPT_FILES.includes(rel) || EXEMPT_PATH.test(rel)) continue;
      for (const [line, literal] of roleLiterals(fs.readFileSync(path.join(ROOT, rel), 'utf8'))) {
        if (NOT_ROLES.some(([f, l]) => covers(f, rel) && l === literal)) continue;
        found.push(`${rel}:${line} '${literal}' (ask for a permission from libs/common/src/auth/permissions.ts)`);
      }
    }
    expect(found).toEqual([]);
  });

  it('finds a role however it is quoted, and nothing that merely contains one', () => {
    const src = ['assertRole(user, org, [\'reviewer\', "admin"]);', 'x = `editor`;', "const reviewerId = 'reviewers'; const a = 'administrator';"].join('\n');
    expect(roleLiterals(src)).toEqual([
      [1, 'reviewer'],
      [1, 'admin'],
      [2, 'editor'],
    ]);
  });

  it('lists only exemptions that still exist (a stale entry hides nothing and must go)', () => {
    const all = productionFiles();
    const stale = NOT_ROLES.filter(
      ([f, l]) => !all.some((rel) => covers(f, rel) && roleLiterals(fs.readFileSync(path.join(ROOT, rel), 'utf8')).some(([, x]) => x === l)),
    );
    expect(stale).toEqual([]);
  });
});
