import * as fs from 'fs';
import * as path from 'path';
import { load as loadYaml } from 'js-yaml';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import { addLexiconDocument, emptyLexicons, LoadedLexicons } from '@app/compliance/lexicons/lexicon-loader';

/**
 * Lexicons as whole documents, so the admin can edit them: the files under config/lexicons are the
 * shipped baseline, rows of compliance_lexicons (the admin's edits) replace the file lexicon with the
 * same id, add new ones, or switch one off. Pure functions; the services do the I/O.
 */
export type LexiconKind = 'sensitive' | 'typos' | 'secrecy' | 'charmap';
export const EDITABLE_KINDS: readonly LexiconKind[] = ['sensitive', 'typos', 'secrecy'];

export type LexiconDoc = Record<string, unknown> & { kind: LexiconKind; id: string };

export interface FileLexicon {
  id: string;
  file: string;
  doc: LexiconDoc;
}

export interface LexiconOverride {
  id: string;
  kind: LexiconKind;
  doc: LexiconDoc;
  disabled: boolean;
  updatedAt: Date | string | null;
  updatedBy: string | null;
}

export interface MergedLexicon {
  id: string;
  kind: LexiconKind;
  /** 'file': shipped as is; 'admin': added by the admin; 'file+admin': the admin's version of a shipped list. */
  source: 'file' | 'admin' | 'file+admin';
  file: string | null;
  doc: LexiconDoc;
  disabled: boolean;
  updatedAt: Date | string | null;
  updatedBy: string | null;
}

const ID_RE = /^[A-Za-z0-9_.-]{1,80}$/;

export function isValidLexiconId(id: string): boolean {
  return ID_RE.test(id);
}

