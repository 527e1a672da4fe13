import { useMemo } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, qs } from '../../lib/api';
import { useAsync } from '../../lib/hooks';
import { MonthlyChart, MonthlySeries } from './monthly-chart';
import { ChannelCounts } from './stats-types';

/** A year month by month, per channel type, with the table behind the chart. */
export function MonthlyPanel({ org, subtree, year }: { org: string; subtree: boolean; year: number }) {
  const months = useAsync(
    () =>
      Promise.all(
        Array.from({ length: 12 }, (_, i) => api.get<ChannelCounts>(`/stats/channel-counts${qs({ org, subtree: String(subtree), year, month: i + 1 })}`)),
      ),
    [org, subtree, year],
  );
  const series = useMemo<MonthlySeries[]>(() => {
    if (!months.data) return [];
    const labels = new Map<string, string>();
    months.data.forEach((m) => m.byChannelType.forEach((c) => labels.set(c.channelType, c.label)));
    const out = [...labels].map(([type, label]) => ({ label, data: months.data!.map((m) => m.byChannelType.find((c) => c.channelType === type)?.items ?? 0) }));
    out.unshift({ label: '合计（去重）', data: months.data.map((m) => m.total) });
    return out;
  }, [months.data]);
  return (
    <section className="card" aria-labelledby="h-monthly">
      <h2 id="h-monthly">{year}年各月分渠道发布数</h2>
      <ErrorBanner error={months.error} />
      {months.loading && !months.data ? <Loading what="月度数据" /> : null}
      {months.data ? (
        <>
          <MonthlyChart series={series} title={`${year}年各月分渠道发布数`} />
          <details>
            <summary>图表数据</summary>
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">渠道</th>
                  {Array.from({ length: 12 }, (_, i) => (
                    <th key={i} scope="col">
                      {i + 1}月
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {series.map((s) => (
                  <tr key={s.label}>
                    <th scope="row">{s.label}</th>
                    {s.data.map((v, i) => (
                      <td key={i} className="num">
                        {v}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      ) : null}
    </section>
  );
}
