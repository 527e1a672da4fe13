import { useState } from 'react';
import { channelUi } from '../../channels/registry';
import { KIND_LABELS } from '../../lib/labels';
import type { ChannelAccount, ChannelCapabilities } from '../../lib/types';

type OrgSettingsOf = (organisationId: string) => Record<string, any> | undefined;

/**
 * Why `account` does not take items of `kind` (Chinese), or null: the channel's own rule when its
 * console part has one (the gazette's printed kinds), else the channel's capabilities.defaultKinds.
 */
export function kindRefusal(account: ChannelAccount, kind: string, capabilities: ChannelCapabilities[], orgSettingsOf?: OrgSettingsOf): string | null {
  const cap = capabilities.find((c) => c.type === account.channelType);
  if (!cap) return '不支持的渠道';
  const own = channelUi(cap.type).kindRefusal;
  if (own) return own({ account, kind, capabilities: cap, orgSettings: orgSettingsOf?.(account.organisationId) });
  return cap.defaultKinds && !cap.defaultKinds.includes(kind) ? `默认不发布“${KIND_LABELS[kind] ?? kind}”类信息` : null;
}

/**
 * Channel accounts of the organisation (and its parents: a department publishes through the county
 * portal), grouped by channel. Accounts that need an operator's attention stay selectable, but say so.
 */
export function ChannelPicker({
  accounts,
  capabilities,
  selected,
  onChange,
  describedBy,
  kind,
  orgSettingsOf,
}: {
  accounts: ChannelAccount[];
  capabilities: ChannelCapabilities[];
  selected: string[];
  onChange(ids: string[]): void;
  describedBy?: string;
  /** The item's kind: 选择全部渠道 takes only the accounts that take it. */
  kind: string;
  orgSettingsOf?: OrgSettingsOf;
}) {
  // the accounts 选择全部渠道 left out, and why (shown until the choice changes again)
  const [skipped, setSkipped] = useState<{ id: string; text: string }[]>([]);
  const types = capabilities.filter((c) => accounts.some((a) => a.channelType === c.type));
  const usable = accounts.filter((a) => a.enabled && capabilities.some((c) => c.type === a.channelType));
  const toggle = (id: string, on: boolean) => {
    setSkipped([]);
    onChange(on ? [...new Set([...selected, id])] : selected.filter((x) => x !== id));
  };
  const selectAll = () => {
    const refused = usable.map((a) => ({ a, why: kindRefusal(a, kind, capabilities, orgSettingsOf) }));
    onChange(refused.filter((r) => !r.why).map((r) => r.a.id));
    const label = (a: ChannelAccount) => capabilities.find((c) => c.type === a.channelType)?.label ?? '';
    setSkipped(refused.filter((r) => r.why).map(({ a, why }) => ({ id: a.id, text: `${label(a)}「${a.name}」${why}` })));
  };
  if (!usable.length) return <p className="muted">本机构及上级机构还没有可用的渠道账号，请联系管理员配置。</p>;
  return (
    <fieldset className="channel-picker" aria-describedby={describedBy}>
      <legend>发布渠道</legend>
      <p>
        <button type="button" className="btn btn-small" onClick={selectAll} data-testid="select-all-channels">
          选择全部渠道
        </button>{' '}
        <button type="button" className="btn btn-small" onClick={() => (setSkipped([]), onChange([]))}>
          全部取消
        </button>
      </p>
      {skipped.length ? (
        <div className="alert alert-info" role="status" data-testid="select-all-skipped">
          以下渠道不接收“{KIND_LABELS[kind] ?? kind}”类信息，未选择：
          <ul>
            {skipped.map((x) => (
              <li key={x.id}>{x.text}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {types.map((c) => (
        <div key={c.type} className="channel-group">
          <h4>
            {c.label}
            <small className="muted">
              {c.limits.titleMaxChars ? ` · 标题≤${c.limits.titleMaxChars}字` : ''}
              {c.limits.textMaxChars ? ` · 正文≤${c.limits.textMaxChars}字` : ''}
              {c.collectsIntoIssues ? ' · 编入下一期发布' : ''}
              {!c.canWithdraw ? ' · 发布后不能撤回' : ''}
            </small>
          </h4>
          {accounts
            .filter((a) => a.channelType === c.type)
            .map((a) => (
              <div key={a.id} className="field-inline">
                <input
                  id={`acc-${a.id}`}
                  type="checkbox"
                  checked={selected.includes(a.id)}
                  disabled={!a.enabled}
                  onChange={(e) => toggle(a.id, e.target.checked)}
                  data-channel={a.channelType}
                />
                <label htmlFor={`acc-${a.id}`}>
                  {a.name}
                  {!a.enabled ? <span className="badge state-cancelled">已停用</span> : null}
                  {a.status !== 'active' ? (
                    <span className="badge state-failed" title={a.statusReason ?? ''}>
                      账号需处理
                    </span>
                  ) : null}
                </label>
              </div>
            ))}
        </div>
      ))}
    </fieldset>
  );
}

/** Default accounts for a kind: the organisation's setting when it names channel types, else the accounts that take the kind (kindRefusal). */
export function defaultAccounts(
  kind: string,
  accounts: ChannelAccount[],
  capabilities: ChannelCapabilities[],
  orgSettings: Record<string, any> | undefined,
  orgSettingsOf?: OrgSettingsOf,
): string[] {
  const byKind = orgSettings?.defaultChannelsByKind as Record<string, string[]> | undefined;
  const types = byKind?.[kind];
  return accounts
    .filter((a) => a.enabled && a.status === 'active' && (types ? types.includes(a.channelType) : !kindRefusal(a, kind, capabilities, orgSettingsOf)))
    .map((a) => a.id);
}
