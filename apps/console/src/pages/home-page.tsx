import { Link } from 'react-router-dom';
import { ErrorBanner } from '../components/error-banner';
import { Loading } from '../components/loading';
import { StateBadge, StatusBadge } from '../components/state-badge';
import { api } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useAsync, usePageTitle } from '../lib/hooks';
import { fmtTime } from '../lib/labels';
import type { ChannelAccount, DeliveryList, ItemList } from '../lib/types';
import { platformWords } from '../lib/delivery-words';

/** What waits for me: one panel per role the user holds. */
export function HomePage() {
  const { user, can } = useAuth();
  const h1 = usePageTitle('首页');
  return (
    <section className="page">
      <h1 ref={h1} tabIndex={-1}>
        您好，{user?.displayName}
      </h1>
      <div className="home-grid">
        {can('item.create') && <EditorPanel />}
        {can('item.review') && <ReviewerPanel />}
        {can('delivery.operate') && <OperatorPanel />}
        {can('stats.read') && (
          <section className="card" aria-labelledby="h-stats">
            <h2 id="h-stats">统计</h2>
            <p>按机构、期间和报表模板查看主动公开统计，点击数字可查看对应信息。</p>
            <Link className="btn" to="/stats">
              打开统计报表
            </Link>
          </section>
        )}
        {can('org.manage') && (
          <section className="card" aria-labelledby="h-admin">
            <h2 id="h-admin">系统管理</h2>
            <p>机构、用户与角色、渠道账号（凭据只写不读）、审核级数。</p>
            <Link className="btn" to="/admin">
              进入系统管理
            </Link>
          </section>
        )}
      </div>
    </section>
  );
}

function EditorPanel() {
  const mine = useAsync(() => api.get<ItemList>('/items?view=mine&pageSize=100'), []);
  const items = mine.data?.items ?? [];
  const rejected = items.filter((i) => i.status === 'rejected');
  const drafts = items.filter((i) => i.status === 'draft');
  const waiting = items.filter((i) => i.status === 'submitted' || i.status === 'approved');
  return (
    <section className="card" aria-labelledby="h-editor">
      <h2 id="h-editor">我的信息</h2>
      <p>
        <Link className="btn btn-primary" to="/items/new">
          写一条新信息
        </Link>
      </p>
      {mine.loading && !mine.data ? <Loading /> : <ErrorBanner error={mine.error} />}
      <h3>被退回（{rejected.length}）</h3>
      <ItemLinks items={rejected} extra={(i) => (i.rejectionReason ? `退回原因：${i.rejectionReason}` : '')} empty="没有被退回的信息" />
      <h3>草稿（{drafts.length}）</h3>
      <ItemLinks items={drafts} empty="没有草稿" edit />
      <h3>审核与发布中（{waiting.length}）</h3>
      <ItemLinks items={waiting} empty="没有等待中的信息" />
    </section>
  );
}

function ItemLinks({
  items,
  empty,
  extra,
  edit,
}: {
  items: ItemList['items'];
  empty: string;
  extra?: (i: ItemList['items'][number]) => string;
  edit?: boolean;
}) {
  if (!items.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="item-links">
      {items.slice(0, 8).map((i) => (
        <li key={i.id}>
          <Link to={edit ? `/items/${i.id}/edit` : `/items/${i.id}`}>{i.title}</Link> <StatusBadge status={i.status} />{' '}
          <span className="muted">{fmtTime(i.updatedAt)}</span>
          {extra?.(i) ? <div className="muted">{extra(i)}</div> : null}
        </li>
      ))}
    </ul>
  );
}

function ReviewerPanel() {
  const q = useAsync(() => api.get<ItemList>('/items?view=review&pageSize=100'), []);
  return (
    <section className="card" aria-labelledby="h-review">
      <h2 id="h-review">待我审核</h2>
      {q.loading && !q.data ? <Loading /> : <ErrorBanner error={q.error} />}
      {q.data && (
        <>
          <p className="big-number" data-testid="review-count">
            {q.data.totalCapped ? '超过 ' : ''}
            {q.data.total} <small>条</small>
          </p>
          <ItemLinks items={q.data.items} empty="暂无待审核的信息" />
          <Link className="btn" to="/review">
            进入审核队列
          </Link>
        </>
      )}
    </section>
  );
}

function OperatorPanel() {
  const failed = useAsync(() => api.get<DeliveryList>('/deliveries?state=failed&pageSize=10'), []);
  const unconfirmed = useAsync(() => api.get<DeliveryList>('/deliveries?state=unconfirmed&pageSize=10'), []);
  const accounts = useAsync(() => api.get<ChannelAccount[]>('/channel-accounts'), []);
  const attention = (accounts.data ?? []).filter((a) => a.status !== 'active' || !a.enabled);
  return (
    <section className="card" aria-labelledby="h-ops">
      <h2 id="h-ops">渠道运维</h2>
      <ErrorBanner error={failed.error ?? accounts.error} />
      <ul className="stat-list">
        <li>
          发布失败：<strong>{failed.data ? `${failed.data.totalCapped ? '超过 ' : ''}${failed.data.total}` : '…'}</strong> 条
        </li>
        <li>
          结果待核实：<strong>{unconfirmed.data ? `${unconfirmed.data.totalCapped ? '超过 ' : ''}${unconfirmed.data.total}` : '…'}</strong> 条
        </li>
        <li>
          需处理的账号：<strong>{accounts.data ? attention.length : '…'}</strong> 个
        </li>
      </ul>
      {failed.data?.deliveries.length ? (
        <ul className="item-links">
          {failed.data.deliveries.map((d) => (
            <li key={d.id}>
              <Link to={`/items/${d.itemId}`}>{d.itemTitle}</Link> · {d.accountName} <StateBadge state={d.state} />
              <div className="muted">{platformWords(d.lastErrorMessage)}</div>
            </li>
          ))}
        </ul>
      ) : null}
      <Link className="btn" to="/monitor">
        打开发布监控
      </Link>
    </section>
  );
}
