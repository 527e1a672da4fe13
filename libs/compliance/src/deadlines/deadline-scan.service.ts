import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { fromDayNumber, shanghaiDate, toDayNumber } from './calendar-date';
import { overdueDisclosures, overdueInterpretations } from './deadline-rules';
import { WorkingCalendar } from './working-calendar';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { configDir } from '@app/common/config/config-dir';
import { interpretationKinds } from './deadline-settings';
import type { DeadlineReport, DisclosureAlert, InterpretationAlert, OrgRef, ScanOptions } from './deadline-report.types';
import { columnWatchedTypes, newMediaTypes, staleAccounts, staleColumns } from './deadline-staleness';

/**
 * The 政务公开 deadlines and channel staleness for a set of organisations, from the publication
 * ledger (first publication = earliest publication_records.published_at, Beijing dates) and the
 * working-day calendar (config/calendar), judged by libs/compliance's deadline rules:
 *
 * - 政策解读 within 3 working days of its policy's first publication (谁起草、谁解读);
 * - 主动公开 within 20 working days of 成文日期 (条例第二十六条);
 * - 政务新媒体 accounts (channels whose capabilities say `newMedia`) idle for longer than their
 *   channel's staleness rule (14 days), or the organisation's `newMediaMaxIdleDays`;
 * - columns (主题分类) of accounts whose channel's staleness rule is per column (the portal's) idle for
 *   longer than their configured period, else the organisation's default, else the channel's rule.
 * Which channel is which comes from the adapters' capabilities; no channel is named here.
 */
