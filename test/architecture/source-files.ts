import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export const ROOT = path.resolve(__dirname, '..', '..');

/** TypeScript sources (.ts, .tsx) under `dirs` (relative to the repository), paths relative, sorted. */
export function sourceFiles(dirs: string[], keep: (rel: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist') continue;
      const p = path.join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        const rel = path.relative(ROOT, p).split(path.sep).join('/');
        if (keep(rel)) out.push(rel);
      }
    }
  };
  for (const d of dirs) walk(path.join(ROOT, d));
  return out.sort();
}

/** Parses a source; undefined when the file went away meanwhile (others may be editing the tree). */
export function parse(rel: string): ts.SourceFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
  } catch {
    return undefined;
  }
  return ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true, rel.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

/** Calls `visit` on every node of the source. */
export function walkNodes(sf: ts.SourceFile, visit: (node: ts.Node) => void): void {
  const go = (n: ts.Node) => {
    visit(n);
    ts.forEachChild(n, go);
  };
  go(sf);
}

export function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}
