import { useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { download, qs } from '../../lib/api';
import { useSubmit } from '../../lib/hooks';

const beijingMonth = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);

/** This month and the 35 before it, newest first ("2026-12"). */
function recentMonths(): string[] {
  const [y, m] = beijingMonth().split('-').map(Number);
  return Array.from({ length: 36 }, (_, i) => {
    const t = y * 12 + (m - 1) - i;
    return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
  });
}

/**
 * 月度自查表 (GET stats/self-check, format=xlsx): the inspection indicators of 国办秘函〔2019〕19号 and the
 * month's publications of the selected organisation (and its subtree), as the workbook sent upward.
 */
export function SelfCheckExport({ org, subtree }: { org: string; subtree: boolean }) {
  const [month, setMonth] = useState(beijingMonth());
  const [notice, setNotice] = useState('');
  const { run, busy, error } = useSubmit(async () => {
    setNotice('');
    const name = await download(`/stats/self-check${qs({ org, subtree, month, format: 'xlsx' })}`, `自查表-${month}.xlsx`);
    setNotice(`已下载 ${name}`);
  });
  return (
    <section className="card" aria-labelledby="h-self-check">
      <div className="page-head">
        <h2 id="h-self-check">月度自查表</h2>
        <div className="actions">
          <label>
            月份{' '}
            <select value={month} onChange={(e) => setMonth(e.target.value)} data-testid="self-check-month">
              {recentMonths().map((v) => (
                <option key={v} value={v}>
                  {`${v.slice(0, 4)}年${Number(v.slice(5))}月`}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn" onClick={() => void run()} disabled={!org || !month || busy} data-testid="export-self-check">
            导出月度自查表
          </button>
        </div>
      </div>
      <p className="muted">按政府网站与政务新媒体检查指标自查：栏目更新、空白栏目、新媒体两周更新、政策解读、发布日期核查，附本月各单位、各渠道发布情况。</p>
      <ErrorBanner error={error} />
      {notice ? (
        <p className="alert alert-ok" role="status">
          {notice}
        </p>
      ) : null}
    </section>
  );
}
