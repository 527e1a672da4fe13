import type { OperatorAccount } from './monitor-types';

export const ACCOUNT_STATE_LABELS: Record<OperatorAccount['state'], string> = { active: '正常', paused: '已暂停', needs_attention: '需处理', disabled: '已停用' };

/** "12月6日 18:05" in Beijing time, whatever the zone of the computer. */
export function fmtBeijingShort(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('month')}月${p('day')}日 ${p('hour')}:${p('minute')}`;
}

/** An account's state in words (not colour only), with why it is paused and when it resumes. */
export function AccountStateCell({ a }: { a: OperatorAccount }) {
  const cls = a.state === 'active' ? 'ok-line' : a.state === 'disabled' ? 'muted' : 'err-text';
  return (
    <div data-testid="account-state" data-state={a.state}>
      <strong className={cls}>{ACCOUNT_STATE_LABELS[a.state] ?? a.state}</strong>
      {a.state === 'paused' && a.pauseReason ? <div className="small">{a.pauseReason}</div> : null}
      {a.state === 'paused' && a.resumesAt ? <div className="small" data-testid="account-resumes">预计 {fmtBeijingShort(a.resumesAt)} 恢复</div> : null}
      {a.state === 'needs_attention' && a.statusReason ? <div className="small">{a.statusReason}</div> : null}
      {a.nextAttemptAt && a.waiting ? <div className="small muted">下次尝试：{fmtBeijingShort(a.nextAttemptAt)}</div> : null}
    </div>
  );
}
