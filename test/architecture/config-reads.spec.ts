import * as ts from 'typescript';
import { lineOf, parse, sourceFiles, walkNodes } from './source-files';

/**
 * Every setting goes through the validated config (libs/common/src/config/app-config.ts: AppConfig,
 * loadConfig, loadConfigPart), so a wrong value stops start-up naming the variable, and the README's
 * table is the whole list. This fails on any `process.env` in production code of apps/ and libs/
 * outside the config module. Allowed besides: `npm start`'s launcher (apps/dev: it finds or starts local
 * services and hands the environment on to loadConfig), the console's build config, and specs.
 * bench/, scripts/ and test/ are tools and are not checked.
 */
const ALLOWED: RegExp[] = [/^libs\/common\/src\/config\//, /^apps\/dev\/src\//, /^apps\/console\/vite\.config\.ts$/, /\.spec\.tsx?$/];

export function processEnvReads(rel: string): { line: number; text: string }[] {
  const sf = parse(rel);
  if (!sf) return [];
  const hits: { line: number; text: string }[] = [];
  walkNodes(sf, (n) => {
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'env' && ts.isIdentifier(n.expression) && n.expression.text === 'process') {
      const parent = n.parent;
      const shown = ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent) ? parent : n;
      hits.push({ line: lineOf(sf, n), text: shown.getText(sf) });
    }
  });
  return hits;
}

describe('settings are read through the validated config only', () => {
  it('finds process.env reads (the check itself)', () => {
    expect(processEnvReads('libs/common/src/config/app-config.ts').length).toBeGreaterThan(0);
  });

  it('no production file in apps/ or libs/ reads process.env outside the config module', () => {
    const files = sourceFiles(['apps', 'libs'], (rel) => !ALLOWED.some((a) => a.test(rel)));
    expect(files.length).toBeGreaterThan(200);
    const offenders = files.flatMap((rel) => processEnvReads(rel).map((h) => `${rel}:${h.line} ${h.text}`));
    expect(offenders).toEqual([]);
  });
});
