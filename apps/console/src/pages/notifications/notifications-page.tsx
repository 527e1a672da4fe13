import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api, qs } from '../../lib/api';
import { useAuth } from '../../lib/auth';
import { useAsync, usePageTitle, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import { refreshWorkCounts } from '../../lib/work-counts';
import { NOTIFICATION_KIND_LABELS, type NotificationList, type NotificationRow } from '../../../../../libs/persistence/src/notifications/notification.types';
import type { Jsonified } from '../../lib/types';
import { WebhookSettings } from './webhook-settings';
import { platformWords } from '../../lib/delivery-words';

type Row = Jsonified<NotificationRow>;

/** 通知: what happened to the user's work (退回, 发布失败, 待人工核实, 期限提醒), newest first; admins also set the webhook that forwards them. */
export default function NotificationsPage() {
  const h1 = usePageTitle('通知');
  const { can } = useAuth();
  const navigate = useNavigate();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [page, setPage] = useState(1);
  const list = useAsync(
    () => api.get<Jsonified<NotificationList>>(`/notifications${qs({ unread: unreadOnly || undefined, page, pageSize: 30 })}`),
    [unreadOnly, page],
  );
  const act = useSubmit(async (step: () => Promise<unknown>) => {
    await step();
    refreshWorkCounts();
    await list.reload();
  });
  const open = (n: Row) =>
    void act.run(async () => {
      if (!n.readAt) await api.post(`/notifications/${n.id}/read`);
      if (n.link) void navigate(n.link);
    });
  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <section className="page">
      <h1 ref={h1} tabIndex={-1}>
        通知
      </h1>
      <div className="filters">
        <label className="radio-line">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => (setUnreadOnly(e.target.checked), setPage(1))} /> 只看未读
        </label>
        <p className="muted" data-testid="unread-count">
          未读 {data?.unread ?? 0} 条
        </p>
        <button type="button" className="btn" disabled={!data?.unread || act.busy} onClick={() => void act.run(() => api.post('/notifications/read-all'))}>
          全部标为已读
        </button>
      </div>
      <ErrorBanner error={act.error ?? list.error} />
      {list.loading && !data ? (
        <Loading what="通知" />
      ) : data?.notifications.length ? (
        <ul className="notification-list" data-testid="notification-list" aria-label="通知列表">
          {data.notifications.map((n) => (
            <li key={n.id} className={`card ${n.readAt ? 'read' : 'unread'}`} data-notification={n.id} data-kind={n.kind} data-read={n.readAt ? 'yes' : 'no'}>
              <div className="page-head">
                <strong>
                  <span className="badge">{NOTIFICATION_KIND_LABELS[n.kind] ?? '通知'}</span> {n.title}
                </strong>
                <time className="muted">{fmtTime(n.createdAt)}</time>
              </div>
              <p>{platformWords(n.body)}</p>
              <div className="actions">
                {n.link ? (
                  <button type="button" className="btn btn-small btn-primary" onClick={() => open(n)}>
                    去处理
                  </button>
                ) : null}
                {n.readAt ? (
                  <span className="muted">已读</span>
                ) : (
                  <button type="button" className="btn btn-small" onClick={() => void act.run(() => api.post(`/notifications/${n.id}/read`))}>
                    标为已读
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{unreadOnly ? '没有未读的通知。' : '暂无通知。'}</p>
      )}
      {pages > 1 ? (
        <nav className="pager" aria-label="分页">
          <button className="btn" type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            上一页
          </button>
          <span>
            第 {page} / {pages} 页（共 {data?.total ?? 0} 条）
          </span>
          <button className="btn" type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            下一页
          </button>
        </nav>
      ) : null}
      {can('notification.webhook') ? <WebhookSettings /> : null}
    </section>
  );
}
