import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { ListPager } from '../../components/list-pager';
import { StateBadge } from '../../components/state-badge';
import { Tabs } from '../../components/tabs';
import { api, qs } from '../../lib/api';
import { useAsync, useInterval, usePageTitle } from '../../lib/hooks';
import { DELIVERY_STATE_LABELS, fmtTime } from '../../lib/labels';
import type { ChannelCapabilities } from '../../lib/types';
import { AccountsAttention } from './accounts-attention';
import { DeliveryDetail } from './delivery-detail';
import { channelMonitorTabs } from '../../channels/registry';
import type { Matrix, OperatorAccount } from './monitor-types';
import { useDeliveryStream } from './use-delivery-stream';
import { ProblemsPanel } from './problems-panel';
import { fmtBeijingShort } from './account-state';
import { userChannels } from '../../lib/channel-choices';
import { platformWords } from '../../lib/delivery-words';

/** States whose delivery waits for its next attempt (the cell shows when). */
const WAITING = ['pending', 'unconfirmed', 'awaiting_confirmation'];

/** Tabs of channels that have their own (apps/console/src/channels/registry.tsx). */
const CHANNEL_TABS = channelMonitorTabs();

/** Operators: the item × channel matrix in colour, live; each delivery's history and actions; accounts; the channels' own tabs. */
export default function MonitorPage() {
  const h1 = usePageTitle('发布监控');
  // The navigation's 待办 links and the notifications open a tab, a filter or a delivery through the URL.
  const [params] = useSearchParams();
  const [tab, setTab] = useState(params.get('tab') ?? 'matrix');
  const [state, setState] = useState(params.get('tab') ? '' : (params.get('state') ?? ''));
  const [problemState, setProblemState] = useState(params.get('tab') === 'problems' ? (params.get('state') ?? 'failed') : 'failed');
  const [channel, setChannel] = useState('');
  // Keyset pages: cursors[i] is the cursor of page i + 1 (the first has none); a filter change starts again.
  const [cursors, setCursors] = useState<string[]>(['']);
  const cursor = cursors[cursors.length - 1];
  const firstPage = () => setCursors(['']);
  const caps = useAsync(() => api.get<ChannelCapabilities[]>('/channels'), []);
  const matrix = useAsync(() => api.get<Matrix>(`/operator/matrix${qs({ state, channel, cursor, pageSize: 50 })}`), [state, channel, cursor]);
  const accounts = useAsync(() => api.get<OperatorAccount[]>('/operator/accounts'), []);
  const [selected, setSelected] = useState<string | null>(params.get('delivery'));
  useEffect(() => {
    const t = params.get('tab');
    if (t) setTab(t);
    if (t === 'problems') setProblemState(params.get('state') ?? 'failed');
    else if (params.has('state')) {
      setTab('matrix');
      setState(params.get('state') ?? '');
      setCursors(['']);
    }
    if (params.get('delivery')) {
      setTab('matrix');
      setSelected(params.get('delivery'));
    }
  }, [params]);
  const [updatedAt, setUpdatedAt] = useState(new Date().toISOString());
  const [changes, setChanges] = useState(0);

  const reload = useCallback(() => {
    void matrix.reload().then(() => setUpdatedAt(new Date().toISOString()));
    void accounts.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [matrix.reload, accounts.reload]);

  const mode = useDeliveryStream((c) => {
    // Paint the change at once; the coalesced refetch that follows brings the rest (errors, URLs).
    setChanges((n) => n + 1);
    // An updater: several changes can arrive before the next render, and each must see the one before.
    matrix.setData((m) => {
      const cell = m?.items.find((i) => i.id === c.itemId)?.cells[c.channelAccountId];
      if (!m || !cell || cell.deliveryId !== c.id || cell.state === c.state) return m;
      return {
        ...m,
        items: m.items.map((i) =>
          i.id === c.itemId
            ? { ...i, cells: { ...i.cells, [c.channelAccountId]: { ...cell, state: c.state, stateLabel: DELIVERY_STATE_LABELS[c.state] ?? c.state } } }
            : i,
        ),
      };
    });
  }, reload);
  useInterval(reload, mode === 'live' ? 60_000 : 3000);

  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const i of matrix.data?.items ?? []) for (const c of Object.values(i.cells)) m.set(c.state, (m.get(c.state) ?? 0) + 1);
    return m;
  }, [matrix.data]);
  const attention = (accounts.data ?? []).filter((a) => a.status !== 'active');
  const capLabel = (t: string) => caps.data?.find((c) => c.type === t)?.label ?? t;

  return (
    <section className="page monitor-page">
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          发布监控
        </h1>
        <p className="live" aria-live="polite" data-testid="live-mode" data-mode={mode}>
          <span className="live-dot" aria-hidden="true">
            {mode === 'live' ? '●' : '○'}
          </span>{' '}
          {mode === 'live' ? '实时推送已连接' : mode === 'connecting' ? '正在连接实时推送…' : '实时推送不可用，每3秒刷新'} · 收到 {changes} 次变化 · 更新于{' '}
          {fmtTime(updatedAt)}
        </p>
      </div>
      {attention.length ? (
        <p className="alert alert-error" role="alert">
          有 {attention.length} 个渠道账号需要处理，其发送已暂停：{attention.map((a) => `${capLabel(a.channelType)}·${a.name}`).join('、')}。
          <button type="button" className="btn btn-small" onClick={() => setTab('accounts')}>
            去处理
          </button>
        </p>
      ) : null}
      <Tabs
        label="监控项目"
        active={tab}
        onChange={setTab}
        tabs={[
          { key: 'matrix', label: '发布矩阵' },
          { key: 'problems', label: '发布异常' },
          { key: 'accounts', label: `账号状态${attention.length ? `（${attention.length}）` : ''}` },
          ...CHANNEL_TABS.map(({ key, label }) => ({ key, label })),
        ]}
      >
        {tab === 'matrix' ? (
          <>
            <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="筛选">
              <div className="field">
                <label htmlFor="m-state">含有状态</label>
                <select id="m-state" value={state} onChange={(e) => (setState(e.target.value), firstPage())}>
                  <option value="">全部</option>
                  {Object.entries(DELIVERY_STATE_LABELS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="m-channel">渠道</label>
                <select id="m-channel" value={channel} onChange={(e) => (setChannel(e.target.value), firstPage())}>
                  <option value="">全部</option>
                  {userChannels(
                    caps.data,
                    accounts.data?.map((a) => a.channelType),
                  ).map((c) => (
                    <option key={c.type} value={c.type}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </div>
              <ul className="legend" aria-label="本页状态统计">
                {[...counts].map(([s, n]) => (
                  <li key={s}>
                    <StateBadge state={s} /> {n}
                  </li>
                ))}
              </ul>
            </form>
            <ErrorBanner error={matrix.error} />
            {matrix.loading && !matrix.data ? (
              <Loading what="发布情况" />
            ) : matrix.data?.items.length ? (
              <>
                <div className="matrix-wrap">
                  <table className="table matrix" data-testid="matrix">
                    <caption className="sr-only">信息 × 渠道账号 发布状态（每格为该信息最新版本在该账号的发送状态）</caption>
                    <thead>
                      <tr>
                        <th scope="col">信息</th>
                        {matrix.data.accounts.map((a) => (
                          <th key={a.id} scope="col" data-account={a.id}>
                            <span className="muted">{a.label}</span>
                            <br />
                            {a.name}
                            {a.status !== 'active' ? <span className="badge state-failed">需处理</span> : null}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {matrix.data.items.map((it) => (
                        <tr key={it.id} data-item={it.id}>
                          <th scope="row">
                            <Link to={`/items/${it.id}`}>{it.title}</Link>
                            <div className="muted small">
                              {it.indexNo} · 第{it.versionNo}版{it.publishAt && new Date(it.publishAt) > new Date() ? ` · 定时 ${fmtTime(it.publishAt)}` : ''}
                            </div>
                          </th>
                          {matrix.data!.accounts.map((a) => {
                            const c = it.cells[a.id];
                            return (
                              <td key={a.id}>
                                {c ? (
                                  <button
                                    type="button"
                                    className={`cell-btn ${selected === c.deliveryId ? 'selected' : ''}`}
                                    onClick={() => setSelected(c.deliveryId)}
                                    aria-label={`${it.title} · ${a.name}：${DELIVERY_STATE_LABELS[c.state] ?? c.state}${c.lastErrorMessage ? `，${platformWords(c.lastErrorMessage)}` : ''}，查看详情`}
                                    data-delivery={c.deliveryId}
                                    data-state={c.state}
                                    title={c.lastErrorMessage ?? undefined}
                                  >
                                    <StateBadge state={c.state} />
                                    {c.attempts > 1 ? <small> ×{c.attempts}</small> : null}
                                    {c.nextAttemptAt && WAITING.includes(c.state) && new Date(c.nextAttemptAt) > new Date() ? (
                                      <small className="muted" data-testid="cell-next-attempt">
                                        {' '}
                                        下次 {fmtBeijingShort(c.nextAttemptAt)}
                                      </small>
                                    ) : null}
                                  </button>
                                ) : (
                                  <span className="muted" aria-label="未选择此渠道">
                                    —
                                  </span>
                                )}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <ListPager
                  page={cursors.length}
                  count={matrix.data}
                  hasPrev={cursors.length > 1}
                  hasNext={!!matrix.data.nextCursor}
                  onPrev={() => setCursors(cursors.slice(0, -1))}
                  onNext={() => setCursors([...cursors, matrix.data!.nextCursor!])}
                />
              </>
            ) : (
              <p className="muted">暂无发布记录。</p>
            )}
            {selected ? (
              <DeliveryDetail key={selected} id={selected} version={updatedAt} capLabel={capLabel} onChanged={reload} onClose={() => setSelected(null)} />
            ) : null}
          </>
        ) : tab === 'problems' ? (
          <>
            <ProblemsPanel state={problemState} onState={setProblemState} version={updatedAt} capLabel={capLabel} onChanged={reload} onSelect={setSelected} />
            {selected ? (
              <DeliveryDetail key={selected} id={selected} version={updatedAt} capLabel={capLabel} onChanged={reload} onClose={() => setSelected(null)} />
            ) : null}
          </>
        ) : tab === 'accounts' ? (
          <AccountsAttention accounts={accounts} capLabel={capLabel} />
        ) : (
          CHANNEL_TABS.map(({ key, Panel }) => (key === tab ? <Panel key={key} /> : null))
        )}
      </Tabs>
    </section>
  );
}
