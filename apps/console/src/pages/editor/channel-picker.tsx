import type { ChannelAccount, ChannelCapabilities } from '../../lib/types';

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
}: {
  accounts: ChannelAccount[];
  capabilities: ChannelCapabilities[];
  selected: string[];
  onChange(ids: string[]): void;
  describedBy?: string;
}) {
  const types = capabilities.filter((c) => accounts.some((a) => a.channelType === c.type));
  const usable = accounts.filter((a) => a.enabled && capabilities.some((c) => c.type === a.channelType));
  const toggle = (id: string, on: boolean) => onChange(on ? [...new Set([...selected, id])] : selected.filter((x) => x !== id));
  if (!usable.length) return <p className="muted">本机构及上级机构还没有可用的渠道账号，请联系管理员配置。</p>;
  return (
    <fieldset className="channel-picker" aria-describedby={describedBy}>
      <legend>发布渠道</legend>
      <p>
        <button type="button" className="btn btn-small" onClick={() => onChange(usable.map((a) => a.id))} data-testid="select-all-channels">
          选择全部渠道
        </button>{' '}
        <button type="button" className="btn btn-small" onClick={() => onChange([])}>
          全部取消
        </button>
      </p>
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
                <input id={`acc-${a.id}`} type="checkbox" checked={selected.includes(a.id)} disabled={!a.enabled} onChange={(e) => toggle(a.id, e.target.checked)} data-channel={a.channelType} />
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

/** Default accounts for a kind: the organisation's setting when it names channel types, else each channel's defaultKinds. */
export function defaultAccounts(kind: string, accounts: ChannelAccount[], capabilities: ChannelCapabilities[], orgSettings: Record<string, any> | undefined): string[] {
  const byKind = orgSettings?.defaultChannelsByKind as Record<string, string[]> | undefined;
  const types = byKind?.[kind] ?? capabilities.filter((c) => !c.defaultKinds || c.defaultKinds.includes(kind)).map((c) => c.type);
  return accounts.filter((a) => a.enabled && a.status === 'active' && types.includes(a.channelType)).map((a) => a.id);
}
