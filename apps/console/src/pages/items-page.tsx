import { Link, useSearchParams } from 'react-router-dom';
import { ErrorBanner } from '../components/error-banner';
import { Loading } from '../components/loading';
import { StatusBadge } from '../components/state-badge';
import { api, qs } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useAsync, usePageTitle } from '../lib/hooks';
import { fmtTime, KIND_LABELS } from '../lib/labels';
import type { ItemList } from '../lib/types';
import { FILTER_KEYS, type Filters, filtersOf, ItemsFilters } from './items-filters';

export function ItemsPage() {
  const h1 = usePageTitle('信息列表');
  const { orgName, can } = useAuth();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const page = Number(params.get('page') ?? 1);
  const list = useAsync(() => api.get<ItemList>(`/items${qs({ ...filters, page, pageSize: 30 })}`), [params.toString()]);
  const apply = (f: Filters) => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) if (f[k]) p.set(k, f[k]);
    setParams(p);
  };
  const setPage = (n: number) => {
    const p = new URLSearchParams(params);
    p.set('page', String(n));
    setParams(p);
  };
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / list.data.pageSize)) : 1;
  return (
    <section className="page">
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          信息列表
        </h1>
        {can('item.create') && (
          <Link className="btn btn-primary" to="/items/new">
            写一条新信息
          </Link>
        )}
      </div>
      <ItemsFilters value={filters} onApply={apply} />
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
                <th scope="col">主题分类</th>
                <th scope="col">机构</th>
                <th scope="col">状态</th>
                <th scope="col">发布日期</th>
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
                  <td>{i.category}</td>
                  <td>{orgName(i.organisationId)}</td>
                  <td>
                    <StatusBadge status={i.status} />
                  </td>
                  <td>{i.publishDate ?? ''}</td>
                  <td>{fmtTime(i.updatedAt)}</td>
                </tr>
              ))}
              {list.data && !list.data.items.length && (
                <tr>
                  <td colSpan={8} className="muted">
                    没有符合条件的信息
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <nav className="pager" aria-label="分页">
            <button className="btn" type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              上一页
            </button>
            <span>
              第 {page} / {pages} 页（共 {list.data?.total ?? 0} 条）
            </span>
            <button className="btn" type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              下一页
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
