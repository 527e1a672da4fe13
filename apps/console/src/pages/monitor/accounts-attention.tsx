import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { StateBadge } from '../../components/state-badge';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, useSubmit, type Async } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import { AccountStateCell, fmtBeijingShort } from './account-state';
import type { AccountRestored, OperatorAccount, OperatorDelivery } from './monitor-types';
import { platformWords } from '../../lib/delivery-words';

/**
 * Accounts an operator must fix (expired credentials, IP not whitelisted...) with the outside system's
 * reason and their backlog; and publications a withdrawal could not take back.
 */
export function AccountsAttention({ accounts, capLabel }: { accounts: Async<OperatorAccount[]>; capLabel(t: string): string }) {
  const { can, orgName } = useAuth();
  const [notice, setNotice] = useState('');
  const unresolved = useAsync(() => api.get<OperatorDelivery[]>('/operator/withdrawals/unresolved'), []);
  const list = accounts.data ?? [];
  const attention = list.filter((a) => a.status !== 'active');
  const paused = list.filter((a) => a.state === 'paused');
  const restore = useSubmit(async (a: OperatorAccount) => {
    const r = await api.post<AccountRestored>(`/operator/accounts/${a.id}/restore`);
    setNotice(`「${a.name}」已恢复发送，${r.resumed} 个等待中的发送任务继续执行`);
    await accounts.reload();
  });
  return (
    <div>
      <ErrorBanner error={restore.error ?? accounts.error} />
      {notice ? (
        <p className="alert alert-ok" role="status">
          {notice}
        </p>
      ) : null}
      <h2>需要处理的账号（{attention.length}）</h2>
      {attention.length ? (
        <ul className="attention" data-testid="accounts-attention">
          {attention.map((a) => (
            <li key={a.id} className="card">
              <strong>
                {capLabel(a.channelType)} · {a.name}
              </strong>{' '}
              <span className="muted">{orgName(a.organisationId)}</span>
              <p className="err-text">{platformWords(a.statusReason) ?? '账号需要处理'}</p>
              <p className="muted">
                暂停于 {fmtTime(a.updatedAt)}，等待发送 {a.waiting} 条、失败 {a.failed} 条。处理完毕（如更新凭据、加入IP白名单）后恢复发送，暂停的发布会继续。
              </p>
              <button type="button" className="btn btn-primary" onClick={() => void restore.run(a)}>
                已处理，恢复发送
              </button>{' '}
              {can('account.manage', a.organisationId) ? (
                <Link className="btn" to="/admin">
                  更新凭据
                </Link>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="ok-line">✓ 所有账号正常</p>
      )}
      <h2>限流暂停的账号（{paused.length}）</h2>
      {paused.length ? (
        <ul className="attention" data-testid="accounts-paused">
          {paused.map((a) => (
            <li key={a.id} className="card">
              <strong>
                {capLabel(a.channelType)} · {a.name}
              </strong>{' '}
              <span className="muted">{orgName(a.organisationId)}</span>
              <p className="err-text">已暂停：{a.pauseReason ?? '外部平台限流'}</p>
              <p className="muted">
                {a.resumesAt ? `预计 ${fmtBeijingShort(a.resumesAt)} 恢复` : '恢复时间未知'}，等待发送 {a.waiting}{' '}
                条。平台的限流时段内重试也不会提前发送，到时自动继续。
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">没有因平台限流而暂停的账号。</p>
      )}
      <h2>撤回未完成的发布（{unresolved.data?.length ?? 0}）</h2>
      <ErrorBanner error={unresolved.error} />
      {unresolved.data?.length ? (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">信息</th>
              <th scope="col">账号</th>
              <th scope="col">状态</th>
              <th scope="col">外部地址</th>
            </tr>
          </thead>
          <tbody>
            {unresolved.data.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <Link to={`/items/${d.itemId}`}>{d.itemTitle}</Link>
                </th>
                <td>{d.accountName}</td>
                <td>
                  <StateBadge state={d.state} /> {platformWords(d.lastErrorMessage)}
                </td>
                <td>{d.externalUrl ? <a href={d.externalUrl}>{d.externalUrl}</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">没有需要人工撤下的发布。</p>
      )}
      <h2>全部账号</h2>
      <table className="table compact">
        <thead>
          <tr>
            <th scope="col">渠道</th>
            <th scope="col">账号</th>
            <th scope="col">机构</th>
            <th scope="col">等待发送</th>
            <th scope="col">失败</th>
            <th scope="col">状态</th>
          </tr>
        </thead>
        <tbody>
          {list.map((a) => (
            <tr key={a.id}>
              <td>{capLabel(a.channelType)}</td>
              <th scope="row">{a.name}</th>
              <td>{orgName(a.organisationId)}</td>
              <td className="num">{a.waiting}</td>
              <td className="num">{a.failed}</td>
              <td>
                <AccountStateCell a={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
