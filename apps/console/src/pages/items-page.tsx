import { FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorBanner } from '../components/error-banner';
import { Loading } from '../components/loading';
import { StatusBadge } from '../components/state-badge';
import { api, qs } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useAsync, usePageTitle } from '../lib/hooks';
import { fmtTime, KIND_LABELS, STATUS_LABELS } from '../lib/labels';
import type { ItemList } from '../lib/types';

export function ItemsPage() {
  const h1 = usePageTitle('信息列表');
  const { orgName, hasRole } = useAuth();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const view = params.get('view') ?? '';
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? 1);
  const [text, setText] = useState(q);
  // The search box follows the URL when it changes underneath (back / forward), not only on first render.
  const [shownQ, setShownQ] = useState(q);
  if (shownQ !== q) {
    setShownQ(q);
    setText(q);
  }
  const list = useAsync(() => api.get<ItemList>(`/items${qs({ status, view, q, page, pageSize: 30 })}`), [status, view, q, page]);
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    if (k !== 'page') p.delete('page');
    setParams(p);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    set('q', text.trim());
  };
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;
  return (
    <section className="page">
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          信息列表
        </h1>
        {hasRole('editor') && (
          <Link className="btn btn-primary" to="/items/new">
            写一条新信息
          </Link>
        )}
      </div>
      <form className="filters" onSubmit={search} role="search">
        <div className="field">
          <label htmlFor="f-q">标题 / 索引号 / 文号</label>
          <input id="f-q" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-status">状态</label>
          <select id="f-status" value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">全部</option>
            {Object.entries(STATUS_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-view">范围</label>
          <select id="f-view" value={view} onChange={(e) => set('view', e.target.value)}>
            <option value="">我可见的全部</option>
            <option value="mine">我撰写的</option>
            {hasRole('reviewer') && <option value="review">待我审核</option>}
          </select>
        </div>
        <button className="btn" type="submit">
          查询
        </button>
      </form>
      <ErrorBanner error={list.error} />
      {list.loading && !list.data ? (
        <Loading what="信息" />
      ) : (
        <>
          <table className="table">
            <caption className="sr-only">信息列表，共 {list.data?.total ?? 0} 条</caption>
            <thead>
              <tr>
                <th scope="col">标题</th>
                <th scope="col">索引号</th>
                <th scope="col">类别</th>
                <th scope="col">机构</th>
                <th scope="col">状态</th>
                <th scope="col">更新时间</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.items.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/items/${i.id}`}>{i.title}</Link>
                  </td>
                  <td className="mono">{i.indexNo}</td>
                  <td>{KIND_LABELS[i.kind] ?? i.kind}</td>
                  <td>{orgName(i.organisationId)}</td>
                  <td>
                    <StatusBadge status={i.status} />
                  </td>
                  <td>{fmtTime(i.updatedAt)}</td>
                </tr>
              ))}
              {list.data && !list.data.items.length && (
                <tr>
                  <td colSpan={6} className="muted">
                    没有符合条件的信息
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <nav className="pager" aria-label="分页">
            <button className="btn" type="button" disabled={page <= 1} onClick={() => set('page', String(page - 1))}>
              上一页
            </button>
            <span>
              第 {page} / {pages} 页（共 {list.data?.total ?? 0} 条）
            </span>
            <button className="btn" type="button" disabled={page >= pages} onClick={() => set('page', String(page + 1))}>
              下一页
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
