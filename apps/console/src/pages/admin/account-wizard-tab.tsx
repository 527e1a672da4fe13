import { useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { OrgOptions } from '../../components/org-options';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync } from '../../lib/hooks';
import type { AccountCheck } from '../../lib/platform-types';
import type { ChannelAccount, ChannelCapabilities } from '../../lib/types';
import { AccountCheckResult, useAccountCheck } from './account-check';
import { EditAccount } from './accounts-tab';

/** A check's answer in one word, for the summary. */
function verdict(r: AccountCheck | undefined): string {
  if (!r) return '未测试';
  if (!r.supported) return '暂不支持测试';
  return r.ok ? '通过' : '未通过';
}

/**
 * 渠道账号设置向导 (issue 18.3): the organisation's channel accounts one by one, each with its form (the
 * same as 渠道账号's, opened by 修改设置), 测试连接 and what the account can do; saving checks the account again. The
 * summary lists which accounts passed.
 */
export function AccountWizardTab() {
  const { orgsWith } = useAuth();
  const orgs = orgsWith('account.manage');
  const [organisationId, setOrganisationId] = useState(orgs[0]?.id ?? '');
  const accounts = useAsync(() => api.get<ChannelAccount[]>('/channel-accounts'), []);
  const caps = useAsync(() => api.get<ChannelCapabilities[]>('/channels'), []);
  const [step, setStep] = useState(0);
  const [results, setResults] = useState<Record<string, AccountCheck>>({});
  const { checked, setChecked, check } = useAccountCheck((id, r) => setResults((x) => ({ ...x, [id]: r })));
  const list = (accounts.data ?? []).filter((a) => a.organisationId === organisationId);
  const label = (t: string) => caps.data?.find((c) => c.type === t)?.label ?? '渠道';
  const at = Math.min(step, Math.max(list.length - 1, 0));
  const a = list[at];
  // the form (the same as 渠道账号's 修改) opens on demand, as there
  const [editing, setEditing] = useState(false);
  const go = (n: number) => {
    setStep(n);
    setChecked(null);
    setEditing(false);
  };
  return (
    <div data-testid="account-wizard">
      <h2>渠道账号设置向导</h2>
      <p className="muted">
        逐个检查本机构的渠道账号：核对设置和凭据，点击“测试连接”确认账号能做什么；修改保存后自动重新测试。最后在汇总中查看哪些账号已通过。
      </p>
      <ErrorBanner error={accounts.error ?? caps.error} />
      <div className="field">
        <label htmlFor="aw-org">机构</label>
        <select id="aw-org" value={organisationId} onChange={(e) => (setOrganisationId(e.target.value), go(0))}>
          <OrgOptions orgs={orgs} />
        </select>
      </div>
      {accounts.loading && !accounts.data ? <Loading what="渠道账号" /> : null}
      {accounts.data && !a ? <p className="muted">该机构还没有渠道账号，请在“渠道账号”中新建。</p> : null}
      {a ? (
        <section className="card" aria-labelledby="aw-step" data-testid="account-wizard-step" data-account={a.id}>
          <h3 id="aw-step">
            第 {at + 1} 个，共 {list.length} 个：{a.name}（{label(a.channelType)}）
          </h3>
          <p className="actions">
            <button type="button" className="btn" onClick={() => go(at - 1)} disabled={at === 0}>
              上一个
            </button>{' '}
            <button type="button" className="btn btn-primary" onClick={() => void check.run(a)} disabled={check.busy}>
              测试连接
            </button>{' '}
            <button type="button" className="btn" onClick={() => go(at + 1)} disabled={at >= list.length - 1}>
              下一个
            </button>
          </p>
          {checked?.id === a.id ? <AccountCheckResult name={checked.name} check={checked.result} error={check.error} busy={check.busy} /> : null}
          <p>
            <button type="button" className="btn btn-small" onClick={() => setEditing(!editing)} aria-expanded={editing}>
              {editing ? '收起设置' : '修改设置'}
            </button>
          </p>
          {editing ? (
            <EditAccount
              key={a.id}
              a={a}
              cap={caps.data?.find((c) => c.type === a.channelType)}
              onDone={async (saved) => {
                await accounts.reload();
                void check.run(saved);
              }}
            />
          ) : null}
        </section>
      ) : null}
      {list.length ? (
        <table className="table" data-testid="account-wizard-summary">
          <caption>汇总</caption>
          <thead>
            <tr>
              <th scope="col">账号名称</th>
              <th scope="col">渠道</th>
              <th scope="col">测试结果</th>
            </tr>
          </thead>
          <tbody>
            {list.map((x, i) => (
              <tr key={x.id} data-account={x.id} aria-current={i === at ? 'step' : undefined}>
                <th scope="row">
                  <button type="button" className="btn-link" onClick={() => go(i)}>
                    {x.name}
                  </button>
                </th>
                <td>{label(x.channelType)}</td>
                <td data-testid="account-wizard-verdict">{verdict(results[x.id])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list.length ? (
        <p role="status" data-testid="account-wizard-passed">
          已通过 {list.filter((x) => results[x.id]?.ok).length} 个，共 {list.length} 个。
        </p>
      ) : null}
    </div>
  );
}
