import { useState } from 'react';
import { api } from '../lib/api';
import { useSubmit } from '../lib/hooks';
import type { Finding, Item } from '../lib/types';
import { ErrorBanner, fieldLabel } from './error-banner';

const SEVERITY: Record<string, string> = { block: '禁止公开', review: '须审核人处理', warn: '提示' };
const STATUS: Record<string, string> = { open: '待处理', kept: '已保留', redacted: '已脱敏', resolved: '已解决' };

/**
 * Compliance findings with their place in the text. Secrecy marks block outright; personal data and
 * sensitive words need a decision: redact (editor or reviewer) or keep with a reason (a reviewer who is
 * not the author). The API enforces the same rules.
 */
export function FindingsList({
  item,
  findings,
  onChanged,
  canKeep,
  canRedact = true,
}: {
  item: Item;
  findings: Finding[];
  onChanged(): Promise<void> | void;
  canKeep: boolean;
  canRedact?: boolean;
}) {
  const [reasons, setReasons] = useState<Record<string, string>>({});
  // One decision at a time: every finding's buttons wait while one is sent and the findings reload.
  const {
    run: decide,
    error,
    busy,
  } = useSubmit(async (f: Finding, decision: 'keep' | 'redact') => {
    await api.post(`/items/${item.id}/findings/${f.id}/decision`, { decision, reason: decision === 'keep' ? (reasons[f.id] ?? '') : undefined });
    await onChanged();
  });
  if (!findings.length)
    return (
      <p className="ok-line" data-testid="no-findings">
        ✓ 未发现密级标志、个人信息或敏感词
      </p>
    );
  const open = findings.filter((f) => f.status === 'open');
  return (
    <div className="findings" data-testid="findings">
      <p>
        共 {findings.length} 处，待处理 {open.length} 处{open.some((f) => f.severity === 'block') ? '；含密级标志，不能提交' : ''}。
      </p>
      <ErrorBanner error={error} />
      <ol>
        {findings.map((f) => (
          <li key={f.id} className={`finding finding-${f.severity}`} data-rule={f.rule}>
            <div>
              <span className={`badge sev-${f.severity}`}>{SEVERITY[f.severity] ?? f.severity}</span> <strong>{fieldLabel(f.field)}</strong> ·{' '}
              {STATUS[f.status] ?? f.status}
            </div>
            <p>{f.message}</p>
            <p className="excerpt">
              <mark className={`finding-mark finding-${f.severity}`}>{f.excerpt}</mark>
            </p>
            {f.decisionReason ? <p className="muted">理由：{f.decisionReason}</p> : null}
            {f.status === 'open' && f.severity !== 'block' ? (
              <div className="finding-actions">
                {canRedact && ['title', 'summary', 'bodyHtml'].includes(f.field) ? (
                  <button type="button" className="btn btn-small" disabled={busy} onClick={() => void decide(f, 'redact')}>
                    脱敏（以*遮盖）
                  </button>
                ) : null}
                {canKeep ? (
                  <>
                    <label className="sr-only" htmlFor={`keep-${f.id}`}>
                      保留理由
                    </label>
                    <input
                      id={`keep-${f.id}`}
                      placeholder="保留理由（必填）"
                      value={reasons[f.id] ?? ''}
                      onChange={(e) => setReasons({ ...reasons, [f.id]: e.target.value })}
                    />
                    <button type="button" className="btn btn-small" disabled={busy || !(reasons[f.id] ?? '').trim()} onClick={() => void decide(f, 'keep')}>
                      保留
                    </button>
                  </>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
