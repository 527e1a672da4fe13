import { FormEvent, useEffect, useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import type { Jsonified } from '../../lib/types';
import type { WebhookView } from '../../../../api/src/notifications/notification-webhook.types';
import { WEBHOOK_STATE_LABELS } from '../../../../../libs/persistence/src/notifications/notification.types';

type View = Jsonified<WebhookView>;

/**
 * 通知转发: per organisation, the address every notification about it (and its subtree) is also POSTed
 * to, signed with the secret, so the office can forward them to its SMS or messaging gateway; with the
 * latest pushes and why one failed.
 */
export function WebhookSettings() {
  const { orgsWith } = useAuth();
  const orgs = orgsWith('notification.webhook');
  const [orgId, setOrgId] = useState('');
  useEffect(() => {
    if (!orgId && orgs.length) setOrgId(orgs[0].id);
  }, [orgId, orgs]);
  // The settings of the organisation they were read for: while another's are loading the form is
  // switched off, so nothing typed before they arrive is wiped by them.
  const view = useAsync(async () => (orgId ? { orgId, view: await api.get<View>(`/organisations/${orgId}/notification-webhook`) } : null), [orgId]);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [notice, setNotice] = useState('');
  const v = view.data?.orgId === orgId ? view.data.view : undefined;
  const ready = !!v && !view.loading;
  useEffect(() => {
    setUrl(v?.own?.url ?? '');
    setEnabled(v?.own?.enabled ?? true);
    setSecret('');
  }, [v]);
  const save = useSubmit(async (body: Record<string, unknown>, msg: string) => {
    setNotice('');
    view.setData({ orgId, view: await api.put<View>(`/organisations/${orgId}/notification-webhook`, body) });
    setNotice(msg);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run({ url: url.trim(), enabled, ...(secret ? { secret } : {}) }, '已保存通知转发设置');
  };
  return (
    <section className="card" aria-labelledby="h-webhook" data-testid="webhook-settings">
      <h2 id="h-webhook">通知转发（对接短信或即时通讯平台）</h2>
      <p className="muted">
        设置后，本机构及下级机构的每条通知都会逐条推送到该地址，并附带用签名密钥计算的签名，接收方据此确认来源；推送失败会自动重试。签名算法和请求头名称见接口文档中的“通知转发”一节。
      </p>
      <div className="field">
        <label htmlFor="wh-org">机构</label>
        <select id="wh-org" value={orgId} onChange={(e) => setOrgId(e.target.value)}>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <ErrorBanner error={save.error ?? view.error} fieldsShown={['url', 'secret']} />
      {notice ? (
        <p className="alert alert-ok" role="status">
          {notice}
        </p>
      ) : null}
      {v && !v.own && v.inherited ? (
        <p className="alert alert-info" data-testid="webhook-inherited">
          本机构未单独设置，沿用「{v.inherited.organisationName}」的设置：{v.inherited.url}
          {v.inherited.enabled ? '' : '（已停用）'}
        </p>
      ) : null}
      <form onSubmit={submit} aria-label="通知转发设置" aria-busy={!ready}>
        <fieldset disabled={!ready} className="plain">
          <div className="field">
            <label htmlFor="wh-url">接收地址</label>
            <input id="wh-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" aria-describedby="wh-url-err" />
            <FieldError error={save.error} field="url" id="wh-url-err" />
          </div>
          <div className="field">
            <label htmlFor="wh-secret">签名密钥{v?.own ? '（不修改可留空）' : '（至少16个字符）'}</label>
            <input
              id="wh-secret"
              type="password"
              autoComplete="new-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              aria-describedby="wh-secret-err"
            />
            <FieldError error={save.error} field="secret" id="wh-secret-err" />
          </div>
          <label className="radio-line">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> 启用转发
          </label>
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={save.busy || !url.trim() || (!v?.own && secret.length < 16)}>
              保存
            </button>
            {v?.own ? (
              <button type="button" className="btn btn-danger" disabled={save.busy} onClick={() => void save.run({ url: null }, '已取消本机构的通知转发')}>
                取消转发
              </button>
            ) : null}
          </div>
        </fieldset>
      </form>
      <h3>最近推送</h3>
      {v?.recent.length ? (
        <table className="table compact" data-testid="webhook-pushes">
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">通知</th>
              <th scope="col">接收人</th>
              <th scope="col">推送状态</th>
              <th scope="col">尝试次数</th>
              <th scope="col">说明</th>
            </tr>
          </thead>
          <tbody>
            {v.recent.map((p) => (
              <tr key={p.notificationId} data-notification={p.notificationId} data-state={p.state}>
                <td>{fmtTime(p.createdAt)}</td>
                <td>{p.title}</td>
                <td>{p.recipient}</td>
                <td>{WEBHOOK_STATE_LABELS[p.state] ?? p.state}</td>
                <td className="num">{p.attempts}</td>
                <td className={p.state === 'failed' ? 'err-text' : 'muted'}>{p.error ?? (p.at ? `最后尝试 ${fmtTime(p.at)}` : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">暂无推送记录。</p>
      )}
    </section>
  );
}
