import { FormEvent, useMemo, useState } from 'react';
import { ErrorBanner, FieldError } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useAsync, useSubmit } from '../../lib/hooks';
import { fmtTime, SECRECY_CONCLUSIONS } from '../../lib/labels';
import type { Approval, ChannelAccount, ChannelCapabilities, ItemDetail } from '../../lib/types';
import { refreshWorkCounts } from '../../lib/work-counts';

/**
 * The level under review, named as the organisation's review policy names it, with who passed the
 * earlier levels of this round; approve or reject (with a reason). Shown only to a holder of the
 * level's role who did not write the item; the API refuses the same cases (403 LEVEL_ROLE,
 * SELF_APPROVAL, ALREADY_REVIEWED, FOUR_EYES).
 *
 * Approval is a decision, not a click: where the level records the 保密审查 conclusion the reviewer
 * picks or writes it (nothing is filled in for them); 审核通过 stays disabled, with the reason beside it,
 * while findings are open; and the last level, which publishes, asks once to confirm when the item goes
 * to channels that cannot take a publication back (their capabilities: no withdrawal, or only a 勘误),
 * naming them.
 */
export function ReviewPanel({ item, onDone }: { item: ItemDetail; onDone(msg: string): void }) {
  const [conclusion, setConclusion] = useState('');
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  // Approve and reject share one banner and one busy flag: each form hands its step to run().
  const { run, error, busy } = useSubmit((step: () => Promise<void>) => step());
  const level = item.reviewLevel + 1;
  const policy = item.reviewPolicy;
  const of = Math.max(policy.length, level);
  const spec = policy[Math.min(level, policy.length) - 1];
  const final = level >= policy.length;
  const recordsSecrecy = !!spec?.recordsSecrecy || final;
  // this round's approvals so far: the latest round's, below the current level
  const round = Math.max(0, ...item.reviews.map((r) => r.round));
  const earlier = item.reviews.filter((r) => r.decision === 'approve' && r.round === round && r.level < level).sort((a, b) => a.level - b.level);
  const openReview = item.findings.filter((f) => f.status === 'open' && f.severity === 'review').length;
  const blocking = item.findings.filter((f) => f.severity === 'block').length;
  const irrevocable = useIrrevocableTargets(item, final);

  const why = blocking
    ? '含密级标志，不能审核通过，请退回修改。'
    : openReview
      ? `还有 ${openReview} 处个人信息或敏感内容待处理（脱敏或说明保留理由）后才能通过。`
      : recordsSecrecy && !conclusion.trim()
        ? '请先选择或填写保密审查结论。'
        : '';

  const send = () =>
    void run(async () => {
      const r = await api.post<Approval>(`/items/${item.id}/approve`, {
        secrecyConclusion: recordsSecrecy ? conclusion.trim() : undefined,
        comment: comment.trim() || undefined,
      });
      setConfirming(false);
      refreshWorkCounts();
      onDone(r.version ? `审核通过，已冻结第 ${r.version.versionNo} 版并开始分发到各渠道` : `${spec?.label ?? `第 ${level} 级`}通过，等待下一级审核`);
    });
  const approve = (e: FormEvent) => {
    e.preventDefault();
    if (why) return;
    if (irrevocable.names.length && !confirming) setConfirming(true);
    else send();
  };
  const reject = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.post(`/items/${item.id}/reject`, { reason: reason.trim() });
      refreshWorkCounts();
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
            <fieldset className="plain" data-testid="secrecy-choice">
              <legend>保密审查结论（必选）</legend>
              {SECRECY_CONCLUSIONS.map((c) => (
                <label key={c} className="radio-line">
                  <input type="radio" name="secrecy-choice" value={c} checked={conclusion === c} onChange={() => (setConclusion(c), setConfirming(false))} />{' '}
                  {c}
                </label>
              ))}
              <div className="field">
                <label htmlFor="secrecy">结论（可选上面的一项，或填写本次审查的结论）</label>
                <input
                  id="secrecy"
                  list="secrecy-list"
                  value={conclusion}
                  placeholder="请选择或填写保密审查结论"
                  onChange={(e) => (setConclusion(e.target.value), setConfirming(false))}
                />
                <datalist id="secrecy-list">
                  {SECRECY_CONCLUSIONS.map((c) => (
                    <option key={c} value={c} />
                  ))}
                </datalist>
              </div>
            </fieldset>
          ) : (
            <p className="hint">本级不记录保密审查结论（由后续级别记录）。</p>
          )}
          <div className="field">
            <label htmlFor="comment">审核意见（可选）</label>
            <textarea id="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          </div>
          {confirming ? (
            <div className="alert alert-warn" role="alertdialog" aria-labelledby="h-irrevocable" data-testid="approve-confirmation">
              <p id="h-irrevocable">
                <strong>以下渠道发布后不能撤回</strong>（只能人工删除或在下一期刊登勘误）：{irrevocable.names.join('、')}。确认审核通过并发布吗？
              </p>
              <div className="actions">
                <button type="button" className="btn btn-primary" disabled={busy} onClick={send} data-testid="approve-confirm">
                  确认审核通过
                </button>
                <button type="button" className="btn" onClick={() => setConfirming(false)}>
                  返回
                </button>
              </div>
            </div>
          ) : (
            <>
              <button
                type="submit"
                className="btn btn-primary"
                disabled={busy || !!why || irrevocable.loading}
                aria-describedby={why ? 'approve-why' : undefined}
                data-testid="approve"
              >
                审核通过
              </button>
              {why ? (
                <p className="hint" id="approve-why" data-testid="approve-why">
                  {why}
                </p>
              ) : null}
            </>
          )}
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

/**
 * The item's target accounts whose channel cannot take a publication back (no withdrawal, or a 勘误 in
 * a later issue), named "渠道「账号」"; only asked at the level that publishes.
 */
function useIrrevocableTargets(item: ItemDetail, final: boolean): { names: string[]; loading: boolean } {
  const data = useAsync(
    () =>
      final && item.targetAccountIds.length
        ? Promise.all([api.get<ChannelCapabilities[]>('/channels'), api.get<ChannelAccount[]>(`/channel-accounts?organisationId=${item.organisationId}`)])
        : Promise.resolve(null),
    [final, item.organisationId, item.targetAccountIds.join(',')],
  );
  return useMemo(() => {
    if (!data.data) return { names: [], loading: data.loading };
    const [caps, accounts] = data.data;
    const names = item.targetAccountIds.flatMap((id) => {
      const a = accounts.find((x) => x.id === id);
      const c = a && caps.find((x) => x.type === a.channelType);
      return a && c && (!c.canWithdraw || c.withdrawsByCorrection) ? [`${c.label}「${a.name}」`] : [];
    });
    return { names, loading: false };
  }, [data.data, data.loading, item.targetAccountIds]);
}
