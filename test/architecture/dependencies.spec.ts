import { execFileSync } from 'child_process';
import * as path from 'path';
import { ROOT } from './source-files';

/**
 * The layering (common ← domain ← persistence ← features ← composition ← apps; apps never import apps;
 * library specs import neither apps nor test/; no import cycles, between modules or between libraries)
 * is declared once, in .dependency-cruiser.cjs, and checked by `npm run lint:deps`. This suite runs the
 * same check, so `npm test` fails on a wrong import too, and makes sure the rules themselves are still there.
 */
interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const config = require(path.join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: { name: string; severity: string }[] };

describe('dependency rules', () => {
  it('declares the layering, the app and spec boundaries and the cycle rules as errors', () => {
    const rules = Object.fromEntries(config.forbidden.map((r) => [r.name, r.severity]));
    for (const name of [
      'layer-common',
      'layer-domain',
      'layer-persistence',
      'layer-features',
      'layer-composition',
      'app-imports-app',
      'lib-spec-imports-app-or-test',
      'production-imports-test-code',
      'no-circular',
      'no-library-cycle',
    ]) {
      expect([name, rules[name]]).toEqual([name, 'error']);
    }
  });

  it('holds across apps, libs, test, bench and scripts', () => {
    const out = execFileSync(
      path.join(ROOT, 'node_modules', '.bin', 'depcruise'),
      ['apps', 'libs', 'test', 'bench', 'scripts', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const result = JSON.parse(out) as { summary: { violations: Violation[]; totalCruised: number } };
    expect(result.summary.totalCruised).toBeGreaterThan(300);
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
  }, 180_000);
});
