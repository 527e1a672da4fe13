/**
 * The 保密审查 lexicons as the admin edits them (GET/PUT/PATCH compliance/lexicons): their words, the
 * entry model of each kind, and the checks the lexicon page runs before saving, in Chinese (the server
 * runs the same rules: libs/compliance/src/lexicons/lexicon-loader.ts).
 */

/** GET compliance/lexicons (apps/api/src/compliance/lexicons/lexicon-documents.ts LexiconSummary). */
export interface LexiconSummary {
  id: string;
  kind: LexiconKind;
  category: string | null;
  severity: string | null;
  entryCount: number;
  /** 'file' (shipped as is), the admin's own list, or the admin's version of a shipped one: see lexiconSource. */
  source: string;
  file: string | null;
  disabled: boolean;
  editable: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}
export type LexiconKind = 'sensitive' | 'typos' | 'secrecy' | 'charmap';
export interface LexiconDetail extends LexiconSummary {
  doc: Record<string, unknown>;
}

export const LEXICON_KIND_LABELS: Record<LexiconKind, string> = { sensitive: '敏感词', typos: '错别字', secrecy: '涉密短语', charmap: '繁简字对照' };
export const SEVERITY_LABELS: Record<string, string> = { block: '禁止公开', review: '须审核人处理', warn: '提示' };
/** Where a list comes from: made by an admin (no file behind it), shipped as is, or shipped and changed. */
export function lexiconSource(l: Pick<LexiconSummary, 'source' | 'file'>): 'own' | 'shipped' | 'changed' {
  return l.file === null ? 'own' : l.source === 'file' ? 'shipped' : 'changed';
}
export const LEXICON_SOURCE_LABELS: Record<ReturnType<typeof lexiconSource>, string> = {
  shipped: '系统内置',
  own: '管理员新增',
  changed: '系统内置（已修改）',
};
/** What the import box and the add form call an entry's parts, per kind. */
export const ENTRY_WORDS: Record<'sensitive' | 'typos' | 'secrecy', { key: string; second?: string }> = {
  sensitive: { key: '词语', second: '建议改为' },
  typos: { key: '错误写法', second: '正确写法' },
  secrecy: { key: '短语' },
};

/** A lexicon's name: its category, else its kind's name (ids are internal). */
export function lexiconName(list: readonly LexiconSummary[] | undefined, id: string): string | undefined {
  const l = list?.find((x) => x.id === id);
  if (!l) return undefined;
  return l.category ?? (l.kind === 'secrecy' ? '内部或保密标识短语' : LEXICON_KIND_LABELS[l.kind]);
}

/** One entry as the page shows and edits it. */
export interface EntryForm {
  key: string;
  second: string;
  severity: string;
  contexts: string;
  note: string;
}
export const EMPTY_ENTRY: EntryForm = { key: '', second: '', severity: '', contexts: '', note: '' };

export function entriesOf(kind: LexiconKind, doc: Record<string, unknown>): EntryForm[] {
  const list = (kind === 'sensitive' ? doc.terms : kind === 'typos' ? doc.pairs : kind === 'secrecy' ? doc.phrases : []) as unknown[];
  return (Array.isArray(list) ? list : []).map((e) => {
    if (typeof e === 'string') return { ...EMPTY_ENTRY, key: e };
    const o = (e ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      key: str(kind === 'typos' ? o.wrong : o.term),
      second: str(kind === 'typos' ? o.right : o.suggestion),
      severity: str(o.severity),
      contexts: Array.isArray(o.allowedContexts) ? o.allowedContexts.join('、') : '',
      note: str(o.note),
    };
  });
}

