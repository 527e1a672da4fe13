import * as fs from 'fs';
import * as path from 'path';
import { ROOT, sourceFiles } from './source-files';

/**
 * Small rooms (issue 14, point 5): no production file over 400 lines, so each can be read in one
 * sitting. Production = the TypeScript sources (.ts, .tsx) of apps/, libs/, bench/ and scripts/; unit
 * specs and integration suites, migrations (hand-written SQL, long by nature) and test/ are not. A file
 * that grows past the limit is split by responsibility beside it (e.g. apps/channel-sim/src/weibo:
 * weibo.sim.ts with weibo-sim.types.ts, weibo-sim-control.ts, …), not squeezed onto fewer lines.
 */
export const MAX_LINES = 400;
const DIRS = ['apps', 'libs', 'bench', 'scripts'];
const NOT_PRODUCTION = /\.(spec|int-spec)\.tsx?$|(^|\/)migrations\/|^test\//;

export function isProduction(rel: string): boolean {
  return /\.tsx?$/.test(rel) && !rel.endsWith('.d.ts') && !NOT_PRODUCTION.test(rel);
}

/** Lines as `wc -l` counts them: a final newline does not start another line. */
export function lineCount(text: string): number {
  if (!text) return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** `path: N lines` for every production file of `files` over `max` lines. */
export function oversized(files: { rel: string; text: string }[], max = MAX_LINES): string[] {
  return files
    .filter((f) => isProduction(f.rel))
    .map((f) => ({ rel: f.rel, lines: lineCount(f.text) }))
    .filter((f) => f.lines > max)
    .map((f) => `${f.rel}: ${f.lines} lines`);
}

/** The text of a source; undefined when the file went away meanwhile (others may be editing the tree). */
function read(rel: string): string | undefined {
  try {
    return fs.readFileSync(path.join(ROOT, rel), 'utf8');
  } catch {
    return undefined;
  }
}

describe(`no production file over ${MAX_LINES} lines`, () => {
  it('the check flags long production files only, and counts lines as wc -l does', () => {
    const lines = (n: number) => 'x;\n'.repeat(n);
    const files = [
      { rel: 'apps/api/src/long.service.ts', text: lines(401) },
      { rel: 'apps/console/src/pages/long-page.tsx', text: lines(450).trimEnd() },
      { rel: 'libs/stats/src/at-limit.ts', text: lines(400) },
      { rel: 'libs/stats/src/unterminated.ts', text: lines(400) + 'x;' },
      { rel: 'bench/media/long.bench.ts', text: lines(500) },
      { rel: 'scripts/long-script.ts', text: lines(402) },
      { rel: 'libs/domain/src/long.spec.ts', text: lines(900) },
      { rel: 'test/console/long.int-spec.ts', text: lines(900) },
      { rel: 'test/utils/long-helper.ts', text: lines(900) },
      { rel: 'libs/domain/src/migrations/1700000000000-Long.ts', text: lines(900) },
      { rel: 'libs/stats/src/migrations/sql/long.ts', text: lines(900) },
      { rel: 'apps/console/src/long.css', text: lines(900) },
      { rel: 'libs/common/src/long.d.ts', text: lines(900) },
    ];
    expect(oversized(files)).toEqual([
      'apps/api/src/long.service.ts: 401 lines',
      'apps/console/src/pages/long-page.tsx: 450 lines',
      'libs/stats/src/unterminated.ts: 401 lines',
      'bench/media/long.bench.ts: 500 lines',
      'scripts/long-script.ts: 402 lines',
    ]);
    expect(lineCount('')).toBe(0);
    expect(lineCount('a')).toBe(1);
    expect(lineCount('a\nb\n')).toBe(2);
  });

  it(`every production file of ${DIRS.join(', ')} has at most ${MAX_LINES} lines`, () => {
    const rels = sourceFiles(DIRS, isProduction);
    expect(rels.length).toBeGreaterThan(300);
    const files = rels.flatMap((rel) => {
      const text = read(rel);
      return text === undefined ? [] : [{ rel, text }];
    });
    expect(oversized(files)).toEqual([]);
  });
});
