import * as fs from 'fs';
import * as path from 'path';
import { load as loadYaml } from 'js-yaml';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { Severity } from '../finding';

/**
 * Lexicons are data (config/lexicons/*.json|yaml|yml), one file per list, each with a `kind`:
 *
 * - `sensitive`: { id, category, severity, terms: [term | {term, severity?, suggestion?, allowedContexts?, note?}], allowedContexts? }
 * - `typos`:     { id, category?, severity?, pairs: [{wrong, right, allowedContexts?, note?}] }
 * - `secrecy`:   { id, phrases: [..] }  extra 内部/保密 phrases on top of the built-in ones (block)
 * - `charmap`:   { id, pairs: ["國国們们…"] }  one-unit → one-unit folding (traditional → simplified)
 *
 * An allowed context is a longer phrase containing the term; an occurrence inside it is not flagged
 * ("原国土资源局" names the former bureau on purpose).
 */
export interface LexiconEntry {
  term: string;
  severity: Severity;
  categoryId: string;
  categoryName: string;
  suggestion?: string;
  allowedContexts: string[];
  note?: string;
  /** File the entry came from, for error messages and the admin screen. */
  source: string;
}

export interface LoadedLexicons {
  sensitive: LexiconEntry[];
  typos: LexiconEntry[];
  secrecyPhrases: string[];
  charMaps: Map<string, string>[];
  files: string[];
}

const SEVERITIES: readonly Severity[] = ['block', 'review', 'warn'];

export function emptyLexicons(): LoadedLexicons {
  return { sensitive: [], typos: [], secrecyPhrases: [], charMaps: [], files: [] };
}

class Problems {
  readonly list: FieldProblem[] = [];
  constructor(private readonly file: string) {}
  add(where: string, reason: string) {
    this.list.push({ field: `${this.file}:${where}`, reason });
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function strList(v: unknown, where: string, p: Problems): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add(where, 'must be a list of strings');
    return [];
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    const s = str(x);
    if (s === undefined) p.add(`${where}[${i}]`, 'must be a non-empty string');
    else out.push(s);
  });
  return out;
}

function severityOf(v: unknown, fallback: Severity | undefined, where: string, p: Problems): Severity {
  if (v === undefined || v === null) {
    if (fallback) return fallback;
    p.add(where, `is required (${SEVERITIES.join('|')})`);
    return 'review';
  }
  if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  p.add(where, `must be one of ${SEVERITIES.join('|')}`);
  return 'review';
}

/** Parse one lexicon document (already loaded from JSON or YAML) into `into`. Exported for tests. */
export function addLexiconDocument(doc: unknown, file: string, into: LoadedLexicons): FieldProblem[] {
  const p = new Problems(file);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    p.add('', 'must be a mapping with a `kind`');
    return p.list;
  }
  const d = doc as Record<string, unknown>;
  const id = str(d.id) ?? path.basename(file).replace(/\.(json|ya?ml)$/i, '');
  switch (d.kind) {
    case 'sensitive': {
      const categoryName = str(d.category) ?? id;
      const severity = severityOf(d.severity, undefined, 'severity', p);
      const shared = strList(d.allowedContexts, 'allowedContexts', p);
      if (!Array.isArray(d.terms)) p.add('terms', 'must be a list');
      (Array.isArray(d.terms) ? d.terms : []).forEach((t, i) => {
        const where = `terms[${i}]`;
        if (typeof t === 'string') {
          if (!t.trim()) p.add(where, 'must not be empty');
          else into.sensitive.push({ term: t.trim(), severity, categoryId: id, categoryName, allowedContexts: shared, source: file });
          return;
        }
        if (typeof t !== 'object' || t === null) {
          p.add(where, 'must be a string or {term, ...}');
          return;
        }
        const o = t as Record<string, unknown>;
        const term = str(o.term);
        if (!term) {
          p.add(`${where}.term`, 'is required');
          return;
        }
        const ctx = [...shared, ...strList(o.allowedContexts, `${where}.allowedContexts`, p)];
        for (const c of ctx) if (!c.includes(term)) p.add(`${where}.allowedContexts`, `"${c}" does not contain "${term}"`);
        into.sensitive.push({
          term,
          severity: severityOf(o.severity, severity, `${where}.severity`, p),
          categoryId: id,
          categoryName,
          suggestion: str(o.suggestion),
          allowedContexts: ctx.filter((c) => c.includes(term)),
          note: str(o.note),
          source: file,
        });
      });
      break;
    }
    case 'typos': {
      const categoryName = str(d.category) ?? '常见错别字';
      const severity = severityOf(d.severity, 'warn', 'severity', p);
      if (!Array.isArray(d.pairs)) p.add('pairs', 'must be a list');
      (Array.isArray(d.pairs) ? d.pairs : []).forEach((t, i) => {
        const where = `pairs[${i}]`;
        const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
        const wrong = str(o.wrong);
        const right = str(o.right);
        if (!wrong || !right) {
          p.add(where, 'needs `wrong` and `right`');
          return;
        }
        if (wrong === right) p.add(where, '`wrong` equals `right`');
        const ctx = strList(o.allowedContexts, `${where}.allowedContexts`, p);
        for (const c of ctx) if (!c.includes(wrong)) p.add(`${where}.allowedContexts`, `"${c}" does not contain "${wrong}"`);
        into.typos.push({
          term: wrong,
          severity,
          categoryId: id,
          categoryName,
          suggestion: right,
          allowedContexts: ctx.filter((c) => c.includes(wrong)),
          note: str(o.note),
          source: file,
        });
      });
      break;
    }
    case 'secrecy':
      into.secrecyPhrases.push(...strList(d.phrases, 'phrases', p));
      break;
    case 'charmap': {
      const map = new Map<string, string>();
      strList(d.pairs, 'pairs', p).forEach((chunk, i) => {
        if (chunk.length % 2 !== 0) p.add(`pairs[${i}]`, 'must hold an even number of characters (from, to, from, to…)');
        for (let k = 0; k + 1 < chunk.length; k += 2) map.set(chunk[k], chunk[k + 1]);
      });
      into.charMaps.push(map);
      break;
    }
    default:
      p.add('kind', 'must be one of sensitive|typos|secrecy|charmap');
  }
  return p.list;
}

/**
 * Read every lexicon in `dir` (sorted by file name, so the result does not depend on the file
 * system's order). Throws AppError LEXICON_INVALID listing every problem, so a broken list is fixed
 * in one go instead of one error per boot.
 */
export function loadLexicons(dir: string): LoadedLexicons {
  const into = emptyLexicons();
  const problems: FieldProblem[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(json|ya?ml)$/i.test(f))
    .sort();
  for (const f of files) {
    const full = path.join(dir, f);
    let doc: unknown;
    try {
      const raw = fs.readFileSync(full, 'utf8');
      doc = /\.json$/i.test(f) ? JSON.parse(raw) : loadYaml(raw);
    } catch (e) {
      problems.push({ field: f, reason: `cannot parse: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    problems.push(...addLexiconDocument(doc, f, into));
    into.files.push(f);
  }
  if (problems.length) {
    throw AppError.unprocessable('LEXICON_INVALID', `词库配置有误（${problems.length}处），请修正 ${dir} 下的词库文件`, problems);
  }
  return into;
}
