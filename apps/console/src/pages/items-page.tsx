import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { ErrorBanner } from '../components/error-banner';
import { countText, ListPager } from '../components/list-pager';
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
  // Keyset pages: the URL holds the page's cursor (with the filters); the cursors of the pages before it
  // travel in the history entry's state, for 上一页 (a page opened from a link has none: 上一页 goes to the first).
  const cursor = params.get('cursor') ?? '';
  const trail: string[] = (useLocation().state as { trail?: string[] } | null)?.trail ?? [];
  const list = useAsync(() => api.get<ItemList>(`/items${qs({ ...filters, cursor, pageSize: 30 })}`), [params.toString()]);
  const apply = (f: Filters) => {
    const p = new URLSearchParams();
    for (const k of FILTER_KEYS) if (f[k]) p.set(k, f[k]);
    setParams(p);
  };
  const goTo = (next: string, nextTrail: string[]) => {
    const p = new URLSearchParams(params);
    if (next) p.set('cursor', next);
    else p.delete('cursor');
    setParams(p, { state: { trail: nextTrail } });
  };
  const pageNo = cursor && !trail.length ? null : trail.length + 1;
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
            <caption className="sr-only">信息列表，{countText(list.data)}</caption>
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
          <ListPager
            page={pageNo}
            count={list.data}
            hasPrev={!!cursor}
            hasNext={!!list.data?.nextCursor}
            busy={list.loading}
            onPrev={() => goTo(trail[trail.length - 1] ?? '', trail.slice(0, -1))}
            onNext={() => goTo(list.data!.nextCursor!, [...trail, cursor])}
          />
        </>
      )}
    </section>
  );
}
