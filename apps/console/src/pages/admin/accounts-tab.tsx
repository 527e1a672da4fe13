import { useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, useSubmit } from '../../lib/hooks';
import type { ChannelAccount, ChannelCapabilities } from '../../lib/types';
import { userChannels } from '../../lib/channel-choices';
import { AccountCheckResult, useAccountCheck } from './account-check';
import { AccountForm, accountFieldsShown, credentialsToSend } from './account-form';
import { platformWords } from '../../lib/delivery-words';

/**
 * Channel accounts, edited in forms rendered from each channel's declared settings and credentials
 * (account-form.tsx). Credentials are write-only: the API never returns them (only hasCredentials), so
 * the form can set or replace them but never shows them.
 */
export function AccountsTab() {
  const accounts = useAsync(() => api.get<ChannelAccount[]>('/channel-accounts'), []);
  const caps = useAsync(() => api.get<ChannelCapabilities[]>('/channels'), []);
  const { orgName } = useAuth();
  const [editing, setEditing] = useState<string | null>(null);
  const label = (t: string) => caps.data?.find((c) => c.type === t)?.label ?? t;
  // 测试连接: by the button, and after every save (a new or changed account is checked at once).
  const { checked, check } = useAccountCheck();
  const saved = async (a: ChannelAccount) => {
    await accounts.reload();
    void check.run(a);
  };
  return (
    <div>
      <ErrorBanner error={accounts.error ?? caps.error} />
      {accounts.loading && !accounts.data ? <Loading what="渠道账号" /> : null}
      <table className="table" data-testid="account-table">
        <caption className="sr-only">渠道账号</caption>
        <thead>
          <tr>
            <th scope="col">渠道</th>
            <th scope="col">账号名称</th>
            <th scope="col">所属机构</th>
            <th scope="col">接口地址</th>
            <th scope="col">凭据</th>
            <th scope="col">状态</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {accounts.data?.map((a) => (
            <tr key={a.id}>
              <td>{label(a.channelType)}</td>
              <th scope="row">{a.name}</th>
              <td>{orgName(a.organisationId)}</td>
              <td className="mono small">{a.baseUrl}</td>
              <td data-testid="has-credentials">{a.hasCredentials ? '已设置（不显示）' : '未设置'}</td>
              <td>
                {!a.enabled ? (
                  '已停用'
                ) : a.status === 'active' ? (
                  '正常'
                ) : (
                  <span className="err-text" title={a.statusReason ?? ''}>
                    需处理：{platformWords(a.statusReason)}
                  </span>
                )}
              </td>
              <td>
                <button type="button" className="btn btn-small" onClick={() => setEditing(editing === a.id ? null : a.id)} aria-expanded={editing === a.id}>
                  修改
                </button>{' '}
                <button type="button" className="btn btn-small" onClick={() => void check.run(a)} disabled={check.busy} aria-label={`测试连接：${a.name}`}>
                  测试连接
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {checked ? <AccountCheckResult name={checked.name} check={checked.result} error={check.error} busy={check.busy} /> : null}
      {editing && accounts.data ? (
        <EditAccount
          a={accounts.data.find((x) => x.id === editing)!}
          cap={caps.data?.find((c) => c.type === accounts.data!.find((x) => x.id === editing)!.channelType)}
          onDone={async (a) => (setEditing(null), await saved(a))}
        />
      ) : null}
      <CreateAccount caps={userChannels(caps.data)} onDone={saved} />
    </div>
  );
}

export function EditAccount({ a, cap, onDone }: { a: ChannelAccount; cap?: ChannelCapabilities; onDone(saved: ChannelAccount): Promise<void> }) {
  const [name, setName] = useState(a.name);
  const [baseUrl, setBaseUrl] = useState(a.baseUrl);
  const [enabled, setEnabled] = useState(a.enabled);
  const [settings, setSettings] = useState<Record<string, unknown>>(a.settings ?? {});
  const [credentials, setCredentials] = useState<Record<string, unknown>>({});
  const [valid, setValid] = useState(true);
  const { error, onSubmit } = useSubmit(async () => {
    const creds = credentialsToSend(credentials);
    await onDone(await api.patch<ChannelAccount>(`/channel-accounts/${a.id}`, { name, baseUrl, enabled, settings, ...(creds ? { credentials: creds } : {}) }));
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="h-edit-acc" autoComplete="off">
      <h3 id="h-edit-acc">修改渠道账号：{a.name}</h3>
      <ErrorBanner error={error} fieldsShown={['name', 'baseUrl', ...accountFieldsShown(cap)]} />
      <div className="grid-3">
        <div className="field">
          <label htmlFor="ea-name">名称</label>
          <input id="ea-name" value={name} onChange={(e) => setName(e.target.value)} aria-describedby="ea-name-err" />
          <FieldError error={error} field="name" id="ea-name-err" />
        </div>
        <div className="field">
          <label htmlFor="ea-url">接口地址</label>
          <input id="ea-url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} aria-describedby="ea-url-err" />
          <FieldError error={error} field="baseUrl" id="ea-url-err" />
        </div>
        <div className="field-inline">
          <input id="ea-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
          <label htmlFor="ea-enabled">启用</label>
        </div>
      </div>
      <AccountForm
        id="ea"
        type={a.channelType}
        cap={cap}
        settings={settings}
        onSettings={setSettings}
        credentials={credentials}
        onCredentials={setCredentials}
        storedCredentials={a.hasCredentials}
        error={error}
        onValid={setValid}
      />
      <button className="btn btn-primary" type="submit" disabled={!valid}>
        保存
      </button>
    </form>
  );
}

function CreateAccount({ caps, onDone }: { caps: ChannelCapabilities[]; onDone(saved: ChannelAccount): Promise<void> }) {
  const { orgsWith } = useAuth();
  const orgs = orgsWith('account.manage');
  const [f, setF] = useState({ organisationId: orgs[0]?.id ?? '', channelType: '', name: '', baseUrl: '' });
  const [settings, setSettings] = useState<Record<string, unknown>>({});
  const [credentials, setCredentials] = useState<Record<string, unknown>>({});
  const [valid, setValid] = useState(true);
  const [ok, setOk] = useState('');
  // Remounts the forms after a save: the secret must not stay on screen (or in the DOM).
  const [round, setRound] = useState(0);
  const type = f.channelType || caps[0]?.type || '';
  const cap = caps.find((c) => c.type === type);
  const { error, onSubmit } = useSubmit(async () => {
    const r = await api.post<ChannelAccount>('/channel-accounts', {
      ...f,
      channelType: type,
      baseUrl: f.baseUrl || undefined,
      settings,
      credentials: credentialsToSend(credentials),
    });
    setOk(`已新建账号 ${r.name}${r.hasCredentials ? '（凭据已加密保存）' : ''}`);
    setF((x) => ({ ...x, name: '', baseUrl: '' }));
    setSettings({});
    setCredentials({});
    setRound((n) => n + 1);
    await onDone(r);
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="h-new-acc" autoComplete="off">
      <h3 id="h-new-acc">新建渠道账号</h3>
      <ErrorBanner error={error} fieldsShown={['name', 'baseUrl', 'channelType', ...accountFieldsShown(cap)]} />
      {ok ? <p className="alert alert-ok">{ok}</p> : null}
      <div className="grid-3">
        <div className="field">
          <label htmlFor="na-org">所属机构</label>
          <select id="na-org" value={f.organisationId} onChange={(e) => setF({ ...f, organisationId: e.target.value })}>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="na-type">渠道</label>
          <select
            id="na-type"
            value={type}
            onChange={(e) => (setF({ ...f, channelType: e.target.value }), setSettings({}), setCredentials({}), setRound((n) => n + 1))}
            aria-describedby="na-type-err"
          >
            {caps.map((c) => (
              <option key={c.type} value={c.type}>
                {c.label}
              </option>
            ))}
          </select>
          <FieldError error={error} field="channelType" id="na-type-err" />
        </div>
        <div className="field">
          <label htmlFor="na-name">账号名称</label>
          <input id="na-name" value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} aria-describedby="na-name-err" />
          <FieldError error={error} field="name" id="na-name-err" />
        </div>
        <div className="field">
          <label htmlFor="na-url">接口地址（正式接口、厂商测试接口或模拟器）</label>
          <input id="na-url" value={f.baseUrl} onChange={(e) => setF({ ...f, baseUrl: e.target.value })} placeholder="https://" aria-describedby="na-url-err" />
          <FieldError error={error} field="baseUrl" id="na-url-err" />
        </div>
      </div>
      <AccountForm
        key={`${type}-${round}`}
        id="na"
        type={type}
        cap={cap}
        settings={settings}
        onSettings={setSettings}
        credentials={credentials}
        onCredentials={setCredentials}
        storedCredentials={false}
        error={error}
        onValid={setValid}
      />
      <button className="btn btn-primary" type="submit" disabled={!valid}>
        新建账号
      </button>
    </form>
  );
}
