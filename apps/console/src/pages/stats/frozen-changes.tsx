import { Link } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { api, qs } from '../../lib/api';
import { useAsync } from '../../lib/hooks';
import { FrozenView } from './stats-types';

/**
 * What changed in the ledger since a report was frozen (the variant shown: with the subtree or own items
 * only): cells that differ now or whose documents changed, publications added.
 */
export function FrozenChanges({ template, org, year, subtree }: { template: string; org: string; year: number; subtree: boolean }) {
  const v = useAsync(
    () => api.get<FrozenView>(`/stats/reports/${template}/frozen${qs({ org, year, subtree: String(subtree) })}`),
    [template, org, year, subtree],
  );
  const c = v.data?.changesSinceFreeze;
  return (
    <section className="card" aria-labelledby="h-frozen">
      <h2 id="h-frozen">封存后台账的变化</h2>
      <ErrorBanner error={v.error} />
      {c ? (
        c.changedCells === 0 && !c.addedItems.length ? (
          <p>封存后台账没有变化。</p>
        ) : (
          <>
            <p>有 {c.changedCells} 个数字与当前台账不同：</p>
            <ul>
              {c.cells
                .filter((x) => x.changed)
                .map((x) => (
                  <li key={x.cellId}>
                    {x.label}：封存时 {x.frozen ?? '—'}，当前 {x.current ?? '—'}
                    {x.joined || x.left ? `（封存后新进入 ${x.joined ?? 0} 件，移出 ${x.left ?? 0} 件）` : ''}
                  </li>
                ))}
            </ul>
            <h3>封存后新增的发布</h3>
            <ul>
              {c.addedItems.map((i) => (
                <li key={i.itemId}>
                  <Link to={`/items/${i.itemId}`}>{i.title}</Link>（{i.indexNo}，{i.records} 条发布记录）
                </li>
              ))}
            </ul>
          </>
        )
      ) : null}
    </section>
  );
}