@Injectable()
export class DeadlineScanService {
  private calendar: WorkingCalendar | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    /** Public: the inspection (libs/compliance/src/inspection) reads the same capabilities. */
    readonly registry: ChannelRegistry,
  ) {}

  /** Loaded once per process; a year without its file is counted as Monday–Friday and reported in `calendar.missingYears`. */
  cal(): WorkingCalendar {
    this.calendar ??= WorkingCalendar.fromDirectory(configDir('calendar'), { missingYear: 'weekends' });
    return this.calendar;
  }

  async scan(
    orgIds: string[],
    opts: ScanOptions = {},
    scope: { organisation: OrgRef | null; subtree: boolean } = { organisation: null, subtree: true },
  ): Promise<DeadlineReport> {
    const cal = this.cal();
    const today = opts.today ?? shanghaiDate(new Date());
    const sinceDays = opts.sinceDays ?? 365;
    const since = fromDayNumber(toDayNumber(today) - sinceDays);
    const nextDay = fromDayNumber(toDayNumber(today) + 1);
    // Publications after the report's day do not exist yet for it: a past day gives that day's answer.
    const cutoff = new Date(`${nextDay}T00:00:00+08:00`);
    const sinceInstant = new Date(`${since}T00:00:00+08:00`);
    const empty = { interpretations: [], interpretationsDue: [], disclosures: [], staleAccounts: [], staleColumns: [] };
    const years = new Set<number>([Number(today.slice(0, 4))]);
    let parts: Omit<DeadlineReport, 'asOf' | 'generatedAt' | 'organisation' | 'subtree' | 'calendar' | 'counts'> = empty;
    if (orgIds.length) {
      const orgRows: { id: string; name: string; code: string; settings: Record<string, unknown> }[] = await this.ds.query(
        `SELECT id, name, code, settings FROM organisations WHERE id = ANY($1::uuid[])`,
        [orgIds],
      );
      const orgs = new Map(orgRows.map((o) => [o.id, o]));
      const ref = (id: string): OrgRef => {
        const o = orgs.get(id)!;
        return { id: o.id, name: o.name, code: o.code };
      };
      const [interp, disclosures, accounts, columns] = await Promise.all([
        this.interpretations(orgIds, orgs, sinceInstant, cutoff, today, cal, ref, years),
        this.disclosures(orgIds, since, cutoff, today, cal, ref, years),
        staleAccounts(this.ds, this.registry, orgIds, orgs, cutoff, today, ref),
        staleColumns(this.ds, this.registry, orgIds, orgs, cutoff, today, ref),
      ]);
      parts = { interpretations: interp.late, interpretationsDue: interp.due, disclosures, staleAccounts: accounts, staleColumns: columns };
    }
    const counts = {
      interpretations: parts.interpretations.length,
      interpretationsDue: parts.interpretationsDue.length,
      disclosures: parts.disclosures.length,
      staleAccounts: parts.staleAccounts.length,
      staleColumns: parts.staleColumns.length,
      total: parts.interpretations.length + parts.disclosures.length + parts.staleAccounts.length + parts.staleColumns.length,
    };
    return {
      asOf: today,
      generatedAt: new Date().toISOString(),
      organisation: scope.organisation,
      subtree: scope.subtree,
      calendar: { years: cal.years, missingYears: [...years].filter((y) => !cal.hasYear(y)).sort() },
      ...parts,
      counts,
    };
  }

  private async interpretations(
    orgIds: string[],
    orgs: Map<string, { settings: Record<string, unknown> }>,
    since: Date,
    cutoff: Date,
    today: string,
    cal: WorkingCalendar,
    ref: (id: string) => OrgRef,
    years: Set<number>,
  ) {
    const kinds = [...new Set([...orgs.values()].flatMap((o) => interpretationKinds(o.settings)))];
    const rows: {
      id: string;
      title: string;
      kind: string;
      organisation_id: string;
      published_at: Date;
      interp_ids: string[] | null;
      interp_published_at: Date | null;
      linked: boolean;
    }[] = await this.ds.query(
      `WITH pol AS (
         SELECT i.id, i.title, i.kind, i.organisation_id,
                EXISTS (SELECT 1 FROM items x WHERE x.policy_item_id = i.id AND x.kind = 'interpretation') AS linked,
                (SELECT min(pr.published_at) FROM publication_records pr WHERE pr.item_id = i.id AND pr.published_at < $3) AS published_at
           FROM items i
          WHERE i.organisation_id = ANY($1::uuid[]) AND i.status <> 'withdrawn' AND i.kind <> 'interpretation'
            AND (i.kind = ANY($2::text[]) OR EXISTS (SELECT 1 FROM items x WHERE x.policy_item_id = i.id AND x.kind = 'interpretation'))
       )
       SELECT pol.*,
              (SELECT array_agg(x.id ORDER BY x.created_at) FROM items x WHERE x.policy_item_id = pol.id AND x.kind = 'interpretation') AS interp_ids,
              (SELECT min(pr.published_at) FROM publication_records pr JOIN items x ON x.id = pr.item_id
                WHERE x.policy_item_id = pol.id AND x.kind = 'interpretation' AND pr.published_at < $3) AS interp_published_at
         FROM pol
        WHERE pol.published_at IS NOT NULL AND pol.published_at >= $4`,
      [orgIds, kinds, cutoff, since],
    );
    // A policy of a kind its organisation does not require an interpretation for counts only when someone linked one.
    const judged = rows.filter((r) => r.linked || interpretationKinds(orgs.get(r.organisation_id)!.settings).includes(r.kind));
    const byId = new Map(judged.map((r) => [r.id, r]));
    for (const r of judged) years.add(Number(shanghaiDate(r.published_at).slice(0, 4)));
    const results = overdueInterpretations(
      judged.map((r) => ({ policyItemId: r.id, policyTitle: r.title, policyPublishedAt: r.published_at, interpretationPublishedAt: r.interp_published_at })),
      cal,
      today,
    );
    const alert = (
      r: (typeof judged)[number],
      dueDate: string,
      status: InterpretationAlert['status'],
      workingDaysLate: number,
      message: string,
    ): InterpretationAlert => ({
      kind: 'interpretation',
      key: r.id,
      organisation: ref(r.organisation_id),
      policyItemId: r.id,
      policyTitle: r.title,
      policyKind: r.kind,
      policyPublishedAt: new Date(r.published_at).toISOString(),
      interpretationItemIds: r.interp_ids ?? [],
      interpretationPublishedAt: r.interp_published_at ? new Date(r.interp_published_at).toISOString() : null,
      dueDate,
      status,
      workingDaysLate,
      message,
    });
    const late = results.map((x) => alert(byId.get(x.row.policyItemId)!, x.dueDate, x.status, x.workingDaysLate, x.message));
    const due: InterpretationAlert[] = [];
    for (const r of judged) {
      if (r.interp_published_at) continue;
      const dueDate = cal.addWorkingDays(r.published_at, 3);
      if (today > dueDate) continue;
      const left = cal.workingDaysBetween(today, dueDate);
      const has = r.interp_ids?.length ? '已起草政策解读，尚未发布' : '尚未起草政策解读';
      const msg = `《${r.title}》已于${shanghaiDate(r.published_at)}发布，${has}，须在${dueDate}前发布（${left === 0 ? '今天到期' : `还剩${left}个工作日`}）。`;
      due.push({ ...alert(r, dueDate, 'due', 0, msg), workingDaysLeft: left });
    }
    due.sort((a, b) => a.dueDate.localeCompare(b.dueDate));
    return { late, due };
  }

  private async disclosures(
    orgIds: string[],
    since: string,
    cutoff: Date,
    today: string,
    cal: WorkingCalendar,
    ref: (id: string) => OrgRef,
    years: Set<number>,
  ): Promise<DisclosureAlert[]> {
    const rows: { id: string; title: string; status: string; organisation_id: string; written_date: string; published_at: Date | null }[] = await this.ds.query(
      `SELECT i.id, i.title, i.status, i.organisation_id, i.written_date::text AS written_date,
              (SELECT min(pr.published_at) FROM publication_records pr WHERE pr.item_id = i.id AND pr.published_at < $3) AS published_at
         FROM items i
        WHERE i.organisation_id = ANY($1::uuid[]) AND i.status <> 'withdrawn' AND i.disclosure_attr = '主动公开'
          AND i.written_date IS NOT NULL AND i.written_date >= $2::date AND i.created_at < $3`,
      [orgIds, since, cutoff],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) years.add(Number(r.written_date.slice(0, 4)));
    return overdueDisclosures(
      rows.map((r) => ({ itemId: r.id, title: r.title, writtenDate: r.written_date, publishedAt: r.published_at, disclosureAttr: '主动公开' })),
      cal,
      today,
    ).map((x) => {
      const r = byId.get(x.row.itemId)!;
      return {
        kind: 'disclosure',
        key: r.id,
        organisation: ref(r.organisation_id),
        itemId: r.id,
        title: r.title,
        itemStatus: r.status,
        writtenDate: r.written_date,
        publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
        dueDate: x.dueDate,
        status: x.status,
        workingDaysLate: x.workingDaysLate,
        message: x.message,
      };
    });
  }

  /** Channel types counted as 政务新媒体 (capabilities.newMedia), with their staleness limit in days. */
  newMediaTypes(): Map<string, number> {
    return newMediaTypes(this.registry);
  }

  /** Channel types whose accounts go stale per column (capabilities.staleness.per), with the default period. */
  columnWatchedTypes(): Map<string, number> {
    return columnWatchedTypes(this.registry);
  }
}
