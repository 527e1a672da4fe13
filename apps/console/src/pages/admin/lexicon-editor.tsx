import { useMemo, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import {
  checkEntry,
  EMPTY_ENTRY,
  ENTRY_WORDS,
  entriesOf,
  EntryForm,
  lexiconFieldLabel,
  SEVERITY_LABELS,
  toUpsert,
  type LexiconDetail,
  type LexiconSummary,
} from '../../lib/lexicons';
import { LexiconImport } from './lexicon-import';

type Editing = { original: string | null; form: EntryForm } | null;

/** One lexicon's entries: find, add, change, delete, import. Every change is one PATCH …/entries. */
export function LexiconEditor({ summary, name, onChanged }: { summary: LexiconSummary; name: string; onChanged(): Promise<void> }) {
  const detail = useAsync(() => api.get<LexiconDetail>(`/compliance/lexicons/${summary.id}`), [summary.id, summary.updatedAt]);
  const kind = summary.kind as 'sensitive' | 'typos' | 'secrecy';
  const words = ENTRY_WORDS[kind];
  const entries = useMemo(() => (detail.data ? entriesOf(kind, detail.data.doc) : []), [detail.data, kind]);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const shown = entries.filter((e) => !q.trim() || [e.key, e.second, e.contexts, e.note].some((x) => x.includes(q.trim())));
  const save = useSubmit(async (edit: { upsert?: unknown[]; remove?: string[] }, done: string) => {
    setNotice('');
    await api.patch(`/compliance/lexicons/${summary.id}/entries`, edit);
    setEditing(null);
    setRemoving(null);
    await Promise.all([detail.reload(), onChanged()]);
    // said once the page shows the stored list
    setNotice(done);
  });
  return (
    <section className="card" aria-labelledby="h-lex-edit" data-testid="lexicon-editor">
      <h3 id="h-lex-edit">词条：{name}</h3>
      <ErrorBanner error={detail.error ?? save.error} labelOf={lexiconFieldLabel} />
      {notice ? (
        <p className="alert alert-ok" role="status" data-testid="entries-notice">
          {notice}
        </p>
      ) : null}
      <div className="filters">
        <div className="field">
          <label htmlFor="le-q">查找词条</label>
          <input id="le-q" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <button type="button" className="btn" onClick={() => setEditing({ original: null, form: { ...EMPTY_ENTRY } })}>
          添加词条
        </button>
      </div>
      {editing ? (
        <EntryEditor
          kind={kind}
          editing={editing}
          others={entries.map((e) => e.key).filter((k) => k !== editing.original)}
          busy={save.busy}
          onCancel={() => setEditing(null)}
          onSave={(f) => {
            const upsert = [toUpsert(kind, f)];
            // a changed key is a new entry: the old one goes
            const remove = editing.original !== null && editing.original !== f.key.trim() ? [editing.original] : undefined;
            void save.run({ upsert, remove }, editing.original === null ? `已添加“${f.key.trim()}”` : `已修改“${f.key.trim()}”`);
          }}
        />
      ) : null}
      {detail.loading && !detail.data ? <Loading what="词条" /> : null}
      <table className="table" data-testid="entry-table">
        <caption className="sr-only">词条</caption>
        <thead>
          <tr>
            <th scope="col">{words.key}</th>
            {words.second ? <th scope="col">{words.second}</th> : null}
            {kind === 'sensitive' ? <th scope="col">级别</th> : null}
            {kind !== 'secrecy' ? <th scope="col">允许的搭配（不提示）</th> : null}
            {kind !== 'secrecy' ? <th scope="col">说明</th> : null}
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.key} data-entry={e.key}>
              <th scope="row">{e.key}</th>
              {words.second ? <td>{e.second || '—'}</td> : null}
              {kind === 'sensitive' ? <td>{e.severity ? SEVERITY_LABELS[e.severity] : '同词库'}</td> : null}
              {kind !== 'secrecy' ? <td>{e.contexts || '—'}</td> : null}
              {kind !== 'secrecy' ? <td>{e.note || '—'}</td> : null}
              <td>
                <button type="button" className="btn btn-small" onClick={() => setEditing({ original: e.key, form: { ...e } })} aria-label={`修改：${e.key}`}>
                  修改
                </button>{' '}
                {removing === e.key ? (
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    disabled={save.busy}
                    onClick={() => void save.run({ remove: [e.key] }, `已删除“${e.key}”`)}
                  >
                    确认删除
                  </button>
                ) : (
                  <button type="button" className="btn btn-small" onClick={() => setRemoving(e.key)} aria-label={`删除：${e.key}`}>
                    删除
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        共 {entries.length} 条{q.trim() ? `，找到 ${shown.length} 条` : ''}
      </p>
      <LexiconImport
        kind={kind}
        existing={entries.map((e) => e.key)}
        busy={save.busy}
        onImport={(list) => save.run({ upsert: list.map((f) => toUpsert(kind, f)) }, `已导入 ${list.length} 条`)}
      />
    </section>
  );
}

/** The add / change form of one entry, checked here (in Chinese, by field) before it is sent. */
function EntryEditor({
  kind,
  editing,
  others,
  busy,
  onCancel,
  onSave,
}: {
  kind: 'sensitive' | 'typos' | 'secrecy';
  editing: NonNullable<Editing>;
  others: string[];
  busy: boolean;
  onCancel(): void;
  onSave(f: EntryForm): void;
}) {
  const [f, setF] = useState<EntryForm>(editing.form);
  const [problems, setProblems] = useState<Partial<Record<keyof EntryForm, string>>>({});
  const words = ENTRY_WORDS[kind];
  const err = (k: keyof EntryForm) =>
    problems[k] ? (
      <p className="field-error" id={`ee-${k}-err`} role="alert">
        {problems[k]}
      </p>
    ) : null;
  const input = (k: 'key' | 'second' | 'contexts' | 'note', label: string, hint?: string) => (
    <div className="field">
      <label htmlFor={`ee-${k}`}>{label}</label>
      <input
        id={`ee-${k}`}
        value={f[k]}
        onChange={(e) => setF({ ...f, [k]: e.target.value })}
        aria-invalid={!!problems[k] || undefined}
        aria-describedby={`ee-${k}-err`}
      />
      {hint ? <p className="hint">{hint}</p> : null}
      {err(k)}
    </div>
  );
  return (
    <form
      className="card"
      data-testid="entry-form"
      noValidate
      aria-label={editing.original === null ? '添加词条' : `修改词条：${editing.original}`}
      onSubmit={(e) => {
        e.preventDefault();
        const p = checkEntry(kind, f, others);
        setProblems(p);
        if (!Object.keys(p).length) onSave(f);
      }}
    >
      <div className="grid-3">
        {input('key', words.key)}
        {words.second ? input('second', words.second) : null}
        {kind === 'sensitive' ? (
          <div className="field">
            <label htmlFor="ee-severity">级别</label>
            <select id="ee-severity" value={f.severity} onChange={(e) => setF({ ...f, severity: e.target.value })}>
              <option value="">同词库</option>
              {Object.entries(SEVERITY_LABELS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {kind !== 'secrecy' ? input('contexts', '允许的搭配（不提示）', '包含该词但用法正确的短语，用顿号分隔，如“按装订线”') : null}
        {kind !== 'secrecy' ? input('note', '说明') : null}
      </div>
      <button className="btn btn-primary" type="submit" disabled={busy}>
        保存词条
      </button>{' '}
      <button className="btn" type="button" onClick={onCancel}>
        取消
      </button>
    </form>
  );
}
