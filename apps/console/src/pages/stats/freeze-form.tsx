import { FormEvent, useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { api, ApiError } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useSubmit } from '../../lib/hooks';
import { Signoff } from './stats-types';

/** Sign-off of an annual report: who filled, reviewed and answers for it; freezes its numbers. */
export function FreezeForm({ template, org, year, subtree, onFrozen }: { template: string; org: string; year: number; subtree: boolean; onFrozen(): void }) {
  const { user } = useAuth();
  const [s, setS] = useState<Signoff>({
    unitHead: '',
    reviewer: '',
    preparer: user?.displayName ?? '',
    phone: '',
    filledDate: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
  });
  const freeze = useSubmit(async () => {
    await api.post(`/stats/reports/${template}/freeze`, { org, year, subtree, signoff: s });
    onFrozen();
  });
  const { error, busy } = freeze;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (window.confirm(`封存后 ${year} 年度报表的数字将不再变化，确定封存吗？`)) void freeze.run();
  };
  const reasons = (k: keyof Signoff) => (error instanceof ApiError ? [...error.forField(`signoff.${k}`), ...error.forField(k)] : []);
  const f = (k: keyof Signoff, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`so-${k}`}>{label}</label>
      <input id={`so-${k}`} type={type} value={s[k]} onChange={(e) => setS({ ...s, [k]: e.target.value })} required aria-describedby={`so-${k}-err`} />
      {reasons(k).length ? (
        <p className="field-error" id={`so-${k}-err`}>
          {reasons(k).join('；')}
        </p>
      ) : null}
    </div>
  );
  return (
    <section className="card" aria-labelledby="h-freeze">
      <h2 id="h-freeze">封存年度报表</h2>
      <p className="muted">封存即签署：封存后数字不再随台账变化，并可查看封存后台账的变化。</p>
      <ErrorBanner error={error} fieldsShown={['signoff']} />
      <form onSubmit={submit} className="grid-3">
        {f('unitHead', '单位负责人')}
        {f('reviewer', '审核人')}
        {f('preparer', '填报人')}
        {f('phone', '联系电话', 'tel')}
        {f('filledDate', '填报日期', 'date')}
        <div className="field">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            封存
          </button>
        </div>
      </form>
    </section>
  );
}
