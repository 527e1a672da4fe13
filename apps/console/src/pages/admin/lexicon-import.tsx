import { useState } from 'react';
import { ENTRY_WORDS, parseImport, type EntryForm, type LexiconKind } from '../../lib/lexicons';

/** Pasted lines → entries: checked first (every problem by line, in Chinese), then imported in one change. */
export function LexiconImport({
  kind,
  existing,
  busy,
  onImport,
}: {
  kind: 'sensitive' | 'typos' | 'secrecy';
  existing: string[];
  busy: boolean;
  onImport(list: EntryForm[]): Promise<boolean>;
}) {
  const [text, setText] = useState('');
  const [result, setResult] = useState<ReturnType<typeof parseImport> | null>(null);
  const w = ENTRY_WORDS[kind];
  const format = w.second ? `每行一条：${w.key}，或“${w.key},${w.second}”${kind === 'typos' ? '（两者都要填写）' : ''}` : `每行一个${w.key}`;
  const replaced = result ? result.entries.filter((e) => existing.includes(e.key.trim())).length : 0;
  return (
    <details className="advanced-fields" data-testid="lexicon-import">
      <summary>批量导入</summary>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const r = parseImport(kind as LexiconKind, text);
          setResult(r);
          if (r.problems.length || !r.entries.length) return;
          void onImport(r.entries).then((ok) => {
            if (ok) {
              setText('');
              setResult(null);
            }
          });
        }}
      >
        <div className="field">
          <label htmlFor="li-text">粘贴词条（{format}；以 # 开头的行不导入）</label>
          <textarea id="li-text" rows={6} value={text} onChange={(e) => (setText(e.target.value), setResult(null))} aria-describedby="li-problems" />
        </div>
        {result?.problems.length ? (
          <div className="alert alert-error" role="alert" id="li-problems" data-testid="import-problems">
            <strong>有 {result.problems.length} 行需要修改，未导入：</strong>
            <ul>
              {result.problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        ) : result && !result.entries.length ? (
          <p className="field-error" role="alert" id="li-problems">
            没有可导入的词条
          </p>
        ) : null}
        {result && !result.problems.length && replaced ? <p className="muted">其中 {replaced} 条已在词库中，将按导入内容更新。</p> : null}
        <button className="btn btn-primary" type="submit" disabled={busy || !text.trim()}>
          导入
        </button>
      </form>
    </details>
  );
}