const splitList = (s: string) =>
  s
    .split(/[、,，;；\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Problems of one entry, by form field; `others` are the keys already in the lexicon (a new key must not be one). */
export function checkEntry(kind: LexiconKind, f: EntryForm, others: readonly string[]): Partial<Record<keyof EntryForm, string>> {
  const w = ENTRY_WORDS[kind as 'sensitive'] ?? ENTRY_WORDS.sensitive;
  const out: Partial<Record<keyof EntryForm, string>> = {};
  const key = f.key.trim();
  if (!key) out.key = `请填写${w.key}`;
  else if ([...key].length > 50) out.key = `${w.key}不能超过50个字`;
  else if (others.includes(key)) out.key = `词库中已有“${key}”，请修改原有词条`;
  if (kind === 'typos') {
    if (!f.second.trim()) out.second = '请填写正确写法';
    else if (f.second.trim() === key) out.second = '正确写法与错误写法相同';
  }
  if (f.second.trim() && [...f.second.trim()].length > 50) out.second = `${w.second}不能超过50个字`;
  const bad = key ? splitList(f.contexts).filter((c) => !c.includes(key)) : [];
  if (bad.length) out.contexts = `允许的搭配须包含“${key}”：${bad.map((c) => `“${c}”`).join('、')}不包含`;
  return out;
}

/** The entry as the API takes it (PATCH …/entries upsert). */
export function toUpsert(kind: LexiconKind, f: EntryForm): string | Record<string, unknown> {
  const key = f.key.trim();
  if (kind === 'secrecy') return key;
  const extra: Record<string, unknown> = {};
  const contexts = splitList(f.contexts);
  if (contexts.length) extra.allowedContexts = contexts;
  if (f.note.trim()) extra.note = f.note.trim();
  if (kind === 'typos') return { wrong: key, right: f.second.trim(), ...extra };
  if (f.severity) extra.severity = f.severity;
  if (f.second.trim()) extra.suggestion = f.second.trim();
  return Object.keys(extra).length ? { term: key, ...extra } : key;
}

/**
 * The import box: one entry a line ("词语" or "词语,建议改为"; "错误写法,正确写法"; "短语"), the two parts
 * split by a comma, a tab, an arrow or an equals sign; blank lines and lines starting with # are skipped.
 */
export function parseImport(kind: LexiconKind, text: string): { entries: EntryForm[]; problems: string[] } {
  const entries: EntryForm[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [a = '', b = '', ...rest] = line.split(/\s*(?:,|，|\t|→|->|=>|=)\s*/);
    const n = i + 1;
    if (rest.length) return void problems.push(`第 ${n} 行：分隔符多于一个，请每行只写${kind === 'typos' ? '“错误写法,正确写法”' : '一个词条'}`);
    if (kind === 'secrecy' && b) return void problems.push(`第 ${n} 行：涉密短语每行只写一个短语`);
    const f: EntryForm = { ...EMPTY_ENTRY, key: a, second: b };
    const p = checkEntry(kind, f, []);
    const reason = p.key ?? p.second;
    if (reason) return void problems.push(`第 ${n} 行：${reason}`);
    const prev = seen.get(a);
    if (prev) return void problems.push(`第 ${n} 行：与第 ${prev} 行重复`);
    seen.set(a, n);
    entries.push(f);
  });
  return { entries, problems };
}

/** A lexicon problem's field from the API (`lexicon:<id>:terms[3].allowedContexts`, `upsert`) in words. */
export function lexiconFieldLabel(field: string): string | undefined {
  const m = /^(?:lexicon:[^:]+:|[^:]+:)?(terms|pairs|phrases)\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (m) {
    const part: Record<string, string> = { term: '词语', allowedContexts: '允许的搭配', severity: '级别', wrong: '错误写法', right: '正确写法' };
    return `第 ${Number(m[2]) + 1} 条词条${m[3] ? ` · ${part[m[3]] ?? '内容'}` : ''}`;
  }
  if (/(^|:)(severity)$/.test(field)) return '级别';
  if (/(^|:)(terms|pairs|phrases)$/.test(field) || field === 'upsert' || field === 'remove') return '词条';
  if (/(^|:)kind$/.test(field) || field === 'doc.kind') return '词库类型';
  if (field === 'id' || field === 'doc.id') return '词库编号';
  if (field === 'doc') return '词库内容';
  return undefined;
}
