import { Link } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, download, qs } from '../../lib/api';
import { useAsync } from '../../lib/hooks';
import { KIND_LABELS } from '../../lib/labels';
import { CellDrill, Scope, scopeQuery } from './stats-types';

/** The items behind one number: every computed cell drills down to its ledger rows. */
export function DrillPanel({
  template,
  cell,
  label,
  value,
  scope,
  onClose,
}: {
  template: string;
  cell: string;
  label: string;
  value: number | null;
  scope: Scope;
  onClose(): void;
}) {
  const q = scopeQuery(scope);
  const drill = useAsync(
    () => api.get<CellDrill>(`/stats/reports/${template}/cells/${encodeURIComponent(cell)}/items${qs({ ...q, limit: 500 })}`),
    [template, cell, JSON.stringify(q)],
  );
  return (
    <section className="card drill" aria-labelledby="h-drill" data-testid="drill-panel">
      <div className="page-head">
        <h2 id="h-drill" tabIndex={-1} ref={(el) => el?.focus()}>
          {label}：{value ?? '—'} 条的明细
        </h2>
        <div>
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              download(`/stats/reports/${template}/cells/${encodeURIComponent(cell)}/items${qs({ ...q, format: 'csv' })}`, `${template}-${cell}.csv`)
            }
          >
            导出明细 CSV
          </button>{' '}
          <button type="button" className="btn btn-small" onClick={onClose}>
            关闭明细
          </button>
        </div>
      </div>
      {drill.loading && !drill.data ? <Loading what="明细" /> : null}
      <ErrorBanner error={drill.error} />
      {drill.data ? (
        <>
          <p data-testid="drill-total">
            {drill.data.frozen ? '封存时计入' : '共'} {drill.data.total} 条信息
            {drill.data.total !== value && value !== null ? `（与表中数字 ${value} 不一致，请联系管理员）` : '，与表中数字一致'}。
            {drill.data.sinceFreeze && drill.data.sinceFreeze.left ? `其中 ${drill.data.sinceFreeze.left} 条封存后已不再符合本项（已标注）。` : ''}
          </p>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">标题</th>
                <th scope="col">索引号</th>
                <th scope="col">机构</th>
                <th scope="col">类别</th>
                <th scope="col">发布渠道与时间（北京时间）</th>
              </tr>
            </thead>
            <tbody>
              {drill.data.items.map((i) => (
                <tr key={i.itemId} className={i.afterFreeze ? 'after-freeze' : i.leftSinceFreeze ? 'left-since-freeze' : ''}>
                  <td>
                    <Link to={`/items/${i.itemId}`}>{i.title}</Link>
                    {i.leftSinceFreeze ? <span className="badge">封存后已移出</span> : null}
                  </td>
                  <td className="mono">{i.indexNo}</td>
                  <td>{i.organisationName}</td>
                  <td>{KIND_LABELS[i.kind] ?? i.kind}</td>
                  <td>
                    <ul className="plain-list">
                      {i.publications.map((p) => (
                        <li key={p.recordId}>
                          {p.accountName ?? p.channelType} · {p.publishedAtBeijing}
                          {p.manual ? '（人工登记）' : ''}
                          {p.imported ? '（已导入）' : ''}
                          {p.withdrawnAt ? '（已撤回）' : ''}{' '}
                          {p.externalUrl ? (
                            <a href={p.externalUrl} target="_blank" rel="noopener noreferrer">
                              链接
                            </a>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {drill.data.sinceFreeze && drill.data.sinceFreeze.joinedTotal ? (
            <div data-testid="drill-joined">
              <h3>封存后新进入本项的信息（{drill.data.sinceFreeze.joinedTotal} 条，不计入封存数字）</h3>
              <ul>
                {drill.data.sinceFreeze.joined.map((i) => (
                  <li key={i.itemId} className="after-freeze">
                    <Link to={`/items/${i.itemId}`}>{i.title}</Link>（{i.indexNo}，{i.organisationName}）
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
