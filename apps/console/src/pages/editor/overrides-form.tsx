import type { ChannelField } from '../../../../../libs/channels/src/channel-adapter.types';
import { rememberChannels } from '../../channels/catalogue';
import { SchemaForm } from '../../channels/schema-form';
import type { ChannelAccount, ChannelCapabilities, ChannelOverrides } from '../../lib/types';

/**
 * One group per selected channel type that declares per-item fields (ChannelCapabilities.overrideSchema),
 * rendered from the declaration; the values go to item.channelOverrides[type].
 */
export function OverridesForm({
  types,
  capabilities,
  accounts,
  value,
  onChange,
  error,
}: {
  types: string[];
  capabilities: ChannelCapabilities[];
  accounts: ChannelAccount[];
  value: ChannelOverrides;
  onChange(v: ChannelOverrides): void;
  error: unknown;
}) {
  rememberChannels(capabilities);
  const shown = types.map((t) => capabilities.find((c) => c.type === t)).filter((c): c is ChannelCapabilities => !!c?.overrideSchema?.length);
  if (!shown.length) return <p className="muted">所选渠道没有需要单独设置的内容。</p>;
  const set = (type: string, v: Record<string, unknown>) => {
    const next = { ...value, [type]: v };
    if (!Object.keys(v).length) delete next[type];
    onChange(next);
  };
  return (
    <div className="overrides">
      {shown.map((c) => (
        <div key={c.type} className="override-group" data-testid={`overrides-${c.type}`}>
          <SchemaForm
            id={`ov-${c.type}`}
            legend={c.label}
            fields={c.overrideSchema}
            value={value[c.type] ?? {}}
            onChange={(v) => set(c.type, v)}
            error={error}
            errorPath={`channelOverrides.${c.type}`}
            alsoErrorPaths={[`channels.${c.type}.channelOverrides.${c.type}`]}
            optionsFor={(f) =>
              optionsFromSettings(
                f,
                accounts.filter((a) => a.channelType === c.type),
              )
            }
          />
        </div>
      ))}
    </div>
  );
}

/** `optionsFromSettings: 'sections.title'`: the distinct titles of settings.sections[] of the chosen channel's accounts. */
function optionsFromSettings(f: ChannelField, accounts: ChannelAccount[]): { value: string; label: string }[] | undefined {
  if (!f.optionsFromSettings) return undefined;
  const [list, key] = f.optionsFromSettings.split('.');
  const values = accounts.flatMap((a) => {
    const entries = (a.settings as Record<string, unknown> | undefined)?.[list];
    return Array.isArray(entries)
      ? entries.map((e) => (key ? (e as Record<string, unknown>)?.[key] : e)).filter((x): x is string => typeof x === 'string' && !!x)
      : [];
  });
  return [...new Set(values)].map((v) => ({ value: v, label: v }));
}
