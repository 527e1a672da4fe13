import type { OperatorAccount } from './monitor-types';
import { platformWords } from '../../lib/delivery-words';

export const ACCOUNT_STATE_LABELS: Record<OperatorAccount['state'], string> = {
  active: '正常',
  paused: '已暂停',
  rate_limited: '限流中',
  needs_attention: '需处理',
  disabled: '已停用',
};

/** "12月6日 18:05" in Beijing time, whatever the zone of the computer. */
export function fmtBeijingShort(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Shanghai',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('month')}月${p('day')}日 ${p('hour')}:${p('minute')}`;
}

/** What the account state cell needs: the state (account-states.service.ts) and, for the accounts list, the backlog. */
type StateOf = Pick<OperatorAccount, 'state' | 'pauseReason' | 'resumesAt' | 'rateLimitedUntil' | 'statusReason'> &
  Partial<Pick<OperatorAccount, 'nextAttemptAt' | 'waiting'>>;

/** An account's state in words (not colour only): why it is paused and when it resumes, until when its rate limit holds it. */
export function AccountStateCell({ a }: { a: StateOf }) {
  const cls = a.state === 'active' ? 'ok-line' : a.state === 'disabled' ? 'muted' : 'err-text';
  return (
    <div data-testid="account-state" data-state={a.state}>
      <strong className={cls}>{ACCOUNT_STATE_LABELS[a.state] ?? a.state}</strong>
      {a.state === 'paused' && a.pauseReason ? <div className="small">{a.pauseReason}</div> : null}
      {a.state === 'paused' && a.resumesAt ? (
        <div className="small" data-testid="account-resumes">
          预计 {fmtBeijingShort(a.resumesAt)} 恢复
        </div>
      ) : null}
      {a.state === 'rate_limited' && a.rateLimitedUntil ? (
        <div className="small" data-testid="account-rate-limited">
          已达到本账号的发送频率上限，预计 {fmtBeijingTime(a.rateLimitedUntil)} 继续发送
        </div>
      ) : null}
      {a.state === 'needs_attention' && a.statusReason ? <div className="small">{platformWords(a.statusReason)}</div> : null}
      {a.nextAttemptAt && a.waiting ? <div className="small muted">下次尝试：{fmtBeijingShort(a.nextAttemptAt)}</div> : null}
    </div>
  );
}

/** "18:05:30" in Beijing time: a rate window is seconds to minutes long. */
export function fmtBeijingTime(iso: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(
    new Date(iso),
  );
}