/** Parses every *.json|yaml|yml of the directory (sorted by name), with the id each document has. */
export function readLexiconFiles(dir: string): FileLexicon[] {
  const problems: FieldProblem[] = [];
  const out: FileLexicon[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(json|ya?ml)$/i.test(f))
    .sort();
  for (const f of files) {
    let raw: unknown;
    try {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      raw = /\.json$/i.test(f) ? JSON.parse(text) : loadYaml(text);
    } catch (e) {
      problems.push({ field: f, reason: `无法解析：${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ field: f, reason: '格式不正确：应为注明 kind（词库类型）的对象' });
      continue;
    }
    const d = raw as Record<string, unknown>;
    const id = typeof d.id === 'string' && d.id.trim() ? d.id.trim() : f.replace(/\.(json|ya?ml)$/i, '');
    out.push({ id, file: f, doc: { ...d, id, kind: d.kind as LexiconKind } });
  }
  if (problems.length) throw AppError.unprocessable('LEXICON_INVALID', `词库配置有误（${problems.length}处），请修正 ${dir} 下的词库文件`, problems);
  return out;
}

/** Files in name order, each replaced by the admin's version when there is one; admin-only lexicons after them, by id. */
export function mergeLexicons(files: readonly FileLexicon[], overrides: readonly LexiconOverride[]): MergedLexicon[] {
  const byId = new Map(overrides.map((o) => [o.id, o]));
  const out: MergedLexicon[] = files.map((f) => {
    const o = byId.get(f.id);
    byId.delete(f.id);
    return o
      ? { id: f.id, kind: o.kind, source: 'file+admin', file: f.file, doc: o.doc, disabled: o.disabled, updatedAt: o.updatedAt, updatedBy: o.updatedBy }
      : { id: f.id, kind: f.doc.kind, source: 'file', file: f.file, doc: f.doc, disabled: false, updatedAt: null, updatedBy: null };
  });
  const rest = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const o of rest)
    out.push({ id: o.id, kind: o.kind, source: 'admin', file: null, doc: o.doc, disabled: o.disabled, updatedAt: o.updatedAt, updatedBy: o.updatedBy });
  return out;
}

/** The checker's input from the merged documents; throws LEXICON_INVALID listing every problem. */
export function buildLexicons(merged: readonly MergedLexicon[]): LoadedLexicons {
  const into = emptyLexicons();
  const problems: FieldProblem[] = [];
  for (const m of merged) {
    if (m.disabled) continue;
    const where = m.file && m.source === 'file' ? m.file : `lexicon:${m.id}`;
    problems.push(...addLexiconDocument(m.doc, where, into));
    into.files.push(where);
  }
  if (problems.length) throw AppError.unprocessable('LEXICON_INVALID', `词库内容有误（${problems.length}处），未保存`, problems);
  return into;
}

export interface LexiconSummary {
  id: string;
  kind: LexiconKind;
  category: string | null;
  severity: string | null;
  entryCount: number;
  source: MergedLexicon['source'];
  file: string | null;
  disabled: boolean;
  editable: boolean;
  updatedAt: Date | string | null;
  updatedBy: string | null;
}

export function entryCount(doc: LexiconDoc): number {
  switch (doc.kind) {
    case 'sensitive':
      return Array.isArray(doc.terms) ? doc.terms.length : 0;
    case 'typos':
      return Array.isArray(doc.pairs) ? doc.pairs.length : 0;
    case 'secrecy':
      return Array.isArray(doc.phrases) ? doc.phrases.length : 0;
    case 'charmap':
      return Array.isArray(doc.pairs) ? doc.pairs.reduce((n: number, p) => n + (typeof p === 'string' ? Math.floor(p.length / 2) : 0), 0) : 0;
    default:
      return 0;
  }
}

export function summarize(m: MergedLexicon): LexiconSummary {
  const d = m.doc;
  return {
    id: m.id,
    kind: m.kind,
    category: typeof d.category === 'string' ? d.category : null,
    severity: typeof d.severity === 'string' ? d.severity : null,
    entryCount: entryCount(d),
    source: m.source,
    file: m.file,
    disabled: m.disabled,
    editable: EDITABLE_KINDS.includes(m.kind),
    updatedAt: m.updatedAt,
    updatedBy: m.updatedBy,
  };
}

/** One entry the admin adds or changes: a sensitive term, a typo pair or a secrecy phrase. */
export type EntryEdit = string | Record<string, unknown>;

function entryKey(kind: LexiconKind, e: unknown): string | null {
  if (typeof e === 'string') return e.trim();
  if (typeof e !== 'object' || e === null) return null;
  const o = e as Record<string, unknown>;
  const k = kind === 'typos' ? o.wrong : o.term;
  return typeof k === 'string' ? k.trim() : null;
}

/**
 * Adds or replaces entries (by term / wrong word / phrase) and removes others, returning a new
 * document; the result is validated by buildLexicons before anything is stored.
 */
export function applyEntryEdits(doc: LexiconDoc, edits: { upsert?: EntryEdit[]; remove?: string[] }): LexiconDoc {
  const listKey = doc.kind === 'sensitive' ? 'terms' : doc.kind === 'typos' ? 'pairs' : doc.kind === 'secrecy' ? 'phrases' : null;
  if (!listKey) throw AppError.conflict('LEXICON_NOT_EDITABLE', '该词库（字符映射表）不能在此编辑');
  const list: unknown[] = Array.isArray(doc[listKey]) ? [...(doc[listKey] as unknown[])] : [];
  const remove = new Set((edits.remove ?? []).map((r) => r.trim()));
  let next = list.filter((e) => !remove.has(entryKey(doc.kind, e) ?? ''));
  for (const e of edits.upsert ?? []) {
    if (doc.kind === 'typos' && typeof e === 'string') throw AppError.validation([{ field: 'upsert', reason: '错别字词条须包含错误写法和正确写法' }]);
    if (doc.kind === 'secrecy' && typeof e !== 'string') throw AppError.validation([{ field: 'upsert', reason: '涉密短语词条应为一段文字' }]);
    const key = entryKey(doc.kind, e);
    if (!key) throw AppError.validation([{ field: 'upsert', reason: doc.kind === 'typos' ? '词条缺少错误写法' : '词条缺少词语' }]);
    const at = next.findIndex((x) => entryKey(doc.kind, x) === key);
    if (at >= 0) next[at] = e;
    else next = [...next, e];
  }
  return { ...doc, [listKey]: next };
}
