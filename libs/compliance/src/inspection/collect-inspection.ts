import type { DataSource } from 'typeorm';
import type { ChannelRegistry } from '@app/channels/channel-registry';
import { fromDayNumber, toDayNumber } from '../deadlines/calendar-date';
import { configuredPortalColumns, interpretationKinds, newMediaMaxIdleDays } from '../deadlines/deadline-settings';
import { columnWatchedTypes, newMediaTypes } from '../deadlines/deadline-staleness';
import { classifyColumn, VETO_THRESHOLDS } from './inspection-rules';
import { DEFAULT_REMINDER_STEPS, type AccountInput, type ColumnInput, type InspectionInput, type PolicyInput, type ReminderStep } from './inspection.types';

type Settings = Record<string, unknown>;

/** A publication still on show at the cutoff: confirmed before it and not withdrawn before it. */
const LIVE = (pr: string, cutoff: string) =>
  `${pr}.published_at < ${cutoff} AND NOT EXISTS (SELECT 1 FROM publication_withdrawals w WHERE w.publication_record_id = ${pr}.id AND w.withdrawn_at < ${cutoff})`;
/** Deliveries that will still publish (not finished, not given up). */
const PENDING = `d.state NOT IN ('published','withdrawn','failed','cancelled')`;

/**
 * Organisation settings of the inspection (organisations.settings, all optional):
 *   inspectionColumns: { '政务动态': 'news', '公示公告': 'notice', … }   a column's rule, over the name patterns
 *   inspectionReminders: [{ day: 10, to: 'staff' }, { day: 12, to: 'staff' }, { day: 14, to: 'lead' }]
 *   inspectionThresholds: { staleRuledColumns: 5, staleColumns: 10, blankColumns: 5 }
 * plus the deadline settings (portalColumns, newMediaMaxIdleDays, interpretationKinds).
 */
export function reminderSteps(settings: Settings | null | undefined): ReminderStep[] {
  const raw = settings?.inspectionReminders;
  if (!Array.isArray(raw)) return DEFAULT_REMINDER_STEPS;
  const steps = raw
    .filter((s): s is { day: number; to: string } => !!s && typeof s === 'object' && Number.isInteger((s as { day?: unknown }).day))
    .filter((s) => s.day >= 1 && s.day <= 14 && (s.to === 'staff' || s.to === 'lead'))
    .map((s) => ({ day: s.day, to: s.to as 'staff' | 'lead' }))
    .sort((a, b) => a.day - b.day);
  return steps.length ? steps : DEFAULT_REMINDER_STEPS;
}

export function inspectionThresholds(settings: Settings | null | undefined): InspectionInput['thresholds'] {
  const raw = settings?.inspectionThresholds as Record<string, unknown> | undefined;
  const out: Record<string, number> = {};
  // An office may be stricter than the national indicators (a lower threshold), never laxer.
  for (const k of Object.keys(VETO_THRESHOLDS) as (keyof typeof VETO_THRESHOLDS)[]) {
    const v = raw?.[k];
    if (Number.isInteger(v) && (v as number) > 0) out[k] = Math.min(v as number, VETO_THRESHOLDS[k]);
  }
  return out;
}

/**
 * Reads what computeInspection needs for `orgIds` on Beijing day `today` from the ledger
 * (publication_records, withdrawals), the deliveries still to go out, the items and the channel
 * accounts. Which account is a portal (per-column rule) or a 政务新媒体 account comes from the adapters'
 * capabilities, as in deadline-staleness.ts. Settings: the first organisation's (the one asked about).
 */
