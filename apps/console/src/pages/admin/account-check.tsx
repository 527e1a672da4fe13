import { useState } from 'react';
import { ErrorBanner } from '../../components/error-banner';
import { api } from '../../lib/api';
import { useSubmit } from '../../lib/hooks';
import { fmtTime } from '../../lib/labels';
import type { AccountCheck } from '../../lib/platform-types';
import type { ChannelAccount } from '../../lib/types';

/**
 * 测试连接 of one account at a time: `checked` is the account last asked about and, once answered, its
 * result (an answer for an account no longer asked about is dropped); `onResult` sees every answer.
 */
export function useAccountCheck(onResult?: (id: string, result: AccountCheck) => void) {
  const [checked, setChecked] = useState<{ id: string; name: string; result?: AccountCheck } | null>(null);
  const check = useSubmit(async (a: Pick<ChannelAccount, 'id' | 'name'>) => {
    setChecked({ id: a.id, name: a.name });
    const result = await api.post<AccountCheck>(`/channel-accounts/${a.id}/check`);
    onResult?.(a.id, result);
    setChecked((c) => (c?.id === a.id ? { ...c, result } : c));
  });
  return { checked, setChecked, check };
}

const OK_WORDS = (ok: boolean | null) => (ok === true ? '可用' : ok === false ? '不可用' : '无法确认');

/** The result of 测试连接: each capability in words (not colour only) with the platform's Chinese detail. */
export function AccountCheckResult({ name, check, error, busy }: { name: string; check?: AccountCheck; error?: unknown; busy?: boolean }) {
  return (
    <section className="card account-check" aria-labelledby="h-acc-check" data-testid="account-check" aria-live="polite">
      <h3 id="h-acc-check">测试连接：{name}</h3>
      {busy ? <p className="muted">正在测试连接…</p> : null}
      <ErrorBanner error={error} />
      {check && !busy ? (
        <>
          <p className={check.ok ? 'alert alert-ok' : 'alert alert-warn'} data-testid="account-check-summary">
            {!check.supported ? '该渠道暂不支持连接测试' : check.ok ? '连接正常：发布所需的权限均可用' : '连接测试发现问题，请按下列说明处理'}
            <span className="muted">（{fmtTime(check.checkedAt)}）</span>
          </p>
          {check.capabilities.length ? (
            <ul className="check-list" data-testid="account-check-list">
              {check.capabilities.map((c) => (
                <li key={c.key} data-key={c.key} className={c.ok === true ? 'ok-line' : c.ok === false ? 'err-text' : 'muted'}>
                  <strong>{c.label}</strong>：<span data-testid="capability-state">{OK_WORDS(c.ok)}</span>——{c.detail}
                </li>
              ))}
            </ul>
          ) : null}
          {check.problems.length && check.supported ? (
            <>
              <h4>需要处理</h4>
              <ul data-testid="account-check-problems">
                {check.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
