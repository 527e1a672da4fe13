import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ErrorBanner } from '../components/error-banner';
import { Loading } from '../components/loading';
import { countText, ListPager } from '../components/list-pager';
import { api, qs } from '../lib/api';
import { useAuth } from '../lib/auth';
import { useAsync, useInterval, usePageTitle } from '../lib/hooks';
import { fmtTime, KIND_LABELS } from '../lib/labels';
import type { Jsonified } from '../lib/types';
import type { ReviewQueue } from '../../../api/src/review/review-queue.types';

/** Items waiting at my level (libs/review decides which), oldest submission first, with when and by whom each was submitted. */
export default function ReviewQueuePage() {
  const h1 = usePageTitle('审核队列');
  const { orgName, orgs } = useAuth();
  // Keyset pages of 100: cursors[i] is the cursor of page i + 1 (the first has none).
  const [cursors, setCursors] = useState<string[]>(['']);
  const cursor = cursors[cursors.length - 1];
  const q = useAsync(() => api.get<Jsonified<ReviewQueue>>(`/review/queue${qs({ cursor })}`), [cursor]);
  useInterval(() => void q.reload(), 15_000);
  const policy = (orgId: string) => orgs.find((o) => o.id === orgId)?.reviewPolicyInForce ?? [];
  const levelName = (orgId: string, passed: number) => {
    const p = policy(orgId);
    const label = p[Math.min(passed, p.length - 1)]?.label;
    return `第 ${passed + 1} / ${Math.max(p.length, passed + 1)} 级${label ? `（${label}）` : ''}`;
  };
  return (
    <section className="page">
      <h1 ref={h1} tabIndex={-1}>
        审核队列
      </h1>
      <p className="muted">先审查、后公开：以下信息等待您审核（不含您本人撰写的信息）。</p>
      <ErrorBanner error={q.error} />
      {q.loading && !q.data ? (
        <Loading what="待审核信息" />
      ) : (
        <table className="table" data-testid="review-queue">
          <caption className="sr-only">待审核信息，{countText(q.data)}</caption>
          <thead>
            <tr>
              <th scope="col">标题</th>
              <th scope="col">类别</th>
              <th scope="col">机构</th>
              <th scope="col">审核级次</th>
              <th scope="col">提交时间</th>
            </tr>
          </thead>
          <tbody>
            {q.data?.items.map((i) => (
              <tr key={i.id} data-item={i.id}>
                <td>
                  <Link to={`/items/${i.id}`}>{i.title}</Link>
                </td>
                <td>{KIND_LABELS[i.kind] ?? i.kind}</td>
                <td>{orgName(i.organisationId)}</td>
                <td>{levelName(i.organisationId, i.reviewLevel)}</td>
                <td data-testid="submitted-at" data-at={i.submittedAt ?? ''}>
                  {fmtTime(i.submittedAt)}
                  {i.submittedBy ? <span className="muted">（{i.submittedBy}）</span> : null}
                </td>
              </tr>
            ))}
            {q.data && !q.data.items.length && (
              <tr>
                <td colSpan={5} className="muted">
                  暂无待审核的信息
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {q.data && (q.data.nextCursor || cursors.length > 1) ? (
        <ListPager
          page={cursors.length}
          count={q.data}
          hasPrev={cursors.length > 1}
          hasNext={!!q.data.nextCursor}
          onPrev={() => setCursors(cursors.slice(0, -1))}
          onNext={() => setCursors([...cursors, q.data!.nextCursor!])}
        />
      ) : null}
    </section>
  );
}
