import { useEffect, useState } from 'react';
import { api } from '../../lib/api';
import type { ChannelAccount, ChannelOverrides } from '../../lib/types';
import { MassQuotaReply, wechatModeOf } from '../../lib/platform-types';

export interface AccountQuota {
  account: ChannelAccount;
  quota?: MassQuotaReply;
  error?: string;
}

/**
 * The 群发 quota of every selected WeChat account that sends this item by 群发 (the account's setting
 * or the item's override), read before submit: the API refuses a submit with no quota left, and the
 * editor should see why first. Re-read when the selection or the mode changes.
 */
export function useMassQuotas(accounts: ChannelAccount[], selected: string[], overrides: ChannelOverrides): AccountQuota[] {
  const override = (overrides.wechat as Record<string, unknown> | undefined)?.publishMode;
  const mass = accounts.filter((a) => a.channelType === 'wechat' && selected.includes(a.id) && wechatModeOf(a.settings, override) === 'mass');
  const key = mass.map((a) => a.id).join();
  const [rows, setRows] = useState<AccountQuota[]>([]);
  useEffect(() => {
    let live = true;
    void Promise.all(
      mass.map((account) =>
        api.get<MassQuotaReply>(`/channel-accounts/${account.id}/quota`).then(
          (quota): AccountQuota => ({ account, quota }),
          (e): AccountQuota => ({ account, error: (e as Error).message }),
        ),
      ),
    ).then((r) => {
      if (live) setRows(r);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return rows.filter((r) => mass.some((a) => a.id === r.account.id));
}

const PER = { day: '今日', month: '本月' };

/** Under the channel picker: "群发额度：今日已用 0/1" per account. */
export function MassQuotaLines({ quotas }: { quotas: AccountQuota[] }) {
  if (!quotas.length) return null;
  return (
    <ul className="mass-quota" data-testid="mass-quota">
      {quotas.map(({ account, quota, error }) => (
        <li key={account.id} className={quota && quota.remaining <= 0 ? 'err-text' : ''}>
          {account.name} · 群发额度：
          {quota
            ? `${PER[quota.per]}已用 ${Math.min(quota.used + quota.inFlight, quota.limit)}/${quota.limit}（${quota.accountType === 'service' ? '服务号' : '订阅号'}）`
            : `无法读取（${error}）`}
        </li>
      ))}
    </ul>
  );
}

/** In the problems area: the API's sentence for an account whose quota is used up. */
export function MassQuotaProblems({ quotas }: { quotas: AccountQuota[] }) {
  const out = quotas.filter((q) => q.quota?.message);
  if (!out.length) return null;
  return (
    <div data-testid="mass-quota-problems">
      {out.map(({ account, quota }) => (
        <p key={account.id} className="alert alert-error">
          {account.name}：{quota!.message}
        </p>
      ))}
    </div>
  );
}
