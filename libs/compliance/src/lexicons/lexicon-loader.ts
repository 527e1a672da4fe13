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
/** How the problems name the levels (they reach the admin's lexicon page as they are). */
const SEVERITY_WORDS = 'block（禁止公开）、review（须审核人处理）、warn（提示）';

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
    p.add(where, '应为文字列表');
    return [];
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    const s = str(x);
    if (s === undefined) p.add(`${where}[${i}]`, '不能为空');
    else out.push(s);
  });
  return out;
}

function severityOf(v: unknown, fallback: Severity | undefined, where: string, p: Problems): Severity {
  if (v === undefined || v === null) {
    if (fallback) return fallback;
    p.add(where, `请选择级别（${SEVERITY_WORDS}）`);
    return 'review';
  }
  if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  p.add(where, `级别只能是${SEVERITY_WORDS}之一`);
  return 'review';
}

/** Parse one lexicon document (already loaded from JSON or YAML) into `into`. Exported for tests. */
export function addLexiconDocument(doc: unknown, file: string, into: LoadedLexicons): FieldProblem[] {
  const p = new Problems(file);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    p.add('', '格式不正确：应为注明 kind（词库类型）的对象');
    return p.list;
  }
  const d = doc as Record<string, unknown>;
  const id = str(d.id) ?? path.basename(file).replace(/\.(json|ya?ml)$/i, '');
  switch (d.kind) {
    case 'sensitive': {
      const categoryName = str(d.category) ?? id;
      const severity = severityOf(d.severity, undefined, 'severity', p);
      const shared = strList(d.allowedContexts, 'allowedContexts', p);
      if (!Array.isArray(d.terms)) p.add('terms', '应为词条列表');
      (Array.isArray(d.terms) ? d.terms : []).forEach((t, i) => {
        const where = `terms[${i}]`;
        if (typeof t === 'string') {
          if (!t.trim()) p.add(where, '词语不能为空');
          else into.sensitive.push({ term: t.trim(), severity, categoryId: id, categoryName, allowedContexts: shared, source: file });
          return;
        }
        if (typeof t !== 'object' || t === null) {
          p.add(where, '应为词语，或含 term（词语）的对象');
          return;
        }
        const o = t as Record<string, unknown>;
        const term = str(o.term);
        if (!term) {
          p.add(`${where}.term`, '词语不能为空');
          return;
        }
        const ctx = [...shared, ...strList(o.allowedContexts, `${where}.allowedContexts`, p)];
        for (const c of ctx) if (!c.includes(term)) p.add(`${where}.allowedContexts`, `允许的搭配“${c}”不包含“${term}”`);
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
      if (!Array.isArray(d.pairs)) p.add('pairs', '应为词条列表');
      (Array.isArray(d.pairs) ? d.pairs : []).forEach((t, i) => {
        const where = `pairs[${i}]`;
        const o = (typeof t === 'object' && t !== null ? t : {}) as Record<string, unknown>;
        const wrong = str(o.wrong);
        const right = str(o.right);
        if (!wrong || !right) {
          p.add(where, '错误写法和正确写法都要填写');
          return;
        }
        if (wrong === right) p.add(where, '错误写法与正确写法相同');
        const ctx = strList(o.allowedContexts, `${where}.allowedContexts`, p);
        for (const c of ctx) if (!c.includes(wrong)) p.add(`${where}.allowedContexts`, `允许的搭配“${c}”不包含“${wrong}”`);
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
        if (chunk.length % 2 !== 0) p.add(`pairs[${i}]`, '字符个数应为偶数（原字、对应字依次排列）');
        for (let k = 0; k + 1 < chunk.length; k += 2) map.set(chunk[k], chunk[k + 1]);
      });
      into.charMaps.push(map);
      break;
    }
    default:
      p.add('kind', '词库类型只能是敏感词、错别字、涉密短语或字符映射');
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
      problems.push({ field: f, reason: `无法解析：${(e as Error).message.split('\n')[0]}` });
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