export async function collectInspectionInput(ds: DataSource, registry: ChannelRegistry, orgIds: string[], today: string): Promise<InspectionInput> {
  const cutoffDay = fromDayNumber(toDayNumber(today) + 1);
  const cutoff = new Date(`${cutoffDay}T00:00:00+08:00`);
  const empty: InspectionInput = { today, columns: [], accounts: [], policies: [], backdated: [] };
  if (!orgIds.length) return empty;
  const orgRows: { id: string; settings: Settings }[] = await ds.query(`SELECT id, settings FROM organisations WHERE id = ANY($1::uuid[])`, [orgIds]);
  const orgs = new Map(orgRows.map((o) => [o.id, o.settings ?? {}]));
  const first = orgs.get(orgIds[0]) ?? {};
  const input: InspectionInput = { ...empty, reminderSteps: reminderSteps(first), thresholds: inspectionThresholds(first) };
  input.columns = await columns(ds, registry, orgIds, orgs, cutoff);
  input.accounts = await accounts(ds, registry, orgIds, orgs, cutoff);
  input.policies = await policies(ds, registry, orgIds, orgs, cutoff, fromDayNumber(toDayNumber(today) - 365));
  input.backdated = await ds.query(
    `SELECT i.id AS "itemId", i.organisation_id AS "organisationId", i.title, i.publish_date::text AS "publishDate", f.first AS "firstPublishedAt"
       FROM items i JOIN LATERAL (SELECT min(pr.published_at) AS first FROM publication_records pr WHERE pr.item_id = i.id AND pr.published_at < $2) f ON true
      WHERE i.organisation_id = ANY($1::uuid[]) AND i.publish_date IS NOT NULL AND f.first IS NOT NULL
        AND i.publish_date < (f.first AT TIME ZONE 'Asia/Shanghai')::date
      ORDER BY i.publish_date, i.id`,
    [orgIds, cutoff],
  );
  return input;
}

async function columns(ds: DataSource, registry: ChannelRegistry, orgIds: string[], orgs: Map<string, Settings>, cutoff: Date): Promise<ColumnInput[]> {
  const periods = columnWatchedTypes(registry);
  if (!periods.size) return [];
  const accts: { id: string; name: string; channel_type: string; organisation_id: string; created_at: Date }[] = await ds.query(
    `SELECT id, name, channel_type, organisation_id, created_at FROM channel_accounts
      WHERE enabled AND organisation_id = ANY($1::uuid[]) AND channel_type = ANY($2::text[]) AND created_at < $3 ORDER BY name, id`,
    [orgIds, [...periods.keys()], cutoff],
  );
  if (!accts.length) return [];
  const ids = accts.map((a) => a.id);
  const [last, sched]: [{ account_id: string; category: string; last: Date }[], { account_id: string; category: string; due: Date[] }[]] = await Promise.all([
    ds.query(
      `SELECT pr.channel_account_id AS account_id, pr.category, max(pr.published_at) AS last FROM publication_records pr
        WHERE pr.channel_account_id = ANY($1::uuid[]) AND ${LIVE('pr', '$2')} GROUP BY 1, 2`,
      [ids, cutoff],
    ),
    ds.query(
      `SELECT d.channel_account_id AS account_id, i.category, array_agg(d.due_at ORDER BY d.due_at) AS due FROM deliveries d JOIN items i ON i.id = d.item_id
        WHERE d.channel_account_id = ANY($1::uuid[]) AND ${PENDING} AND i.status <> 'withdrawn' GROUP BY 1, 2`,
      [ids],
    ),
  ]);
  const out: ColumnInput[] = [];
  for (const a of accts) {
    const settings = orgs.get(a.organisation_id) ?? {};
    const rules = settings.inspectionColumns as Record<string, unknown> | undefined;
    const configured = configuredPortalColumns(settings, periods.get(a.channel_type)) ?? [];
    const mine = last.filter((l) => l.account_id === a.id);
    const myScheduled = sched.filter((s) => s.account_id === a.id);
    const common = { organisationId: a.organisation_id, accountId: a.id, accountName: a.name, since: a.created_at };
    const allLast = mine.reduce<Date | null>((m, l) => (!m || new Date(l.last) > m ? new Date(l.last) : m), null);
    out.push({
      ...common,
      key: `${a.id}|首页`,
      column: '首页',
      rule: 'home',
      lastPublished: allLast,
      scheduled: myScheduled.flatMap((s) => s.due),
      configured: true,
    });
    const names = [...new Set([...configured.map((c) => c.name), ...mine.map((l) => l.category)])].sort();
    for (const name of names) {
      const conf = configured.find((c) => c.name === name);
      out.push({
        ...common,
        key: `${a.id}|${name}`,
        column: name,
        rule: classifyColumn(name, rules),
        periodDays: conf && settings.portalColumns ? conf.periodDays : null,
        lastPublished: mine.find((l) => l.category === name)?.last ?? null,
        scheduled: myScheduled.find((s) => s.category === name)?.due ?? [],
        configured: !!conf,
      });
    }
  }
  return out;
}

