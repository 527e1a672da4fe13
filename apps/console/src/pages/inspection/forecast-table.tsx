import type { TargetResult } from '../../../../../libs/compliance/src/inspection/inspection.types';

const STATUS: Record<TargetResult['status'], string> = { ok: '正常', stale: '已超期', blank: '空白栏目' };

function left(t: TargetResult): string {
  if (t.daysLeft === null) return '—';
  if (t.daysLeft <= 0) return '已超期';
  return `${t.daysLeft}天（工作日${t.workingDaysLeft}天）`;
}

/** Each column and account: its rule, last update, the breach date given what is scheduled, and the next reminder. */
export function ForecastTable({ targets }: { targets: TargetResult[] }) {
  const rows = [...targets].sort((a, b) => (a.breachDate ?? '0000').localeCompare(b.breachDate ?? '0000') || a.name.localeCompare(b.name, 'zh'));
  if (!rows.length) return <p className="muted">没有需要检查的网站栏目或政务新媒体账号。</p>;
  return (
    <table className="table" data-testid="inspection-forecast">
      <caption className="sr-only">各栏目、各账号的超期预测</caption>
      <thead>
        <tr>
          <th scope="col">网站或账号</th>
          <th scope="col">栏目</th>
          <th scope="col">要求</th>
          <th scope="col">最近更新</th>
          <th scope="col">预测</th>
          <th scope="col">剩余</th>
          <th scope="col">状态</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.key} data-target={t.key} data-status={t.status}>
            <td>{t.accountName}</td>
            <td>{t.kind === 'column' ? t.name : '（政务新媒体）'}</td>
            <td>{t.ruleLabel}</td>
            <td>{t.lastPublishedDate ?? '从未发布'}</td>
            <td>
              {t.forecast ?? t.message}
              {t.scheduledCount ? <span className="muted">（含已安排的定时发布 {t.scheduledCount} 条）</span> : null}
            </td>
            <td>{left(t)}</td>
            <td>{STATUS[t.status]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
