import { useEffect, useState } from 'react';
import { PERMISSIONS } from '../../../../../libs/common/src/auth/permissions';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { Loading } from '../../components/loading';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { ROLE_LABELS } from '../../lib/labels';
import type { Organisation, ReviewLevelSpec, ReviewPolicyView } from '../../lib/types';

/** The roles that may decide a level (they take part in review), in rank order. */
const REVIEW_ROLES = PERMISSIONS['item.review'];
const NUMERALS = ['一', '二', '三', '四', '五'];
/** The usual names of n levels (初审 … 终审), as the server names the old "n levels". */
const presetLabel = (n: number, i: number) => (n === 1 ? '审核' : i === 0 ? '初审' : i === n - 1 ? '终审' : i === 1 ? '复审' : `${NUMERALS[i]}审`);
const PRESET_NAMES = new Set(['审核', '初审', '复审', '终审', '三审', '四审']);

/** A policy resized to `n` levels: custom labels and chosen roles kept, the last level recording secrecy. */
function resize(levels: ReviewLevelSpec[], n: number): ReviewLevelSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const old = levels[i];
    const label = !old || PRESET_NAMES.has(old.label) ? presetLabel(n, i) : old.label;
    // the old last level recorded secrecy for being last: moved up, it records it no longer
    return { label, role: old?.role ?? REVIEW_ROLES[0], recordsSecrecy: i === n - 1 || (!!old && i < levels.length - 1 && old.recordsSecrecy) };
  });
}

/**
 * 审核流程 of one organisation: the ordered levels (初审/复审/终审 or the office's own names), the role
 * that decides each and whether it records the 保密审查 conclusion (the last always does). Saved as
 * the organisation's own policy; "沿用上级" goes back to inheriting its parent's.
 */
export function ReviewPolicyEditor({ org, onDone }: { org: Organisation; onDone(): void }) {
  const q = useAsync(() => api.get<ReviewPolicyView>(`/organisations/${org.id}/review-policy`), [org.id]);
  const [levels, setLevels] = useState<ReviewLevelSpec[]>([]);
  useEffect(() => void (q.data && setLevels(q.data.levels)), [q.data]);
  const { error, busy, run } = useSubmit(async (body: { levels: ReviewLevelSpec[] | null }) => {
    await api.put<ReviewPolicyView>(`/organisations/${org.id}/review-policy`, body);
    onDone();
  });
  if (!q.data) return q.error ? <ErrorBanner error={q.error} /> : <Loading what="审核流程" />;
  const set = (i: number, patch: Partial<ReviewLevelSpec>) => setLevels(levels.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  const source = q.data.own ? '本机构自行设置' : q.data.source ? `沿用「${q.data.source.name}」的设置` : '默认（一级审核）';
  return (
    <form className="card" aria-labelledby="h-review-policy" data-testid="review-policy-editor" onSubmit={(e) => (e.preventDefault(), void run({ levels }))}>
      <h3 id="h-review-policy">审核流程：{org.name}</h3>
      <p className="muted">当前：{source}。下级机构未自行设置的，沿用本机构的审核流程。同一人不能审核同一轮的两级。</p>
      <ErrorBanner error={error} fieldsShown={['levels']} />
      <div className="field">
        <label htmlFor="rp-count">审核级数</label>
        <select id="rp-count" value={levels.length} onChange={(e) => setLevels(resize(levels, Number(e.target.value)))}>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              {n} 级
            </option>
          ))}
        </select>
      </div>
      <table className="table">
        <caption className="sr-only">各级审核</caption>
        <thead>
          <tr>
            <th scope="col">级次</th>
            <th scope="col">名称</th>
            <th scope="col">由谁审核</th>
            <th scope="col">记录保密审查结论</th>
          </tr>
        </thead>
        <tbody>
          {levels.map((l, i) => (
            <tr key={i}>
              <th scope="row">第 {i + 1} 级</th>
              <td>
                <label className="sr-only" htmlFor={`rp-label-${i}`}>
                  第 {i + 1} 级名称
                </label>
                <input
                  id={`rp-label-${i}`}
                  value={l.label}
                  maxLength={20}
                  required
                  onChange={(e) => set(i, { label: e.target.value })}
                  aria-describedby={`rp-label-${i}-err`}
                />
                <FieldError error={error} field={`levels.${i}.label`} id={`rp-label-${i}-err`} />
              </td>
              <td>
                <label className="sr-only" htmlFor={`rp-role-${i}`}>
                  第 {i + 1} 级审核角色
                </label>
                <select
                  id={`rp-role-${i}`}
                  value={l.role}
                  onChange={(e) => set(i, { role: e.target.value as ReviewLevelSpec['role'] })}
                  aria-describedby={`rp-role-${i}-err`}
                >
                  {REVIEW_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABELS[r]}
                    </option>
                  ))}
                </select>
                <FieldError error={error} field={`levels.${i}.role`} id={`rp-role-${i}-err`} />
              </td>
              <td>
                <input
                  id={`rp-secrecy-${i}`}
                  type="checkbox"
                  checked={l.recordsSecrecy || i === levels.length - 1}
                  disabled={i === levels.length - 1}
                  onChange={(e) => set(i, { recordsSecrecy: e.target.checked })}
                />
                <label htmlFor={`rp-secrecy-${i}`}>{i === levels.length - 1 ? '是（最后一级必须记录）' : '记录'}</label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button className="btn btn-primary" type="submit" disabled={busy}>
          保存审核流程
        </button>
        {q.data.own ? (
          <button className="btn" type="button" disabled={busy} onClick={() => void run({ levels: null })}>
            沿用上级机构的审核流程
          </button>
        ) : null}
      </div>
    </form>
  );
}
