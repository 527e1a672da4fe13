import { useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import {
  LEXICON_KIND_LABELS,
  LEXICON_SOURCE_LABELS,
  lexiconFieldLabel,
  lexiconName,
  lexiconSource,
  SEVERITY_LABELS,
  type LexiconSummary,
} from '../../lib/lexicons';
import { LexiconEditor } from './lexicon-editor';

/**
 * 词库管理: the sensitive-word, typo and secrecy-phrase lists the 保密审查 checks use (shipped in
 * config/lexicons, changed here by the admin of the top organisation). A list is switched off or back
 * to its shipped version; its entries are edited one by one or imported from pasted lines.
 */
export function LexiconsTab() {
  const list = useAsync(() => api.get<LexiconSummary[]>('/compliance/lexicons'), []);
  const [open, setOpen] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const act = useSubmit(async (l: LexiconSummary, what: 'toggle' | 'revert') => {
    setNotice('');
    setConfirm(null);
    const name = lexiconName(list.data, l.id);
    if (what === 'toggle') {
      await api.put(`/compliance/lexicons/${l.id}`, { disabled: !l.disabled });
      setNotice(`已${l.disabled ? '启用' : '停用'}词库“${name}”`);
    } else {
      await api.del(`/compliance/lexicons/${l.id}`);
      if (lexiconSource(l) === 'own' && open === l.id) setOpen(null);
      setNotice(lexiconSource(l) === 'own' ? `已删除词库“${name}”` : `词库“${name}”已恢复为系统内置版本`);
    }
    await list.reload();
  });
  return (
    <div data-testid="lexicons-tab">
      <p className="muted">词库用于保密审查：敏感词、错别字和内部或保密标识短语在撰写和审核时提示。修改对所有机构立即生效，只有最上级机构的管理员可以修改。</p>
      <ErrorBanner error={list.error ?? act.error} labelOf={lexiconFieldLabel} />
      {notice ? (
        <p className="alert alert-ok" role="status" data-testid="lexicon-notice">
          {notice}
        </p>
      ) : null}
      {list.loading && !list.data ? <Loading what="词库" /> : null}
      <table className="table" data-testid="lexicon-table">
        <caption className="sr-only">词库</caption>
        <thead>
          <tr>
            <th scope="col">词库</th>
            <th scope="col">类型</th>
            <th scope="col">级别</th>
            <th scope="col">词条数</th>
            <th scope="col">来源</th>
            <th scope="col">状态</th>
            <th scope="col">最后修改</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.map((l) => {
            const name = lexiconName(list.data, l.id) ?? '';
            return (
              <tr key={l.id} data-lexicon={l.id}>
                <th scope="row">{name}</th>
                <td>{LEXICON_KIND_LABELS[l.kind] ?? '其他'}</td>
                <td>{l.severity ? (SEVERITY_LABELS[l.severity] ?? '—') : l.kind === 'secrecy' ? '禁止公开' : '—'}</td>
                <td data-testid="entry-count">{l.entryCount}</td>
                <td>{LEXICON_SOURCE_LABELS[lexiconSource(l)]}</td>
                <td>{l.disabled ? '已停用' : '使用中'}</td>
                <td className="small">{l.updatedAt ? fmtTime(l.updatedAt) : '—'}</td>
                <td>
                  {l.editable ? (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-expanded={open === l.id}
                        onClick={() => setOpen(open === l.id ? null : l.id)}
                        aria-label={`编辑词条：${name}`}
                      >
                        编辑词条
                      </button>{' '}
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={act.busy}
                        onClick={() => void act.run(l, 'toggle')}
                        aria-label={`${l.disabled ? '启用' : '停用'}：${name}`}
                      >
                        {l.disabled ? '启用' : '停用'}
                      </button>{' '}
                      {lexiconSource(l) !== 'shipped' ? (
                        confirm === l.id ? (
                          <button type="button" className="btn btn-small btn-danger" disabled={act.busy} onClick={() => void act.run(l, 'revert')}>
                            {lexiconSource(l) === 'own' ? '确认删除词库' : '确认恢复'}
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="btn btn-small"
                            onClick={() => setConfirm(l.id)}
                            aria-label={`${lexiconSource(l) === 'own' ? '删除词库' : '恢复内置版本'}：${name}`}
                          >
                            {lexiconSource(l) === 'own' ? '删除词库' : '恢复内置版本'}
                          </button>
                        )
                      ) : null}
                    </>
                  ) : (
                    <span className="muted">以配置文件维护</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {open && list.data?.some((l) => l.id === open) ? (
        <LexiconEditor key={open} summary={list.data.find((l) => l.id === open)!} name={lexiconName(list.data, open) ?? ''} onChanged={list.reload} />
      ) : null}
      <NewLexicon
        onDone={async (id, name) => {
          await list.reload();
          setOpen(id);
          setNotice(`已新建词库“${name}”，请添加词条`);
        }}
      />
    </div>
  );
}

/** A new list: its name, kind and level; the id is made here (ids are internal: letters, digits, -). */
function NewLexicon({ onDone }: { onDone(id: string, name: string): Promise<void> }) {
  const [f, setF] = useState({ name: '', kind: 'sensitive', severity: 'review' });
  const [problem, setProblem] = useState('');
  const { error, onSubmit, busy } = useSubmit(async () => {
    const name = f.name.trim();
    setProblem('');
    if (!name) return setProblem('请填写词库名称');
    if ([...name].length > 30) return setProblem('词库名称不能超过30个字');
    const id = `local-${Date.now().toString(36)}`;
    const doc: Record<string, unknown> = { kind: f.kind, category: name };
    if (f.kind === 'sensitive') Object.assign(doc, { severity: f.severity, terms: [] });
    if (f.kind === 'typos') Object.assign(doc, { severity: 'warn', pairs: [] });
    if (f.kind === 'secrecy') Object.assign(doc, { phrases: [] });
    await api.put(`/compliance/lexicons/${id}`, { doc });
    setF({ name: '', kind: 'sensitive', severity: 'review' });
    await onDone(id, name);
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="h-new-lex" noValidate>
      <h3 id="h-new-lex">新建词库</h3>
      <ErrorBanner error={error} labelOf={lexiconFieldLabel} />
      <div className="grid-3">
        <div className="field">
          <label htmlFor="nl-name">词库名称</label>
          <input
            id="nl-name"
            value={f.name}
            onChange={(e) => setF({ ...f, name: e.target.value })}
            aria-describedby="nl-name-err"
            aria-invalid={!!problem || undefined}
          />
          {problem ? (
            <p className="field-error" id="nl-name-err" role="alert">
              {problem}
            </p>
          ) : (
            <FieldError error={error} field="doc" id="nl-name-err" />
          )}
        </div>
        <div className="field">
          <label htmlFor="nl-kind">类型</label>
          <select id="nl-kind" value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
            <option value="sensitive">敏感词</option>
            <option value="typos">错别字</option>
            <option value="secrecy">涉密短语（禁止公开）</option>
          </select>
        </div>
        {f.kind === 'sensitive' ? (
          <div className="field">
            <label htmlFor="nl-severity">级别</label>
            <select id="nl-severity" value={f.severity} onChange={(e) => setF({ ...f, severity: e.target.value })}>
              {Object.entries(SEVERITY_LABELS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </div>
      <button className="btn btn-primary" type="submit" disabled={busy}>
        新建词库
      </button>
    </form>
  );
}
