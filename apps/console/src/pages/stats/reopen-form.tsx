import { FormEvent, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { api, ApiError } from '../../lib/api';
import { useSubmit } from '../../lib/hooks';
import { ReopenResult } from './stats-types';

/**
 * 重新打开（退回重填）: when the level above returns a bundle, the frozen report is reopened with a reason
 * (kept in the freeze history), corrected and signed off again.
 */
export function ReopenForm({
  template,
  org,
  year,
  subtree,
  onReopened,
}: {
  template: string;
  org: string;
  year: number;
  subtree: boolean;
  onReopened(r: ReopenResult): void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const reopen = useSubmit(async () => {
    const r = await api.post<ReopenResult>(`/stats/reports/${template}/reopen`, { org, year, subtree, reason });
    setOpen(false);
    setReason('');
    onReopened(r);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const what = `${year} 年度报表${subtree ? '（含下级单位）' : '（本单位）'}`;
    if (window.confirm(`重新打开后，${what}的本次封存转为历史记录，需修改后重新签署封存才能再次报送。确定重新打开吗？`)) void reopen.run();
  };
  const reasonErrors = reopen.error instanceof ApiError ? reopen.error.forField('reason') : [];
  return (
    <section className="card" aria-labelledby="h-reopen">
      <h2 id="h-reopen">重新打开（退回重填）</h2>
      <p className="muted">上级退回报送包、需要更正时使用：本次封存保留为历史记录，手工填报数可再修改，修改后重新封存并生成新的报送包。</p>
      {open ? (
        <form onSubmit={submit}>
          <ErrorBanner error={reopen.error} fieldsShown={['reason']} />
          <div className="field">
            <label htmlFor="reopen-reason">重新打开的原因（如上级退回意见）</label>
            <textarea
              id="reopen-reason"
              rows={3}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              required
              aria-describedby="reopen-reason-err"
            />
            {reasonErrors.length ? (
              <p className="field-error" id="reopen-reason-err">
                {reasonErrors.join('；')}
              </p>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" className="btn btn-danger" disabled={reopen.busy || reason.trim().length < 2} data-testid="reopen-confirm">
              确认重新打开
            </button>
            <button type="button" className="btn" onClick={() => (setOpen(false), reopen.setError(undefined))}>
              取消
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="reopen-open">
          重新打开（退回重填）
        </button>
      )}
    </section>
  );
}
