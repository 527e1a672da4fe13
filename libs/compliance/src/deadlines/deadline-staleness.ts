import { DataSource } from 'typeorm';
import { ChannelRegistry } from '@app/channels/channel-registry';
import type { OrgRef, StaleAccountAlert, StaleColumnAlert } from './deadline-report.types';
import { staleNewMediaAccounts, stalePortalColumns } from './deadline-rules';
import { configuredPortalColumns, DEFAULT_NEW_MEDIA_IDLE_DAYS, newMediaMaxIdleDays, portalColumnDefaultDays } from './deadline-settings';

// The staleness half of the deadline scan (DeadlineScanService.scan): 政务新媒体 accounts and
// per-column accounts (the portal's 主题分类) idle for longer than their rule. Which channel is which
// comes from the adapters' capabilities; no channel is named here.

/** Channel types counted as 政务新媒体 (capabilities.newMedia), with their staleness limit in days. */
export function newMediaTypes(registry: ChannelRegistry): Map<string, number> {
  const caps = registry.capabilities().filter((c) => c.newMedia);
  return new Map(caps.map((c) => [c.type, c.staleness?.maxDays ?? DEFAULT_NEW_MEDIA_IDLE_DAYS]));
}

/** Channel types whose accounts go stale per column (capabilities.staleness.per), with the default period. */
export function columnWatchedTypes(registry: ChannelRegistry): Map<string, number> {
  const caps = registry.capabilities().filter((c) => c.staleness?.per === 'column');
  return new Map(caps.map((c) => [c.type, c.staleness!.maxDays]));
}

export async function staleAccounts(
  ds: DataSource,
  registry: ChannelRegistry,
  orgIds: string[],
  orgs: Map<string, { settings: Record<string, unknown> }>,
  cutoff: Date,
  today: string,
  ref: (id: string) => OrgRef,
): Promise<StaleAccountAlert[]> {
  const limits = newMediaTypes(registry);
  const types = [...limits.keys()];
  if (!types.length) return [];
  const rows: { id: string; name: string; channel_type: string; organisation_id: string; created_at: Date; last: Date | null }[] = await ds.query(
    `SELECT a.id, a.name, a.channel_type, a.organisation_id, a.created_at,
            (SELECT max(pr.published_at) FROM publication_records pr WHERE pr.channel_account_id = a.id AND pr.published_at < $3) AS last
       FROM channel_accounts a
      WHERE a.enabled AND a.organisation_id = ANY($1::uuid[]) AND a.channel_type = ANY($2::text[]) AND a.created_at < $3`,
    [orgIds, types, cutoff],
  );
  const out: StaleAccountAlert[] = [];
  for (const r of rows) {
    const max = newMediaMaxIdleDays(orgs.get(r.organisation_id)!.settings, limits.get(r.channel_type));
    const [s] = staleNewMediaAccounts([{ accountId: r.id, name: r.name, channelType: r.channel_type, lastPublishedAt: r.last, since: r.created_at }], today, {
      maxIdleDays: max,
    });
    if (!s) continue;
    out.push({
      kind: 'stale-account',
      key: r.id,
      organisation: ref(r.organisation_id),
      accountId: r.id,
      accountName: r.name,
      channelType: r.channel_type,
      channelLabel: registry.get(r.channel_type).capabilities.label,
      lastPublishedDate: s.lastPublishedDate,
      idleDays: Number.isFinite(s.idleDays) ? s.idleDays : null,
      maxIdleDays: max,
      message: s.message,
    });
  }
  return out.sort((a, b) => (b.idleDays ?? Infinity) - (a.idleDays ?? Infinity));
}

export async function staleColumns(
  ds: DataSource,
  registry: ChannelRegistry,
  orgIds: string[],
  orgs: Map<string, { settings: Record<string, unknown> }>,
  cutoff: Date,
  today: string,
  ref: (id: string) => OrgRef,
): Promise<StaleColumnAlert[]> {
  const periods = columnWatchedTypes(registry);
  const types = [...periods.keys()];
  if (!types.length) return [];
  const accounts: { id: string; name: string; channel_type: string; organisation_id: string; created_at: Date }[] = await ds.query(
    `SELECT a.id, a.name, a.channel_type, a.organisation_id, a.created_at FROM channel_accounts a
      WHERE a.enabled AND a.organisation_id = ANY($1::uuid[]) AND a.channel_type = ANY($2::text[]) AND a.created_at < $3`,
    [orgIds, types, cutoff],
  );
  if (!accounts.length) return [];
  const last: { account_id: string; category: string; last: Date }[] = await ds.query(
    `SELECT channel_account_id AS account_id, category, max(published_at) AS last FROM publication_records
      WHERE channel_account_id = ANY($1::uuid[]) AND published_at < $2 GROUP BY 1, 2`,
    [accounts.map((a) => a.id), cutoff],
  );
  const out: StaleColumnAlert[] = [];
  for (const a of accounts) {
    const settings = orgs.get(a.organisation_id)!.settings;
    const channelDays = periods.get(a.channel_type);
    const configured = configuredPortalColumns(settings, channelDays);
    const mine = last.filter((l) => l.account_id === a.id);
    const columns = configured ?? mine.map((l) => ({ name: l.category, periodDays: portalColumnDefaultDays(settings, channelDays) }));
    const rows = columns.map((c) => ({
      columnId: `${a.id}|${c.name}`,
      name: c.name,
      periodDays: c.periodDays,
      lastPublishedAt: mine.find((l) => l.category === c.name)?.last ?? null,
      since: a.created_at,
    }));
    for (const s of stalePortalColumns(rows, today)) {
      out.push({
        kind: 'stale-column',
        key: s.row.columnId,
        organisation: ref(a.organisation_id),
        accountId: a.id,
        accountName: a.name,
        column: s.row.name!,
        periodDays: s.row.periodDays,
        configured: configured !== null,
        lastPublishedDate: s.lastPublishedDate,
        idleDays: Number.isFinite(s.idleDays) ? s.idleDays : null,
        message: `${a.name}：${s.message}`,
      });
    }
  }
  return out.sort((a, b) => (b.idleDays ?? Infinity) - (a.idleDays ?? Infinity));
}
