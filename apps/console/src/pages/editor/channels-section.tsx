import { type ReactNode, useMemo } from 'react';
import type { ApiError } from '../../lib/api';
import type { ChannelAccount, ChannelCapabilities, Organisation } from '../../lib/types';
import { ChannelPicker } from './channel-picker';
import type { Form } from './editor-form';
import { OverridesForm } from './overrides-form';

const fid = (f: string) => `f-${f}`;

/** 发布渠道: the accounts to publish to, the channels' own notes, and each selected channel's override fields. */
export function ChannelsSection({
  form,
  accounts,
  capabilities,
  orgSettingsOf,
  onPick,
  update,
  err,
  error,
  notes,
}: {
  form: Form;
  accounts: ChannelAccount[];
  capabilities: ChannelCapabilities[];
  orgSettingsOf(organisationId: string): Organisation['settings'] | undefined;
  /** the editor picked the accounts by hand */
  onPick(ids: string[]): void;
  update<K extends keyof Form>(k: K, v: Form[K]): void;
  err(field: string): ReactNode;
  error: ApiError | undefined;
  notes: ReactNode;
}) {
  const selectedTypes = useMemo(
    () => [...new Set(accounts.filter((a) => form.targetAccountIds.includes(a.id)).map((a) => a.channelType))],
    [accounts, form.targetAccountIds],
  );
  return (
    <section className="card" aria-labelledby="h-channels">
      <h2 id="h-channels">发布渠道</h2>
      <ChannelPicker
        accounts={accounts}
        capabilities={capabilities}
        kind={form.kind}
        orgSettingsOf={orgSettingsOf}
        selected={form.targetAccountIds}
        onChange={onPick}
        describedBy={`${fid('targetAccountIds')}-err`}
      />
      {err('targetAccountIds')}
      {notes}
      <h3>各渠道单独设置</h3>
      <OverridesForm
        types={selectedTypes}
        capabilities={capabilities}
        accounts={accounts}
        value={form.channelOverrides}
        onChange={(v) => update('channelOverrides', v)}
        error={error}
      />
    </section>
  );
}
