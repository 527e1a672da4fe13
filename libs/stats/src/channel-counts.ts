import { ITEM_KIND_LABELS, ItemKind } from '@app/domain/enums/domain-enums';
import type { ChannelCounts, CountSource } from './ledger-query.types';
import type { StatsCatalogue } from './stats-catalogue';

/** What channelCounts() read: fixed dimensions and every dimension of some prefixes, with items. */
export interface ChannelCountsInput {
  source: CountSource;
  counts: Map<string, number>;
  types: Map<string, number>;
  rows: Map<string, number>;
  accounts: Map<string, number>;
  categories: Map<string, number>;
  kinds: Map<string, number>;
  accountInfo: Map<string, { name: string; channel_type: string; organisation_id: string }>;
}

/** The channel-counts view from its dimension counts; labels from the catalogue (data). */
export function assembleChannelCounts(x: ChannelCountsInput, catalogue: StatsCatalogue): ChannelCounts {
  const total = x.counts.get('*') ?? 0;
  const byChannelType = [...x.types.entries()]
    .map(([d, n]) => ({ channelType: d.slice(3), label: catalogue.channelLabel(d.slice(3)), items: n }))
    .sort((a, b) => b.items - a.items || a.channelType.localeCompare(b.channelType));
  // The catalogue's rows in table order (0 when nothing was published there), then any other row a
  // channel declared, by key.
  const byReportRow: Record<string, number> = {};
  for (const r of catalogue.reportRows) byReportRow[r.key] = x.rows.get(`r:${r.key}`) ?? 0;
  for (const d of [...x.rows.keys()].sort()) byReportRow[d.slice(2)] ??= x.rows.get(d)!;
  const byAccount = [...x.accounts.keys()]
    .map((d) => d.slice(2))
    .map((id) => ({
      accountId: id,
      name: x.accountInfo.get(id)?.name ?? null,
      channelType: x.accountInfo.get(id)?.channel_type ?? null,
      ownerOrganisationId: x.accountInfo.get(id)?.organisation_id ?? null,
      items: x.accounts.get(`a:${id}`)!,
    }))
    .sort((a, b) => b.items - a.items || a.accountId.localeCompare(b.accountId));
  const byCategory = [...x.categories.entries()]
    .map(([d, n]) => ({ category: d.slice(2), items: n }))
    .sort((a, b) => b.items - a.items || a.category.localeCompare(b.category));
  const byKind = [...x.kinds.entries()]
    .map(([d, n]) => ({ kind: d.slice(2), label: ITEM_KIND_LABELS[d.slice(2) as ItemKind] ?? d.slice(2), items: n }))
    .sort((a, b) => b.items - a.items || a.kind.localeCompare(b.kind));
  return {
    source: x.source,
    total,
    byChannelType,
    byReportRow,
    byAccount,
    byCategory,
    byKind,
    flags: {
      normative: x.counts.get('f:normative') ?? 0,
      interpretation: x.counts.get('f:interpretation') ?? 0,
      response: x.counts.get('f:response') ?? 0,
    },
    checks: consistencyChecks(
      total,
      byChannelType.map((t) => ({ key: t.channelType, label: t.label, n: t.items })),
    ),
  };
}

/** each channel ≤ total ≤ sum of channels (STATISTICS.md). */
export function consistencyChecks(total: number, channels: { key: string; label: string; n: number }[]) {
  const checks = channels.map((c) => ({
    id: `channel-le-total:${c.key}`,
    label: `${c.label}公开数不大于主动公开总数`,
    ok: c.n <= total,
    detail: `${c.n} ≤ ${total}`,
  }));
  const sum = channels.reduce((s, c) => s + c.n, 0);
  checks.push({ id: 'total-le-sum', label: '主动公开总数不大于各渠道公开数之和', ok: total <= sum, detail: `${total} ≤ ${sum}` });
  return checks;
}
