import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { StateBadge } from '../../components/state-badge';
import { api, qs } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import type { Jsonified } from '../../lib/types';
import { refreshWorkCounts } from '../../lib/work-counts';
import type { BulkRetryReply } from '../../../../api/src/operator/bulk-retry.types';
import type { OperatorDeliveryList } from '../../../../api/src/operator/operator-rows.types';
import { platformWords } from '../../lib/delivery-words';

type List = Jsonified<OperatorDeliveryList>;

const STATES: [string, string][] = [
  ['failed', '发布失败'],
  ['unconfirmed', '结果待人工核实'],
];

/**
 * 发布异常: the deliveries that need an operator (failed, or their outcome waiting for a check) of items
 * not withdrawn, the same ones the navigation counts; select some and 批量重试: each is retried on its own
 * (audited one by one), and those that could not be are listed with the reason.
 */
export function ProblemsPanel(p: {
  state: string;
  onState(s: string): void;
  version: string;
  capLabel(t: string): string;
  onChanged(): void;
  onSelect(id: string): void;
}) {
  const list = useAsync(() => api.get<List>(`/operator/deliveries${qs({ state: p.state, pageSize: 200, timeField: 'updated' })}`), [p.state, p.version]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<(Jsonified<BulkRetryReply> & { names: Record<string, string> }) | null>(null);
  useEffect(() => setPicked(new Set()), [p.state]);
  const rows = (list.data?.deliveries ?? []).filter((d) => d.itemStatus !== 'withdrawn');
  const name = (d: (typeof rows)[number]) => `${d.itemTitle} · ${p.capLabel(d.channelType)}「${d.accountName}」`;
  const bulk = useSubmit(async () => {
    const ids = rows.filter((d) => picked.has(d.id)).map((d) => d.id);
    const names = Object.fromEntries(rows.map((d) => [d.id, name(d)]));
    const r = await api.post<Jsonified<BulkRetryReply>>('/deliveries/bulk-retry', { ids });
    setResult({ ...r, names });
    setPicked(new Set());
    refreshWorkCounts();
    p.onChanged();
    await list.reload();
  });
  const toggle = (id: string, on: boolean) => setPicked((s) => (on ? new Set(s).add(id) : new Set([...s].filter((x) => x !== id))));
  const all = rows.length > 0 && rows.every((d) => picked.has(d.id));
  return (
    <section aria-labelledby="h-problems" data-testid="problems-panel">
      <h2 id="h-problems">发布异常</h2>
      <div className="filters">
        <div className="field">
          <label htmlFor="pb-state">状态</label>
          <select id="pb-state" value={p.state} onChange={(e) => (p.onState(e.target.value), setResult(null))}>
            {STATES.map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="btn btn-primary" disabled={!picked.size || bulk.busy} onClick={() => void bulk.run()} data-testid="bulk-retry">
          批量重试（已选 {picked.size} 个）
        </button>
      </div>
      <ErrorBanner error={bulk.error ?? list.error} />
      {result ? (
        <div className={`alert ${result.refused ? 'alert-warn' : 'alert-ok'}`} role="status" data-testid="bulk-results">
          <p>
            已重试 {result.retried} 个{result.refused ? `，${result.refused} 个未能重试：` : '。'}
          </p>
          {result.refused ? (
            <ul className="bulk-results">
              {result.results.map((r) =>
                r.ok ? null : (
                  <li key={r.id} className="refused" data-delivery={r.id}>
                    {result.names[r.id] ?? '发送任务'}：{platformWords(r.message)}
                  </li>
                ),
              )}
            </ul>
          ) : null}
        </div>
      ) : null}
      {list.loading && !list.data ? (
        <Loading what="发布异常" />
      ) : rows.length ? (
        <table className="table compact" data-testid="problems">
          <caption className="sr-only">需要处理的发送任务 {rows.length} 个</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="全选"
                  checked={all}
                  onChange={(e) => setPicked(e.target.checked ? new Set(rows.map((d) => d.id)) : new Set())}
                />
              </th>
              <th scope="col">信息</th>
              <th scope="col">渠道账号</th>
              <th scope="col">状态</th>
              <th scope="col">原因</th>
              <th scope="col">尝试次数</th>
              <th scope="col">更新时间</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-delivery={d.id} data-state={d.state}>
                <td>
                  <input type="checkbox" aria-label={`选择 ${name(d)}`} checked={picked.has(d.id)} onChange={(e) => toggle(d.id, e.target.checked)} />
                </td>
                <th scope="row">
                  <Link to={`/items/${d.itemId}`}>{d.itemTitle}</Link>
                  <div className="muted small">第 {d.versionNo} 版</div>
                </th>
                <td>
                  {p.capLabel(d.channelType)}「{d.accountName}」
                </td>
                <td>
                  <StateBadge state={d.state} />
                </td>
                <td className="err-text">{platformWords(d.lastErrorMessage) ?? ''}</td>
                <td className="num">{d.attempts}</td>
                <td>{fmtTime(d.updatedAt)}</td>
                <td>
                  <button type="button" className="btn btn-small" onClick={() => p.onSelect(d.id)}>
                    详情
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="ok-line">✓ 没有{p.state === 'failed' ? '发布失败' : '待人工核实'}的发送任务。</p>
      )}
    </section>
  );
}
