import { FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { StateBadge } from '../../components/state-badge';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { DELIVERY_STATE_LABELS, fmtTime } from '../../lib/labels';
import type { OperatorDeliveryDetail } from './monitor-types';
import { AccountStateCell } from './account-state';
import { DeliveryEventDetails } from '../../components/delivery-event-details';
import { platformWords } from '../../lib/delivery-words';

/** BullMQ job states in words. */
const JOB_STATE_LABELS: Record<string, string> = {
  completed: '已完成',
  waiting: '排队中',
  prioritized: '排队中',
  'waiting-children': '排队中',
  delayed: '等待到点执行',
  active: '执行中',
  failed: '已失败',
  unknown: '没有排队中的任务',
};

// The states each action accepts (libs/channels/src/engine/delivery-actions.service.ts); the API refuses the rest.
const RETRY = ['failed', 'cancelled', 'pending', 'unconfirmed', 'awaiting_confirmation'];
const CANCEL = ['pending', 'failed', 'awaiting_issue'];
const MARK_PUBLISHED = ['failed', 'pending', 'unconfirmed', 'awaiting_confirmation', 'awaiting_issue'];
const MARK_WITHDRAWN = ['published', 'withdrawing'];

const KIND_LABELS: Record<string, string> = {
  state: '状态变化',
  attempt: '调用外部系统',
  operator_retry: '运维重试',
  reconcile: '核实结果',
  confirm: '确认发布',
  error: '出错',
  rescheduled: '调整发布时间',
  operator_mark_published: '运维登记人工发布',
  checkpoint: '记录进度',
  callback: '平台回调',
  account_needs_attention: '账号需要处理',
  credentials_refresh: '刷新凭据',
  withdraw_unsupported: '渠道不支持自动撤回',
  superseded: '结果未采用（任务已变化）',
};

/** One delivery: every call and what the outside system answered, and what the operator can do about it. */
export function DeliveryDetail({
  id,
  version,
  capLabel,
  onChanged,
  onClose,
}: {
  id: string;
  version: string;
  capLabel(t: string): string;
  onChanged(): void;
  onClose(): void;
}) {
  const detail = useAsync(() => api.get<OperatorDeliveryDetail>(`/operator/deliveries/${id}`), [id, version]);
  const [notice, setNotice] = useState('');
  const [mode, setMode] = useState<'' | 'cancel' | 'mark' | 'withdrawn'>('');
  const [reason, setReason] = useState('');
  const [url, setUrl] = useState('');
  const d = detail.data;
  // Run only from the buttons and forms below, which exist once the delivery has loaded.
  const act = useSubmit(async (path: string, body: unknown, msg: string) => {
    setNotice('');
    await api.post(`/deliveries/${d!.id}/${path}`, body);
    setNotice(msg);
    setMode('');
    setReason('');
    onChanged();
    await detail.reload();
  });
  const { error } = act;
  if (!d) return detail.error ? <ErrorBanner error={detail.error} /> : <Loading what="发送详情" />;

  const submitCancel = (e: FormEvent) => {
    e.preventDefault();
    void act.run('cancel', { reason: reason.trim() }, '已取消该渠道的发布');
  };
  const submitMark = (e: FormEvent) => {
    e.preventDefault();
    void act.run('mark-published', { externalUrl: url.trim(), note: reason.trim() || undefined }, '已登记为人工发布，计入发布台账');
  };
  const submitWithdrawn = (e: FormEvent) => {
    e.preventDefault();
    void act.run('mark-withdrawn', { note: reason.trim() }, '已登记为人工撤回');
  };
  return (
    <section className="card delivery-detail" aria-labelledby="h-delivery" data-testid="delivery-detail">
      <div className="page-head">
        <h2 id="h-delivery" tabIndex={-1}>
          {d.itemTitle} · {capLabel(d.channelType)} · {d.accountName}
        </h2>
        <button type="button" className="btn btn-small" onClick={onClose}>
          关闭
        </button>
      </div>
      <dl className="meta-list">
        <div>
          <dt>状态</dt>
          <dd>
            <StateBadge state={d.state} />
          </dd>
        </div>
        <div>
          <dt>机构</dt>
          <dd>{d.organisationName}</dd>
        </div>
        <div>
          <dt>版本</dt>
          <dd>第 {d.versionNo} 版</dd>
        </div>
        <div>
          <dt>尝试次数</dt>
          <dd>{d.attempts}</dd>
        </div>
        <div>
          <dt>计划时间</dt>
          <dd>{fmtTime(d.dueAt)}</dd>
        </div>
        {d.nextAttemptAt ? (
          <div data-testid="next-attempt">
            <dt>下次尝试时间</dt>
            <dd>{fmtTime(d.nextAttemptAt)}</dd>
          </div>
        ) : null}
        {d.externalUrl ? (
          <div>
            <dt>外部地址</dt>
            <dd>
              <a href={d.externalUrl} target="_blank" rel="noopener noreferrer" data-testid="external-url">
                {d.externalUrl}
              </a>
            </dd>
          </div>
        ) : null}
        {d.publishedAt ? (
          <div>
            <dt>发布时间</dt>
            <dd>{fmtTime(d.publishedAt)}</dd>
          </div>
        ) : null}
        <div>
          <dt>队列任务</dt>
          <dd className="small">{JOB_STATE_LABELS[d.job.deliver] ?? '没有排队中的任务'}</dd>
        </div>
        <div data-testid="delivery-account-state">
          <dt>账号状态</dt>
          <dd>{d.account ? <AccountStateCell a={d.account} /> : null}</dd>
        </div>
      </dl>
      {d.accountStatus !== 'active' ? <p className="alert alert-warn">该渠道账号已暂停（需要处理），修复后到「账号状态」恢复发送。</p> : null}
      {d.state === 'unconfirmed' ? (
        <div className="alert alert-warn" data-testid="manual-check">
          <p>
            <strong>待人工核实：</strong>
            {platformWords(d.lastErrorMessage) ?? '外部系统未答复发送结果，请到该平台核实是否已经发出'}
          </p>
          <p className="small">
            {d.checkpoint?.manualCheck ? '系统已停止自动核实（之后每天再查一次）。' : '系统仍在自动核实（见下次尝试时间）。'}
            请到该平台核实：已发出的，登记为已发布（填写平台上的地址）；确认没有发出的，重新发送。系统不会自动重发，以免重复发布。
          </p>
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={() => setMode(mode === 'mark' ? '' : 'mark')} aria-expanded={mode === 'mark'}>
              登记为已发布
            </button>
            <button
              type="button"
              className="btn"
              disabled={act.busy}
              onClick={() => void act.run('retry', {}, '已安排重新发送：先向平台核实，确认没有发出的再发送')}
            >
              重新发送
            </button>
          </div>
        </div>
      ) : d.lastErrorMessage ? (
        <p className="alert alert-error" data-testid="delivery-error">
          外部系统返回：{platformWords(d.lastErrorMessage)}
        </p>
      ) : null}
      <ErrorBanner error={error} fieldsShown={['externalUrl', 'reason', 'note']} />
      {notice ? (
        <p className="alert alert-ok" role="status">
          {notice}
        </p>
      ) : null}
      <div className="actions">
        <Link className="btn" to={`/items/${d.itemId}`}>
          查看信息
        </Link>
        {RETRY.includes(d.state) && d.state !== 'unconfirmed' ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void act.run('retry', {}, d.state === 'failed' || d.state === 'cancelled' ? '已重新开始发送' : '已安排立即执行')}
          >
            重试
          </button>
        ) : null}
        {CANCEL.includes(d.state) ? (
          <button type="button" className="btn btn-danger" onClick={() => setMode(mode === 'cancel' ? '' : 'cancel')} aria-expanded={mode === 'cancel'}>
            取消发布
          </button>
        ) : null}
        {MARK_PUBLISHED.includes(d.state) && d.state !== 'unconfirmed' && d.itemStatus !== 'withdrawn' ? (
          <button type="button" className="btn" onClick={() => setMode(mode === 'mark' ? '' : 'mark')} aria-expanded={mode === 'mark'}>
            登记为已人工发布
          </button>
        ) : null}
        {MARK_WITHDRAWN.includes(d.state) && d.itemStatus === 'withdrawn' ? (
          <button type="button" className="btn" onClick={() => setMode(mode === 'withdrawn' ? '' : 'withdrawn')} aria-expanded={mode === 'withdrawn'}>
            登记为已人工撤回
          </button>
        ) : null}
      </div>
      {mode === 'cancel' ? (
        <form className="inline-form" onSubmit={submitCancel}>
          <label htmlFor="dd-reason">取消原因</label>
          <input id="dd-reason" value={reason} onChange={(e) => setReason(e.target.value)} required aria-describedby="dd-reason-err" autoFocus />
          <button type="submit" className="btn btn-danger" disabled={!reason.trim()}>
            确认取消
          </button>
          <FieldError error={error} field="reason" id="dd-reason-err" />
        </form>
      ) : null}
      {mode === 'mark' ? (
        <form className="inline-form" onSubmit={submitMark}>
          <label htmlFor="dd-url">人工发布的地址</label>
          <input
            id="dd-url"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            required
            placeholder="https://"
            aria-describedby="dd-url-err"
            autoFocus
          />
          <label htmlFor="dd-note">说明</label>
          <input id="dd-note" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="btn btn-primary" disabled={!/^https?:\/\/\S+$/.test(url.trim())}>
            确认登记
          </button>
          <FieldError error={error} field="externalUrl" id="dd-url-err" />
        </form>
      ) : null}
      {mode === 'withdrawn' ? (
        <form className="inline-form" onSubmit={submitWithdrawn}>
          <label htmlFor="dd-wnote">人工撤回说明</label>
          <input id="dd-wnote" value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />
          <button type="submit" className="btn btn-primary" disabled={!reason.trim()}>
            确认登记
          </button>
        </form>
      ) : null}
      <h3>处理记录（每次调用与外部系统的答复）</h3>
      <ol className="timeline events" data-testid="delivery-events">
        {d.events.map((e) => (
          <li key={e.id} className={e.errorCode ? 'event-error' : ''}>
            <time>{fmtTime(e.at)}</time>{' '}
            {e.toState ? (
              <>
                {e.fromState ? `${DELIVERY_STATE_LABELS[e.fromState] ?? e.fromState} → ` : ''}
                <StateBadge state={e.toState} />
              </>
            ) : (
              <strong>{KIND_LABELS[e.kind] ?? e.kind}</strong>
            )}
            {e.actorName ? <span className="muted"> 操作人：{e.actorName}</span> : null}
            <DeliveryEventDetails e={e} />
          </li>
        ))}
      </ol>
    </section>
  );
}
