import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { Checks } from './checks-list';
import { ChannelCounts } from './stats-types';

/** Items published in the scope and period: the total, per channel type and per account, with the checks. */
export function CountsSummary({ counts, error, loading }: { counts?: ChannelCounts; error: unknown; loading: boolean }) {
  return (
    <section className="card" aria-labelledby="h-counts">
      <h2 id="h-counts">分渠道发布数（不同渠道公开同一信息计 1 条）</h2>
      <ErrorBanner error={error} />
      {loading && !counts ? <Loading what="统计" /> : null}
      {counts ? (
        <div className="grid-2">
          <div>
            <p className="big-number" data-testid="stats-total">
              {counts.total} <small>条</small>
            </p>
            <table className="table compact" data-testid="counts-by-channel">
              <caption className="sr-only">按渠道</caption>
              <thead>
                <tr>
                  <th scope="col">渠道</th>
                  <th scope="col">信息数</th>
                </tr>
              </thead>
              <tbody>
                {counts.byChannelType.map((c) => (
                  <tr key={c.channelType} data-channel={c.channelType}>
                    <th scope="row">{c.label}</th>
                    <td className="num">{c.items}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <table className="table compact">
              <caption>按账号</caption>
              <thead>
                <tr>
                  <th scope="col">账号</th>
                  <th scope="col">信息数</th>
                </tr>
              </thead>
              <tbody>
                {counts.byAccount.map((a) => (
                  <tr key={a.accountId}>
                    <th scope="row">{a.name ?? a.accountId}</th>
                    <td className="num">{a.items}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Checks title="分渠道发布数校验" checks={counts.checks.map((c) => ({ ...c, severity: 'error' as const }))} />
          </div>
        </div>
      ) : null}
    </section>
  );
}
