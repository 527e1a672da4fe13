import * as fs from 'fs';
import * as path from 'path';

/**
 * The console (apps/console) imports a few server modules by relative path instead of keeping copies of
 * their shapes (libs/stats/src/report-doc.types.ts, libs/domain/src/enums/domain-enums.ts, …). Vite
 * bundles whatever those modules import at run time, and the console's tsc has neither the @app/* aliases
 * nor node types nor legacy decorators, so a shared module must stay pure: relative imports of other
 * shared modules only, no run-time imports at all (type-only), no decorators, no Node built-ins.
 * This walks the console's imports and checks every module outside apps/console/src it reaches.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const CONSOLE_SRC = path.join(ROOT, 'apps', 'console', 'src');

interface ImportRef {
  spec: string;
  typeOnly: boolean;
  statement: string;
}

/** import/export … from '…' statements and bare imports, with whether they are erased at build time. */
function importsOf(source: string): ImportRef[] {
  const out: ImportRef[] = [];
  const re =
    /^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of source.matchAll(re)) {
    if (m[4]) {
      // `import { type A, type B }` is as erased as `import type { A, B }`.
      const names = m[3]
        .replace(/^\{|\}$/g, '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const allTyped = names.length > 0 && m[3].trim().startsWith('{') && names.every((n) => n.startsWith('type '));
      out.push({ spec: m[4], typeOnly: !!m[2] || allTyped, statement: m[0].trim() });
    } else {
      out.push({ spec: (m[5] ?? m[6] ?? m[7])!, typeOnly: false, statement: m[0].trim() });
    }
  }
  return out;
}

function resolveTs(fromFile: string, spec: string): string | null {
  const base = path.resolve(path.dirname(fromFile), spec);
  for (const cand of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(cand) && fs.statSync(cand).isFile()) return cand;
  }
  return null;
}

function consoleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return consoleFiles(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** Modules outside apps/console/src that the console reaches, with the problems found in each. */
function sharedModules(): Map<string, string[]> {
  const shared = new Map<string, string[]>();
  const queue: string[] = [];
  const reach = (from: string, spec: string) => {
    const target = resolveTs(from, spec);
    if (!target) throw new Error(`${path.relative(ROOT, from)}: cannot resolve ${spec}`);
    if (target.startsWith(CONSOLE_SRC + path.sep) || shared.has(target)) return;
    shared.set(target, []);
    queue.push(target);
  };
  for (const f of consoleFiles(CONSOLE_SRC)) {
    for (const i of importsOf(fs.readFileSync(f, 'utf8'))) if (i.spec.startsWith('.')) reach(f, i.spec);
  }
  while (queue.length) {
    const file = queue.shift()!;
    const problems = shared.get(file)!;
    const text = fs.readFileSync(file, 'utf8');
    for (const i of importsOf(text)) {
      if (!i.spec.startsWith('.')) problems.push(`imports a package or alias: ${i.statement}`);
      else if (!i.typeOnly) problems.push(`imports at run time (Vite would bundle it): ${i.statement}`);
      if (i.spec.startsWith('.')) reach(file, i.spec);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    // A decorator stands at the start of a line before a class or class member (`@Column(…)`, `@Injectable()`).
    for (const m of code.matchAll(/^\s*@[A-Za-z_]\w*\s*\(/gm)) problems.push(`uses a decorator: ${m[0].trim()}`);
    if (/\b(process\.|Buffer\b|__dirname\b)/.test(code)) problems.push('uses Node globals');
  }
  return shared;
}

describe('modules the console shares with the server', () => {
  const shared = sharedModules();

  it('include the shapes and helpers the console used to copy', () => {
    const names = [...shared.keys()].map((f) => path.relative(ROOT, f)).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'apps/api/src/admin/user-row.types.ts',
        'apps/api/src/auth/login-result.types.ts',
        'apps/api/src/deliveries/delivery-row.types.ts',
        'apps/api/src/channels/gazette/gazette-rows.types.ts',
        'apps/api/src/items/item-reads.types.ts',
        'apps/api/src/channels/led/led-rows.types.ts',
        'apps/api/src/operator/delivery-change.types.ts',
        'apps/api/src/operator/operator-rows.types.ts',
        'apps/api/src/uploads/uploaded-file.types.ts',
        'libs/channels/src/channel-adapter.types.ts',
        'libs/channels/src/engine/delivery-actions.types.ts',
        'libs/channels/src/gazette/gazette-reads.types.ts',
        'libs/channels/src/led/huidu-program.types.ts',
        'libs/channels/src/led/led-reads.types.ts',
        'libs/channels/src/weibo/weibo-length.ts',
        'libs/common/src/auth/auth-user.types.ts',
        'libs/common/src/auth/permissions.ts',
        'libs/common/src/auth/roles.ts',
        'libs/common/src/errors/field-problem.types.ts',
        'libs/domain/src/entities/audit-log.types.ts',
        'libs/domain/src/entities/channel-account.types.ts',
        'libs/domain/src/entities/compliance-finding.types.ts',
        'libs/domain/src/entities/delivery-event.types.ts',
        'libs/domain/src/entities/delivery.types.ts',
        'libs/domain/src/entities/item-version.types.ts',
        'libs/domain/src/entities/item.types.ts',
        'libs/domain/src/entities/organisation.types.ts',
        'libs/domain/src/entities/review-decision.types.ts',
        'libs/domain/src/enums/domain-enums.ts',
        'libs/review/src/review-policy.types.ts',
        'libs/stats/src/ledger-query.types.ts',
        'libs/stats/src/period.types.ts',
        'libs/stats/src/report-doc.types.ts',
      ]),
    );
  });

  it('are pure: type-only relative imports, no decorators, no Node', () => {
    const problems = [...shared].flatMap(([f, ps]) => ps.map((p) => `${path.relative(ROOT, f)}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('the check itself catches what would break the console', () => {
    const refs = importsOf(
      [
        "import { Injectable } from '@nestjs/common';",
        "import type { A } from './a.types';",
        "import { type B, type C } from './b.types';",
        "import { D, type E } from './d';",
        "export type { F } from './f.types';",
        "export { g } from './g';",
      ].join('\n'),
    );
    expect(refs.map((r) => [r.spec, r.typeOnly])).toEqual([
      ['@nestjs/common', false],
      ['./a.types', true],
      ['./b.types', true],
      ['./d', false],
      ['./f.types', true],
      ['./g', false],
    ]);
  });
});
