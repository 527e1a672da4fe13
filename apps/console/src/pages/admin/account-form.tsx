import { ChannelAccountNote } from '../../channels/registry';
import { SchemaForm } from '../../channels/schema-form';
import type { ChannelCapabilities } from '../../lib/types';
import { JsonField } from './json-field';

type Values = Record<string, unknown>;

/** Field paths the account form shows under its inputs (the rest goes to the error banner). */
export function accountFieldsShown(cap: ChannelCapabilities | undefined): string[] {
  return [...(cap?.settingsSchema ?? []).map((f) => `settings.${f.key}`), ...(cap?.credentialsSchema ?? []).map((f) => `credentials.${f.key}`)];
}

/** Credentials as typed: an empty secret is left out (留空则不修改); nothing typed at all sends nothing. */
export function credentialsToSend(c: Values): Values | undefined {
  const typed = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined && v !== ''));
  return Object.keys(typed).length ? typed : undefined;
}

/**
 * An account's settings and credentials, as forms rendered from the channel's declared fields
 * (ChannelCapabilities.settingsSchema / credentialsSchema), plus the channel's own note if it has one.
 * Settings the channel does not declare (nested ones such as a gazette's sections) stay editable as JSON.
 */
export function AccountForm(p: {
  id: string;
  type: string;
  cap?: ChannelCapabilities;
  settings: Values;
  onSettings(v: Values): void;
  credentials: Values;
  onCredentials(v: Values): void;
  storedCredentials: boolean;
  error: unknown;
  onValid(ok: boolean): void;
}) {
  const declared = new Set((p.cap?.settingsSchema ?? []).map((f) => f.key));
  const extra = Object.fromEntries(Object.entries(p.settings).filter(([k]) => !declared.has(k)));
  const known = Object.fromEntries(Object.entries(p.settings).filter(([k]) => declared.has(k)));
  return (
    <div className="account-form">
      <ChannelAccountNote type={p.type} />
      {p.cap?.settingsSchema.length ? (
        <SchemaForm
          id={`${p.id}-s`}
          legend="设置"
          fields={p.cap.settingsSchema}
          value={known}
          onChange={(v) => p.onSettings({ ...extra, ...v })}
          error={p.error}
          errorPath="settings"
        />
      ) : null}
      {p.cap?.credentialsSchema.length ? (
        <SchemaForm
          id={`${p.id}-c`}
          legend={`凭据（只写，加密保存，系统不会再显示）${p.storedCredentials ? '——已设置' : ''}`}
          fields={p.cap.credentialsSchema}
          value={p.credentials}
          onChange={p.onCredentials}
          error={p.error}
          errorPath="credentials"
          writeOnly={{ stored: p.storedCredentials }}
          context={p.settings}
        />
      ) : null}
      <details className="advanced-fields" open={Object.keys(extra).length ? true : undefined}>
        <summary>其他设置（高级）</summary>
        <JsonField
          id={`${p.id}-settings-extra`}
          label="上面没有列出的设置项（按数据格式填写，供技术人员使用）"
          value={Object.keys(extra).length ? extra : undefined}
          onChange={(v, ok) => {
            p.onValid(ok);
            if (ok) p.onSettings({ ...known, ...(v ?? {}) });
          }}
        />
      </details>
    </div>
  );
}
