import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { fmtTime, KIND_LABELS } from '../../lib/labels';
import type { Gazette, GazetteIssue, GazetteIssuePublished, GazetteWaiting } from './gazette-types';
import { GazetteIssuePreview } from './gazette-preview';

/** 政府公报: what waits for the next issue, compile it (re-compile until published), publish it. A published issue never changes. */
export function GazettePanel() {
  const gazettes = useAsync(() => api.get<Gazette[]>('/gazette'), []);
  const [account, setAccount] = useState('');
  useEffect(() => {
    if (!account && gazettes.data?.length) setAccount(gazettes.data[0].accountId);
  }, [account, gazettes.data]);
  const issues = useAsync(() => (account ? api.get<GazetteIssue[]>(`/gazette/${account}/issues`) : Promise.resolve([])), [account]);
  const waiting = useAsync(
    () => (account ? api.get<GazetteWaiting>(`/gazette/${account}/waiting`) : Promise.resolve<GazetteWaiting>({ deliveries: [], errata: [] })),
    [account],
  );
  const [notice, setNotice] = useState('');
  const [preview, setPreview] = useState<string | null>(null);
  const post = useSubmit(async (path: string, msg: (r: unknown) => string) => {
    setNotice('');
    const r = await api.post<unknown>(path);
    setNotice(msg(r));
    await Promise.all([issues.reload(), waiting.reload(), gazettes.reload()]);
  });
  if (gazettes.loading && !gazettes.data) return <Loading what="政府公报" />;
  if (gazettes.error) return <ErrorBanner error={gazettes.error} />;
  if (!gazettes.data?.length) return <p className="muted">没有配置政府公报。</p>;
  const g = gazettes.data.find((x) => x.accountId === account) ?? gazettes.data[0];
  // Each button names its reply's type; the action sees the reply as unknown (api.post<T> only asserts it anyway).
  const act = <T,>(path: string, msg: (r: T) => string) => post.run(path, (r) => msg(r as T));
  const open = (issues.data ?? []).find((i) => i.status !== 'published');
  return (
    <div data-testid="gazette-panel">
      <div className="filters">
        <div className="field">
          <label htmlFor="g-account">公报</label>
          <select id="g-account" value={g.accountId} onChange={(e) => setAccount(e.target.value)}>
            {gazettes.data.map((x) => (
              <option key={x.accountId} value={x.accountId}>
                {x.title}
              </option>
            ))}
          </select>
        </div>
        <p className="muted">
          {g.frequencyLabel} · 刊登：{g.kinds.map((k) => KIND_LABELS[k] ?? k).join('、')} · 最新一期：
          {g.lastIssue ? `${g.lastIssue.label}（${fmtTime(g.lastIssue.publishedAt)}）` : '尚未出版'} ·{' '}
          <a href={g.url} target="_blank" rel="noopener noreferrer">
            电子版
          </a>{' '}
          ·{' '}
          <a href={g.feedUrl} target="_blank" rel="noopener noreferrer" title="Atom 格式">
            订阅源
          </a>{' '}
          ·{' '}
          <a href={g.openDataUrl} target="_blank" rel="noopener noreferrer">
            开放数据
          </a>
        </p>
      </div>
      {g.problems.length ? (
        <div className="alert alert-warn">
          公报设置有问题：
          <ul>
            {g.problems.map((p, i) => (
              <li key={i}>
                {p.field}：{p.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorBanner error={post.error ?? issues.error ?? waiting.error} />
      {notice ? (
        <p className="alert alert-ok" role="status" data-testid="gazette-notice">
          {notice}
        </p>
      ) : null}
      <section className="card" aria-labelledby="h-g-waiting">
        <h3 id="h-g-waiting">
          等待刊登（{waiting.data?.deliveries.length ?? 0} 篇{waiting.data?.errata.length ? `，勘误 ${waiting.data.errata.length} 条` : ''}）
        </h3>
        {waiting.data?.deliveries.length ? (
          <ul data-testid="gazette-waiting">
            {waiting.data.deliveries.map((d) => (
              <li key={d.deliveryId}>
                <Link to={`/items/${d.itemId}`}>{d.title}</Link>{' '}
                <span className="muted">
                  {d.docNo ?? ''} · {KIND_LABELS[d.kind] ?? d.kind} · 自 {fmtTime(d.waitingSince)}
                  {d.issueId ? ' · 已编入待出版的一期' : ''}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">没有等待刊登的信息。</p>
        )}
        <button
          type="button"
          className="btn btn-primary"
          onClick={() =>
            void act<GazetteIssue>(
              `/gazette/${g.accountId}/issues/compile`,
              (r) => `已编排${r.label}：${r.articleCount} 篇${r.errataCount ? `，勘误 ${r.errataCount} 条` : ''}`,
            )
          }
          disabled={post.busy || (!waiting.data?.deliveries.length && !waiting.data?.errata.length)}
          data-testid="gazette-compile"
        >
          {open ? '重新编排下一期' : '编排下一期'}
        </button>
      </section>
      {issues.loading && !issues.data ? <Loading what="期次" /> : null}
      {(issues.data ?? []).map((i) => (
        <section key={i.id} className="card" aria-labelledby={`h-issue-${i.id}`} data-issue={i.id}>
          <div className="page-head">
            <h3 id={`h-issue-${i.id}`}>
              {i.label}{' '}
              <small className="muted">
                {i.status === 'published' ? `已出版 ${fmtTime(i.publishedAt)}` : i.status === 'compiled' ? `已编排 ${fmtTime(i.compiledAt)}，待出版` : '草稿'}
              </small>
            </h3>
            <div className="actions">
              {i.url && i.status === 'published' ? (
                <a className="btn" href={i.url} target="_blank" rel="noopener noreferrer">
                  查看本期
                </a>
              ) : null}
              {i.status !== 'published' && i.articleCount + i.errataCount > 0 ? (
                <button
                  type="button"
                  className="btn"
                  aria-expanded={preview === i.id}
                  onClick={() => setPreview(preview === i.id ? null : i.id)}
                  data-testid="gazette-preview-open"
                >
                  {preview === i.id ? '收起预览' : '版面预览'}
                </button>
              ) : null}
              {i.status === 'compiled' ? (
                <button
                  type="button"
                  className="btn btn-primary"
                  data-testid="gazette-publish"
                  disabled={post.busy}
                  onClick={() =>
                    window.confirm(`出版后${i.label}不能再更改，确定出版吗？`) &&
                    void act<GazetteIssuePublished>(`/gazette/issues/${i.id}/publish`, (r) => `${r.issue.label}已出版，${r.issue.articleCount} 篇信息同时发布`)
                  }
                >
                  出版本期
                </button>
              ) : null}
            </div>
          </div>
          {preview === i.id ? <GazetteIssuePreview issueId={i.id} version={String(i.compiledAt)} onClose={() => setPreview(null)} /> : null}
          {i.toc.sections.map((s) => (
            <div key={s.title}>
              <h4>{s.title}</h4>
              <ol className="plain-list">
                {s.entries.map((e) => (
                  <li key={e.entryId}>
                    {e.position}. {e.erratum ? `【勘误】${e.erratum.correctsLabel}：${e.erratum.text}` : <Link to={`/items/${e.itemId}`}>{e.title}</Link>}{' '}
                    <span className="muted">{e.docNo ?? ''}</span>
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}
