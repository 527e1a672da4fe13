import { FormEvent, useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useSubmit } from '../../lib/hooks';
import { fmtTime, SECRECY_CONCLUSIONS } from '../../lib/labels';
import type { Approval, ItemDetail } from '../../lib/types';

/**
 * The level under review, named as the organisation's review policy names it, with who passed the
 * earlier levels of this round; approve (with the 保密审查 conclusion where this level records it) or
 * reject (with a reason). Shown only to a holder of the level's role who did not write the item; the
 * API refuses the same cases (403 LEVEL_ROLE, SELF_APPROVAL, ALREADY_REVIEWED, FOUR_EYES).
 */
export function ReviewPanel({ item, onDone }: { item: ItemDetail; onDone(msg: string): void }) {
  const [conclusion, setConclusion] = useState(SECRECY_CONCLUSIONS[0]);
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  // Approve and reject share one banner and one busy flag: each form hands its step to run().
  const { run, error, busy } = useSubmit((step: () => Promise<void>) => step());
  const level = item.reviewLevel + 1;
  const policy = item.reviewPolicy;
  const of = Math.max(policy.length, level);
  const spec = policy[Math.min(level, policy.length) - 1];
  const recordsSecrecy = !!spec?.recordsSecrecy || level >= policy.length;
  // this round's approvals so far: the latest round's, below the current level
  const round = Math.max(0, ...item.reviews.map((r) => r.round));
  const earlier = item.reviews.filter((r) => r.decision === 'approve' && r.round === round && r.level < level).sort((a, b) => a.level - b.level);
  const openReview = item.findings.filter((f) => f.status === 'open' && f.severity === 'review').length;
  const blocking = item.findings.filter((f) => f.severity === 'block').length;

  const approve = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api.post<Approval>(`/items/${item.id}/approve`, {
        secrecyConclusion: recordsSecrecy ? conclusion.trim() : undefined,
        comment: comment.trim() || undefined,
      });
      onDone(r.version ? `审核通过，已冻结第 ${r.version.versionNo} 版并开始分发到各渠道` : `${spec?.label ?? `第 ${level} 级`}通过，等待下一级审核`);
    });
  };
  const reject = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.post(`/items/${item.id}/reject`, { reason: reason.trim() });
      onDone('已退回给撰写人');
    });
  };

  return (
    <section className="card review-panel" aria-labelledby="h-review-panel" data-testid="review-panel">
      <h2 id="h-review-panel">
        {spec?.label ?? '审核'}（第 {level} / {of} 级）
      </h2>
      {earlier.length ? (
        <ul className="muted" data-testid="earlier-levels">
          {earlier.map((r) => (
            <li key={r.id}>
              第 {r.level} 级{r.levelLabel ? `（${r.levelLabel}）` : ''}：{r.reviewerName ?? r.reviewerId} 于 {fmtTime(r.createdAt)} 审核通过
              {r.secrecyConclusion ? `，保密审查结论：${r.secrecyConclusion}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorBanner error={error} fieldsShown={['reason']} />
      {blocking ? <p className="alert alert-error">含密级标志，不能审核通过，请退回修改。</p> : null}
      {openReview ? <p className="alert alert-warn">还有 {openReview} 处个人信息或敏感内容待处理（脱敏或说明保留理由）后才能通过。</p> : null}
      <div className="grid-2">
        <form onSubmit={approve} aria-labelledby="h-approve">
          <h3 id="h-approve">通过</h3>
          {recordsSecrecy ? (
            <div className="field">
              <label htmlFor="secrecy">保密审查结论</label>
              <input id="secrecy" list="secrecy-list" value={conclusion} onChange={(e) => setConclusion(e.target.value)} required />
              <datalist id="secrecy-list">
                {SECRECY_CONCLUSIONS.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
            </div>
          ) : (
            <p className="hint">本级不记录保密审查结论（由后续级别记录）。</p>
          )}
          <div className="field">
            <label htmlFor="comment">审核意见（可选）</label>
            <textarea id="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy || (recordsSecrecy && !conclusion.trim())} data-testid="approve">
            审核通过
          </button>
        </form>
        <form onSubmit={reject} aria-labelledby="h-reject">
          <h3 id="h-reject">退回</h3>
          <div className="field">
            <label htmlFor="reject-reason">退回原因（必填）</label>
            <textarea id="reject-reason" rows={4} value={reason} onChange={(e) => setReason(e.target.value)} required aria-describedby="reject-reason-err" />
            <FieldError error={error} field="reason" id="reject-reason-err" />
          </div>
          <button type="submit" className="btn btn-danger" disabled={busy || !reason.trim()} data-testid="reject">
            退回修改
          </button>
        </form>
      </div>
    </section>
  );
}
