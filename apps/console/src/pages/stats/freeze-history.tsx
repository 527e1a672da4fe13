import { ErrorBanner } from '../../components/error-banner';
import { api, qs } from '../../lib/api';
import { useAsync } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import { FreezesView } from './stats-types';

/**
 * The earlier freezes of the report variant shown, each reopened (退回重填): when, by whom, why. Shown
 * whether the report is frozen again or not; nothing when it was never reopened.
 */
export function FreezeHistory({ template, org, year, subtree, current }: { template: string; org: string; year: number; subtree: boolean; current: string }) {
  const v = useAsync(
    () => api.get<FreezesView>(`/stats/reports/${template}/freezes${qs({ org, year, subtree: String(subtree) })}`),
    [template, org, year, subtree, current],
  );
  const history = v.data?.history ?? [];
  if (!v.error && !history.length) return null;
  return (
    <section className="card" aria-labelledby="h-freeze-history">
      <h2 id="h-freeze-history">封存历史</h2>
      <ErrorBanner error={v.error} />
      {v.data && !v.data.current && history.length ? <p className="alert alert-info">本报表已重新打开（退回重填），尚未重新封存，暂不能生成报送包。</p> : null}
      <ol className="freeze-history" data-testid="freeze-history">
        {history.map((h) => (
          <li key={h.id}>
            {fmtTime(h.frozenAt)} 由 {h.frozenByName ?? '（未知用户）'} 封存（填报人：{h.signoff.preparer}；审核人：{h.signoff.reviewer}；单位负责人：
            {h.signoff.unitHead}），{fmtTime(h.reopenedAt)} 由 {h.reopenedByName ?? '（未知用户）'} 重新打开。原因：{h.reason}
          </li>
        ))}
      </ol>
    </section>
  );
}
