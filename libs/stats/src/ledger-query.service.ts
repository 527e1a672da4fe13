import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assembleChannelCounts } from './channel-counts';
import { DrillOptions, LedgerDrill, docCondition } from './ledger-drill';
import { Db, Scope, scopeSql } from './ledger-scope';
import { COUNTED, DimPrefix, DocMeasure, MetricDef, PREFIX_COLUMN, SqlParams, dimPredicate } from './metrics';
import { Period } from './period';
import { FoldBeforeRead } from './rollup-fold';
import type { AddedRecord, ChannelCounts, CountSource, DrillResult, SourceChoice } from './ledger-query.types';
import { StatsCatalogue } from './stats-catalogue';

export type { Scope } from './ledger-scope';

/**
 * Counts over the publication ledger, by the rules of STATISTICS.md: an item counts once in a
 * total whatever its channels, once per report row or channel type whatever its accounts, and a
 * withdrawn publication still counts in its period. Calendar periods read the rollups, after folding
 * the ledger rows still pending (rollup-fold.ts); other periods read the ledger itself. Both are exact
 * (tests compare them). Drill-downs are in ledger-drill.ts.
 */
@Injectable()
export class LedgerQueryService {
  private readonly drills: LedgerDrill;
  private readonly catalogue: StatsCatalogue;
  private readonly fold: FoldBeforeRead;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Optional() catalogue?: StatsCatalogue,
  ) {
    this.catalogue = catalogue ?? new StatsCatalogue();
    this.drills = new LedgerDrill(ds, this);
    this.fold = new FoldBeforeRead(ds);
  }

  /**
   * Folds the pending ledger rows into the rollups (on the data source, committed, also when the read
   * runs in a transaction: a freeze has blocked ledger writes before it reads).
   */
  settle(): Promise<void> {
    return this.fold.settle();
  }

  private db(em?: EntityManager): Db {
    return em ?? this.ds;
  }

  /** SQL condition restricting `<alias>.organisation_id` to the scope. */
  scopeSql(scope: Scope | null, alias: string, params: SqlParams): string {
    return scopeSql(scope, alias, params);
  }

  sourceFor(period: Period, choice: SourceChoice = 'auto'): CountSource {
    if (choice === 'ledger') return 'ledger';
    if (period.grain === 'custom') {
      if (choice === 'rollup') throw new Error('rollups hold calendar periods only');
      return 'ledger';
    }
    return 'rollup';
  }

  /** Distinct items per dimension ('*', 'r:<report row>', 'f:normative', ...). */
  async countDims(
    scope: Scope | null,
    period: Period,
    dims: string[],
    choice: SourceChoice = 'auto',
    em?: EntityManager,
  ): Promise<{ counts: Map<string, number>; source: CountSource }> {
    const source = this.sourceFor(period, choice);
    const uniq = [...new Set(dims)];
    const counts = new Map<string, number>(uniq.map((d) => [d, 0]));
    if (!uniq.length) return { counts, source };
    const params = new SqlParams();
    if (source === 'rollup') {
      await this.settle();
      const rows: { dim: string; n: string }[] = await this.db(em).query(
        `SELECT r.dim, sum(r.n)::bigint AS n FROM stats_rollups r
         WHERE r.grain = ${params.add(period.grain)} AND r.period_start = ${params.add(period.periodStart)}::date
           AND r.dim = ANY(${params.add(uniq)}::text[]) AND ${scopeSql(scope, 'r', params)}
         GROUP BY r.dim`,
        params.values,
      );
      for (const r of rows) counts.set(r.dim, Number(r.n));
    } else {
      const cols = uniq.map((d, i) => `count(DISTINCT p.item_id) FILTER (WHERE ${dimPredicate(d, params.add)}) AS d${i}`);
      const rows = await this.db(em).query(
        `SELECT ${cols.join(', ')} FROM publication_records p
         WHERE ${scopeSql(scope, 'p', params)} AND ${COUNTED}
           AND p.published_at >= ${params.add(period.fromUtc)} AND p.published_at < ${params.add(period.toUtcExclusive)}`,
        params.values,
      );
      uniq.forEach((d, i) => counts.set(d, Number(rows[0][`d${i}`])));
    }
    return { counts, source };
  }

  /** Every dimension with a given prefix ('ch:', 'r:', 'a:', 'c:', 'k:') that has items in the period. */
  async countDimsByPrefix(scope: Scope | null, period: Period, prefix: DimPrefix, choice: SourceChoice = 'auto'): Promise<Map<string, number>> {
    const source = this.sourceFor(period, choice);
    const out = new Map<string, number>();
    const params = new SqlParams();
    if (source === 'rollup') {
      await this.settle();
      // ';' follows ':' in byte order and dim is COLLATE "C": a range scan over one prefix.
      const upper = prefix.slice(0, -1) + ';';
      const rows: { dim: string; n: string }[] = await this.ds.query(
        `SELECT r.dim, sum(r.n)::bigint AS n FROM stats_rollups r
         WHERE r.grain = ${params.add(period.grain)} AND r.period_start = ${params.add(period.periodStart)}::date
           AND r.dim >= ${params.add(prefix)} AND r.dim < ${params.add(upper)} AND ${scopeSql(scope, 'r', params)}
         GROUP BY r.dim`,
        params.values,
      );
      for (const r of rows) out.set(r.dim, Number(r.n));
    } else {
      const col = PREFIX_COLUMN[prefix];
      const rows: { v: string; n: string }[] = await this.ds.query(
        `SELECT ${col} AS v, count(DISTINCT p.item_id) AS n FROM publication_records p
         WHERE ${scopeSql(scope, 'p', params)} AND ${col} IS NOT NULL AND ${COUNTED}
           AND p.published_at >= ${params.add(period.fromUtc)} AND p.published_at < ${params.add(period.toUtcExclusive)}
         GROUP BY 1`,
        params.values,
      );
      for (const r of rows) out.set(prefix + r.v, Number(r.n));
    }
    return out;
  }

  /**
   * Document counts by kind (成文日期 / 废止日期) over issued documents: items with an approved version, with
   * that version's facts (stats_documents, migration 1732008300000), keyed "<kind>.<measure>".
   */
  async docCounts(scope: Scope | null, period: Period, wanted: { kind: string; measure: DocMeasure }[], em?: EntityManager): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!wanted.length) return out;
    const params = new SqlParams();
    let from: string | undefined;
    let to: string | undefined;
    const fromP = () => (from ??= `${params.add(period.from)}::date`);
    const toP = () => (to ??= `${params.add(period.to)}::date`);
    const cols = wanted.map((w, i) => {
      const cond = docCondition(w.measure, fromP, toP);
      return `(SELECT count(*) FROM stats_documents d WHERE d.kind = ${params.add(w.kind)} AND ${cond} AND ${scopeSql(scope, 'd', params)}) AS m${i}`;
    });
    const rows = await this.db(em).query(`SELECT ${cols.join(', ')}`, params.values);
    wanted.forEach((w, i) => out.set(`${w.kind}.${w.measure}`, Number(rows[0][`m${i}`])));
    return out;
  }

  /** Channel-counts view: totals, per channel type, per report row, per account, per 主题分类, per kind, checks. */
  async channelCounts(scope: Scope, period: Period, choice: SourceChoice = 'auto'): Promise<ChannelCounts> {
    const source = this.sourceFor(period, choice);
    const fixed = ['*', 'f:normative', 'f:interpretation', 'f:response'];
    const [{ counts }, types, rows, accounts, categories, kinds] = await Promise.all([
      this.countDims(scope, period, fixed, source),
      this.countDimsByPrefix(scope, period, 'ch:', source),
      this.countDimsByPrefix(scope, period, 'r:', source),
      this.countDimsByPrefix(scope, period, 'a:', source),
      this.countDimsByPrefix(scope, period, 'c:', source),
      this.countDimsByPrefix(scope, period, 'k:', source),
    ]);
    const accountIds = [...accounts.keys()].map((d) => d.slice(2));
    const accountRows: { id: string; name: string; channel_type: string; organisation_id: string }[] = accountIds.length
      ? await this.ds.query(`SELECT id, name, channel_type, organisation_id FROM channel_accounts WHERE id = ANY($1::uuid[])`, [accountIds])
      : [];
    const accountInfo = new Map(accountRows.map((a) => [a.id, a]));
    return assembleChannelCounts({ source, counts, types, rows, accounts, categories, kinds, accountInfo }, this.catalogue);
  }

  /** The items behind a metric (ledger-drill.ts); with a freeze's watermark or document members, its frozen members. */
  drillLedger(scope: Scope | null, period: Period, def: MetricDef, opts: DrillOptions = {}): Promise<DrillResult> {
    return this.drills.drillLedger(scope, period, def, opts);
  }

  /** The items counted now in a document cell (stored at a freeze). */
  docMembers(scope: Scope | null, period: Period, def: Extract<MetricDef, { type: 'docs' }>, em?: EntityManager): Promise<string[]> {
    return new LedgerDrill(this.db(em), this).docMembers(scope, period, def);
  }

  /** The items behind a document metric (制发 / 废止 / 现行有效: issued documents), with all their publications. */
  drillDocs(scope: Scope | null, period: Period, def: Extract<MetricDef, { type: 'docs' }>, opts: DrillOptions = {}): Promise<DrillResult> {
    return this.drills.drillDocs(scope, period, def, opts);
  }

  /** The last publication record of an organisation's own items or of an account, before an instant. */
  lastPublicationItem(kind: 'org' | 'account', id: string, before: Date): Promise<DrillResult> {
    return this.drills.lastPublicationItem(kind, id, before);
  }

  /** Ledger rows recorded after a watermark (a freeze) that fall in the period and scope. */
  recordsAfter(scope: Scope, period: Period, watermark: string): Promise<AddedRecord[]> {
    return this.drills.recordsAfter(scope, period, watermark);
  }

  /** Latest publication (at or before `before`) per organisation's own items. */
  async lastPublicationByOrg(orgIds: string[], before: Date): Promise<Map<string, Date>> {
    return this.lastPublicationBy('organisation_id', orgIds, before);
  }

  /** Latest publication (at or before `before`) per channel account, whoever's items. */
  async lastPublicationByAccount(accountIds: string[], before: Date): Promise<Map<string, Date>> {
    return this.lastPublicationBy('channel_account_id', accountIds, before);
  }

  private async lastPublicationBy(col: 'organisation_id' | 'channel_account_id', ids: string[], before: Date): Promise<Map<string, Date>> {
    const out = new Map<string, Date>();
    if (!ids.length) return out;
    const rows: { id: string; last: Date | null }[] = await this.ds.query(
      `SELECT k.id, (SELECT max(p.published_at) FROM publication_records p WHERE p.${col} = k.id AND p.published_at < $2 AND ${COUNTED}) AS last
       FROM unnest($1::uuid[]) AS k(id)`,
      [ids, before],
    );
    for (const r of rows) if (r.last) out.set(r.id, new Date(r.last));
    return out;
  }

  /** Per organisation (own items only) distinct counts for some dimensions. */
  async countDimsPerOrg(orgScope: Scope, period: Period, dims: string[], choice: SourceChoice = 'auto'): Promise<Map<string, Map<string, number>>> {
    const source = this.sourceFor(period, choice);
    const out = new Map<string, Map<string, number>>();
    const params = new SqlParams();
    if (source === 'rollup') {
      await this.settle();
      const rows: { organisation_id: string; dim: string; n: number }[] = await this.ds.query(
        `SELECT r.organisation_id, r.dim, r.n FROM stats_rollups r
         WHERE r.grain = ${params.add(period.grain)} AND r.period_start = ${params.add(period.periodStart)}::date
           AND r.dim = ANY(${params.add(dims)}::text[]) AND ${scopeSql(orgScope, 'r', params)}`,
        params.values,
      );
      for (const r of rows) {
        if (!out.has(r.organisation_id)) out.set(r.organisation_id, new Map());
        out.get(r.organisation_id)!.set(r.dim, Number(r.n));
      }
    } else {
      const cols = dims.map((d, i) => `count(DISTINCT p.item_id) FILTER (WHERE ${dimPredicate(d, params.add)}) AS d${i}`);
      const rows = await this.ds.query(
        `SELECT p.organisation_id, ${cols.join(', ')} FROM publication_records p
         WHERE ${scopeSql(orgScope, 'p', params)} AND ${COUNTED}
           AND p.published_at >= ${params.add(period.fromUtc)} AND p.published_at < ${params.add(period.toUtcExclusive)}
         GROUP BY p.organisation_id`,
        params.values,
      );
      for (const r of rows) out.set(r.organisation_id, new Map(dims.map((d, i) => [d, Number(r[`d${i}`])])));
    }
    return out;
  }
}
