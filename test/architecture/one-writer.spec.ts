import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * One writer per fact: `deliveries.state` (and the creation of deliveries) and the publication ledger
 * (`publication_records`, `publication_withdrawals`) are written by one module only,
 * libs/persistence/src/delivery (DeliveryStateRepository, whose writes the delivery state
 * machine in libs/domain/src/state guards). This scans the sources of apps/, libs/ and scripts/ (not
 * migrations, not specs or test helpers) and fails on SQL text (string literals and template texts)
 * or TypeORM calls that write those facts anywhere else.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const SCANNED = ['apps', 'libs', 'scripts'];
const WRITER = 'libs/persistence/src/delivery/';
const SKIP = /(^|\/)(node_modules|dist|migrations|testing)\/|\.(spec|int-spec)\.tsx?$|\.d\.ts$/;

export interface WriteHit {
  line: number;
  what: string;
}

// SQL that sets deliveries.state: the SET clause of an UPDATE of deliveries (up to WHERE / FROM / RETURNING) names state.
const UPDATE_DELIVERIES = /\bupdate\s+deliveries\b(?:\s+(?:as\s+)?\w+)?\s+set\b([\s\S]*?)(?=\bwhere\b|\bfrom\b|\breturning\b|$)/gi;
const SETS_STATE = /(^|[\s,(])(\w+\.)?state\s*=/i;
const SQL_WRITES: { re: RegExp; what: string }[] = [
  { re: /\binsert\s+into\s+deliveries\b/i, what: 'creates deliveries' },
  { re: /\b(insert\s+into|update|delete\s+from|truncate(\s+table)?)\s+publication_(records|withdrawals)\b/i, what: 'writes the publication ledger' },
];
// TypeORM writes of the same tables.
const ORM_WRITES =
  /\b(getRepository\(\s*(Delivery|PublicationRecord|PublicationWithdrawal)\s*\)\s*\.\s*(insert|update|save|upsert|delete|remove|increment)\b|\.(insert|update|save|upsert|delete|remove)\(\s*(Delivery|PublicationRecord|PublicationWithdrawal)\s*[,)]|\.into\(\s*(Delivery|PublicationRecord|PublicationWithdrawal)\s*[,)])/g;

/** The SQL texts of a TypeScript source: string literals and template literals (substitutions as `$x`). */
function sqlTexts(sf: ts.SourceFile): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = node.head.text + node.templateSpans.map((s) => `$x${s.literal.text}`).join('');
    if (text !== null) out.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Writes of the guarded facts in one source. */
export function writesIn(fileName: string, source: string): WriteHit[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const hits: WriteHit[] = [];
  for (const { line, text } of sqlTexts(sf)) {
    for (const m of text.matchAll(UPDATE_DELIVERIES)) if (SETS_STATE.test(m[1])) hits.push({ line, what: 'sets deliveries.state' });
    for (const w of SQL_WRITES) if (w.re.test(text)) hits.push({ line, what: w.what });
  }
  for (const m of source.matchAll(ORM_WRITES)) {
    hits.push({ line: source.slice(0, m.index).split('\n').length, what: `TypeORM write: ${m[0].replace(/\s+/g, '')}` });
  }
  return hits;
}

function sources(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    const rel = path.relative(ROOT, p).split(path.sep).join('/');
    if (SKIP.test(rel + (e.isDirectory() ? '/' : ''))) return [];
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

describe('one writer of delivery states and of the publication ledger', () => {
  it('the check catches state changes, ledger writes and TypeORM writes, not other writes or reads', () => {
    const src = [
      "q(`UPDATE deliveries SET state = 'failed', updated_at = now() WHERE id = $1`);",
      'q(`UPDATE deliveries d SET lease_until = NULL, state = ${to} FROM x WHERE d.id = x.id`);',
      "q('INSERT INTO publication_records (item_id) VALUES ($1)');",
      'q(`DELETE FROM publication_withdrawals WHERE id = $1`);',
      'em.getRepository(PublicationRecord).insert({});',
      'em.update(Delivery, { id }, { state });',
      // not writes of the guarded facts:
      "q(`UPDATE deliveries SET checkpoint = checkpoint || $2 WHERE id = $1 AND state = 'pending'`);",
      "q(`UPDATE deliveries SET lease_until = now() WHERE state IN ('processing')`);",
      'q(`SELECT id FROM publication_records WHERE delivery_id = $1`);',
      '// UPDATE deliveries SET state = 1 (a comment)',
    ].join('\n');
    expect(writesIn('x.ts', src).map((h) => [h.line, h.what])).toEqual([
      [1, 'sets deliveries.state'],
      [2, 'sets deliveries.state'],
      [3, 'writes the publication ledger'],
      [4, 'writes the publication ledger'],
      [5, 'TypeORM write: getRepository(PublicationRecord).insert'],
      [6, 'TypeORM write: .update(Delivery,'],
    ]);
  });

  it('the writer module itself is seen writing them (the scan reaches it)', () => {
    const inWriter = sources(path.join(ROOT, WRITER)).flatMap((f) => writesIn(f, fs.readFileSync(f, 'utf8')));
    expect(inWriter.some((h) => h.what === 'sets deliveries.state')).toBe(true);
    expect(inWriter.some((h) => h.what === 'writes the publication ledger')).toBe(true);
  });

  it(`nothing outside ${WRITER} writes deliveries.state, creates deliveries or writes the ledger`, () => {
    const offenders = SCANNED.flatMap((d) => sources(path.join(ROOT, d)))
      .map((f) => path.relative(ROOT, f).split(path.sep).join('/'))
      .filter((rel) => !rel.startsWith(WRITER))
      .flatMap((rel) => writesIn(rel, fs.readFileSync(path.join(ROOT, rel), 'utf8')).map((h) => `${rel}:${h.line} ${h.what}`));
    expect(offenders).toEqual([]);
  });
});