async function accounts(ds: DataSource, registry: ChannelRegistry, orgIds: string[], orgs: Map<string, Settings>, cutoff: Date): Promise<AccountInput[]> {
  const limits = newMediaTypes(registry);
  if (!limits.size) return [];
  const rows: { id: string; name: string; channel_type: string; organisation_id: string; created_at: Date; last: Date | null; due: Date[] | null }[] =
    await ds.query(
      `SELECT a.id, a.name, a.channel_type, a.organisation_id, a.created_at,
              (SELECT max(pr.published_at) FROM publication_records pr WHERE pr.channel_account_id = a.id AND ${LIVE('pr', '$3')}) AS last,
              (SELECT array_agg(d.due_at ORDER BY d.due_at) FROM deliveries d JOIN items i ON i.id = d.item_id
                WHERE d.channel_account_id = a.id AND ${PENDING} AND i.status <> 'withdrawn') AS due
         FROM channel_accounts a
        WHERE a.enabled AND a.organisation_id = ANY($1::uuid[]) AND a.channel_type = ANY($2::text[]) AND a.created_at < $3 ORDER BY a.name, a.id`,
      [orgIds, [...limits.keys()], cutoff],
    );
  return rows.map((r) => ({
    key: r.id,
    organisationId: r.organisation_id,
    accountId: r.id,
    accountName: r.name,
    channelType: r.channel_type,
    channelLabel: registry.get(r.channel_type).capabilities.label,
    maxIdleDays: newMediaMaxIdleDays(orgs.get(r.organisation_id), limits.get(r.channel_type)),
    lastPublished: r.last,
    scheduled: r.due ?? [],
    since: r.created_at,
  }));
}

async function policies(
  ds: DataSource,
  registry: ChannelRegistry,
  orgIds: string[],
  orgs: Map<string, Settings>,
  cutoff: Date,
  since: string,
): Promise<PolicyInput[]> {
  const kinds = [...new Set([...orgs.values()].flatMap((s) => interpretationKinds(s)))];
  const portalTypes = [...columnWatchedTypes(registry).keys()];
  const rows: {
    id: string;
    organisation_id: string;
    title: string;
    kind: string;
    published_at: Date;
    interps: { itemId: string; title: string; published: boolean; linkedBothWays: boolean }[] | null;
  }[] = await ds.query(
    `WITH pol AS (
       SELECT i.id, i.organisation_id, i.title, i.kind,
              (SELECT min(pr.published_at) FROM publication_records pr WHERE pr.item_id = i.id AND pr.published_at < $3) AS published_at
         FROM items i WHERE i.organisation_id = ANY($1::uuid[]) AND i.kind = ANY($2::text[]) AND i.status <> 'withdrawn')
     SELECT pol.*,
            (SELECT json_agg(json_build_object(
                'itemId', x.id, 'title', x.title,
                'published', EXISTS (SELECT 1 FROM publication_records pr WHERE pr.item_id = x.id AND ${LIVE('pr', '$3')}),
                'linkedBothWays', EXISTS (SELECT 1 FROM publication_records pr JOIN publication_records pp ON pp.channel_account_id = pr.channel_account_id
                                          WHERE pr.item_id = x.id AND pp.item_id = pol.id AND pr.channel_type = ANY($5::text[])
                                            AND ${LIVE('pr', '$3')} AND ${LIVE('pp', '$3')})
              ) ORDER BY x.created_at, x.id)
               FROM items x WHERE x.policy_item_id = pol.id AND x.kind = 'interpretation' AND x.status <> 'withdrawn') AS interps
       FROM pol WHERE pol.published_at IS NOT NULL AND pol.published_at >= ($4::date::timestamp AT TIME ZONE 'Asia/Shanghai') ORDER BY pol.published_at, pol.id`,
    [orgIds, kinds, cutoff, since, portalTypes],
  );
  return rows
    .filter((r) => interpretationKinds(orgs.get(r.organisation_id)).includes(r.kind))
    .map((r) => ({
      itemId: r.id,
      organisationId: r.organisation_id,
      title: r.title,
      kind: r.kind,
      publishedAt: r.published_at,
      interpretations: r.interps ?? [],
    }));
}
