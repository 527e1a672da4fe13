import { fmtTime } from '../../lib/labels';
import { ReportDoc } from './stats-types';

/** Layout C (通报): each account's items, last publication and whether it is over its limit. */
export function BulletinAccounts({ b }: { b: NonNullable<ReportDoc['bulletin']> }) {
  return (
    <div>
      <h3>
        账号更新情况（截至 {b.referenceDate}，{b.staleAccounts} 个账号超期未更新）
      </h3>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">账号</th>
            <th scope="col">机构</th>
            <th scope="col">本期发布</th>
            <th scope="col">最近发布</th>
            <th scope="col">距今天数</th>
          </tr>
        </thead>
        <tbody>
          {b.accounts.map((a) => (
            <tr key={a.accountId} className={a.stale ? 'row-bad' : ''}>
              <th scope="row">{a.name}</th>
              <td>{a.organisationName}</td>
              <td className="num">{a.items}</td>
              <td>{a.lastPublishedAt ? fmtTime(a.lastPublishedAt) : '从未'}</td>
              <td className="num">
                {a.daysSinceLast ?? '—'}
                {a.stale ? `（超过${a.staleLimitDays}天）` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
