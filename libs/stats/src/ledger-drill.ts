import type { EntityManager } from 'typeorm';
import { COUNTED, DocMeasure, MetricDef, SqlParams, dimPredicate } from './metrics';
import type { Period } from './period';
import type { AddedRecord, CountSource, DrillItem, DrillPublication, DrillResult, SourceChoice } from './ledger-query.types';
import { Db, Scope, scopeSql } from './ledger-scope';

const BEIJING_OFFSET_MS = 8 * 3600_000;

function beijingDateTime(d: Date): string {
  return new Date(d.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function toIso(v: string | Date | null): string | null {
  if (v === null || v === undefined) return null;
  return new Date(v).toISOString();
}

/** The counts a drill-down falls back on when the requested page is past the end. */
export interface DrillCounts {
  countDims(
    scope: Scope | null,
    period: Period,
    dims: string[],
    choice?: SourceChoice,
    em?: EntityManager,
  ): Promise<{ counts: Map<string, number>; source: CountSource }>;
  docCounts(scope: Scope | null, period: Period, wanted: { kind: string; measure: DocMeasure }[]): Promise<Map<string, number>>;
}

/**
 * What a drill-down lists. `live`: the items in the cell now. With a freeze: `frozen` lists the items
 * counted at the freeze (each marked when it is no longer in the cell), `joined` those that entered
 * the cell since. Ledger cells know their frozen members from the watermark (ledger rows are never
 * changed, rows above it came later); document cells from the member list stored at the freeze.
 */
export type DrillMode = 'live' | 'frozen' | 'joined';

export interface DrillOptions {
  limit?: number;
  offset?: number;
  /** Ledger cells of a frozen report: the highest ledger id at the freeze. */
  watermark?: string | null;
  /** Document cells of a frozen report: the items counted at the freeze. */
  members?: string[] | null;
  mode?: DrillMode;
}

/** The selection of a mode, from the CTEs `now_sel` and `then_sel` (item_id, first_at). */
function selFor(mode: DrillMode): string {
  if (mode === 'live') return `SELECT n.item_id, n.first_at, NULL::boolean AS left_flag FROM now_sel n`;
  if (mode === 'frozen') return `SELECT t.item_id, t.first_at, (n.item_id IS NULL) AS left_flag FROM then_sel t LEFT JOIN now_sel n ON n.item_id = t.item_id`;
  return `SELECT n.item_id, n.first_at, false AS left_flag FROM now_sel n WHERE NOT EXISTS (SELECT 1 FROM then_sel t WHERE t.item_id = n.item_id)`;
}

/**
 * The items behind a number: each with its title, 索引号, channels in the period and the
 * publications that put it in the cell, in the order of their first publication.
 */
export class LedgerDrill {
  constructor(
    private readonly db: Db,
    private readonly counts: DrillCounts,
  ) {}

  /**
   * The items behind a metric. With a `watermark` (ledger cells) or `members` (document cells) of a
   * freeze: the frozen members (`total` = the frozen number), each publication recorded after the
   * freeze marked, and `sinceFreeze` with the items that joined the cell since and how many left it.
   */
  async drillLedger(scope: Scope | null, period: Period, def: MetricDef, opts: DrillOptions = {}): Promise<DrillResult> {
    const frozen = def.type === 'docs' ? Array.isArray(opts.members) : !!opts.watermark;
    if (!frozen) return this.drillMode(scope, period, def, { ...opts, mode: 'live' });
    const [members, joined] = await Promise.all([
      this.drillMode(scope, period, def, { ...opts, mode: 'frozen' }),
      this.drillMode(scope, period, def, { ...opts, mode: 'joined', limit: opts.limit, offset: 0 }),
    ]);
    return { total: members.total, items: members.items, sinceFreeze: { joined: joined.items, joinedTotal: joined.total, left: members.left ?? 0 } };
  }

  private async drillMode(
    scope: Scope | null,
    period: Period,
    def: MetricDef,
    opts: DrillOptions & { mode: DrillMode },
  ): Promise<DrillResult & { left?: number }> {
    if (def.type === 'docs') return this.drillDocs(scope, period, def, opts);
    // Ledger rows are never changed: the frozen members are those with a matching row at or below the watermark.
    const params = new SqlParams();
    const plus = def.type === 'dim' ? def.dim : def.plus;
    const having = def.type === 'dimDiff' ? `HAVING NOT bool_or(${dimPredicate(def.minus, params.add).replace(/\bp\./g, 'm.')})` : '';
    const from = params.add(period.fromUtc);
    const to = params.add(period.toUtcExclusive);
    const wm = opts.watermark ? `${params.add(opts.watermark)}::bigint` : 'NULL::bigint';
    const limit = params.add(opts.limit ?? 1_000_000);
    const offset = params.add(opts.offset ?? 0);
    const sql = `
      WITH m AS (
        SELECT p.* FROM publication_records p
        WHERE ${scopeSql(scope, 'p', params)} AND p.published_at >= ${from} AND p.published_at < ${to}
          AND ${dimPredicate(plus, params.add)} AND ${COUNTED}
      ), now_sel AS (
        SELECT m.item_id, min(m.published_at) AS first_at FROM m GROUP BY m.item_id ${having}
      ), then_sel AS (
        SELECT m.item_id, min(m.published_at) AS first_at FROM m WHERE m.id <= ${wm} GROUP BY m.item_id ${having}
      ), sel AS (${selFor(opts.mode)}
      ), page AS (
        SELECT item_id, first_at, left_flag, count(*) OVER () AS total, count(*) FILTER (WHERE left_flag) OVER () AS left_total
        FROM sel ORDER BY first_at, item_id LIMIT ${limit} OFFSET ${offset}
      )
      SELECT pg.total, pg.left_total, pg.left_flag, i.id, i.title, i.index_no, i.kind, i.category, i.organisation_id, o.name AS organisation_name,
        i.written_date::text AS written_date, i.repealed_date::text AS repealed_date, i.validity,
        (SELECT array_agg(DISTINCT q.channel_type ORDER BY q.channel_type) FROM publication_records q
           WHERE q.item_id = i.id AND q.published_at >= ${from} AND q.published_at < ${to} AND ${COUNTED.replace('p.', 'q.')}) AS channels,
        (SELECT json_agg(json_build_object(
            'recordId', m.id::text, 'channelType', m.channel_type, 'accountId', m.channel_account_id,
            'accountName', a.name, 'publishedAt', m.published_at, 'externalUrl', m.external_url, 'manual', m.manual, 'imported', m.imported,
            'withdrawnAt', (SELECT min(w.withdrawn_at) FROM publication_withdrawals w WHERE w.publication_record_id = m.id),
            'afterFreeze', CASE WHEN ${wm} IS NULL THEN NULL ELSE m.id > ${wm} END
          ) ORDER BY m.published_at, m.id)
          FROM m LEFT JOIN channel_accounts a ON a.id = m.channel_account_id WHERE m.item_id = i.id) AS pubs
      FROM page pg JOIN items i ON i.id = pg.item_id JOIN organisations o ON o.id = i.organisation_id
      ORDER BY pg.first_at, i.id`;
    const rows = await this.db.query(sql, params.values);
    const marks = opts.mode === 'live' ? null : opts.mode;
    if (rows.length)
      return { total: Number(rows[0].total), left: Number(rows[0].left_total), items: rows.map((r: any) => toDrillItem(r, marks, !!opts.watermark)) };
    if (opts.mode !== 'live') return this.emptyPage(scope, period, def, opts);
    return { total: await this.countSel(scope, period, def), items: [] };
  }

  /** Total (and how many left) when the requested page of a frozen or joined list is past its end. */
  private async emptyPage(scope: Scope | null, period: Period, def: MetricDef, opts: DrillOptions & { mode: DrillMode }) {
    if ((opts.offset ?? 0) === 0) return { total: 0, left: 0, items: [] };
    const all = await this.drillMode(scope, period, def, { ...opts, limit: 1, offset: 0 });
    return { total: all.total, left: all.left, items: [] };
  }

  /** Total when the requested page is past the end. */
  private async countSel(scope: Scope | null, period: Period, def: MetricDef): Promise<number> {
    if (def.type === 'docs') return 0;
    const dims = def.type === 'dim' ? [def.dim] : [def.plus, def.minus];
    const { counts } = await this.counts.countDims(scope, period, dims, 'ledger');
    return def.type === 'dim' ? counts.get(def.dim)! : counts.get(def.plus)! - counts.get(def.minus)!;
  }

  /**
   * The items behind a document metric (制发 / 废止 / 现行有效: issued documents, stats_documents), with
   * all their publications; the document facts shown are those of the issued version.
   */
  async drillDocs(
    scope: Scope | null,
    period: Period,
    def: Extract<MetricDef, { type: 'docs' }>,
    opts: DrillOptions = {},
  ): Promise<DrillResult & { left?: number }> {
    const mode = opts.mode ?? 'live';
    const params = new SqlParams();
    const cond = docCondition(
      def.measure,
      () => `${params.add(period.from)}::date`,
      () => `${params.add(period.to)}::date`,
    );
    const sql = `
      WITH now_sel AS (
        SELECT d.item_id, NULL::timestamptz AS first_at FROM stats_documents d
        WHERE d.kind = ${params.add(def.kind)} AND ${cond} AND ${scopeSql(scope, 'd', params)}
      ), then_sel AS (
        SELECT DISTINCT x.item_id, NULL::timestamptz AS first_at FROM unnest(${params.add(opts.members ?? [])}::uuid[]) AS x(item_id)
      ), sel AS (${selFor(mode)}
      ), page AS (
        SELECT sel.item_id, sel.left_flag, count(*) OVER () AS total, count(*) FILTER (WHERE sel.left_flag) OVER () AS left_total,
          sd.written_date AS k_date FROM sel LEFT JOIN stats_documents sd ON sd.item_id = sel.item_id
        ORDER BY sd.written_date NULLS LAST, sel.item_id LIMIT ${params.add(opts.limit ?? 1_000_000)} OFFSET ${params.add(opts.offset ?? 0)}
      )
      SELECT pg.total, pg.left_total, pg.left_flag, i.id, i.title, i.index_no, COALESCE(sd.kind, i.kind) AS kind, i.category, i.organisation_id,
        o.name AS organisation_name, sd.written_date::text AS written_date, sd.repealed_date::text AS repealed_date, COALESCE(sd.validity, i.validity) AS validity,
        (SELECT array_agg(DISTINCT q.channel_type ORDER BY q.channel_type) FROM publication_records q WHERE q.item_id = i.id) AS channels,
        (SELECT json_agg(json_build_object(
            'recordId', p.id::text, 'channelType', p.channel_type, 'accountId', p.channel_account_id,
            'accountName', a.name, 'publishedAt', p.published_at, 'externalUrl', p.external_url, 'manual', p.manual, 'imported', p.imported,
            'withdrawnAt', (SELECT min(w.withdrawn_at) FROM publication_withdrawals w WHERE w.publication_record_id = p.id)
          ) ORDER BY p.published_at, p.id)
          FROM publication_records p LEFT JOIN channel_accounts a ON a.id = p.channel_account_id WHERE p.item_id = i.id) AS pubs
      FROM page pg JOIN items i ON i.id = pg.item_id JOIN organisations o ON o.id = i.organisation_id
        LEFT JOIN stats_documents sd ON sd.item_id = i.id
      ORDER BY pg.k_date NULLS LAST, i.id`;
    const rows = await this.db.query(sql, params.values);
    const marks = mode === 'live' ? null : mode;
    if (rows.length) return { total: Number(rows[0].total), left: Number(rows[0].left_total), items: rows.map((r: any) => toDrillItem(r, marks, false)) };
    if ((opts.offset ?? 0) === 0) return { total: 0, left: 0, items: [] };
    if (mode !== 'live') {
      const all = await this.drillDocs(scope, period, def, { ...opts, limit: 1, offset: 0 });
      return { total: all.total, left: all.left, items: [] };
    }
    const c = await this.counts.docCounts(scope, period, [{ kind: def.kind, measure: def.measure }]);
    return { total: c.get(`${def.kind}.${def.measure}`) ?? 0, items: [] };
  }

  /** The items counted now in a document cell (for a freeze: its members). */
  async docMembers(scope: Scope | null, period: Period, def: Extract<MetricDef, { type: 'docs' }>): Promise<string[]> {
    const params = new SqlParams();
    const cond = docCondition(
      def.measure,
      () => `${params.add(period.from)}::date`,
      () => `${params.add(period.to)}::date`,
    );
    const rows: { item_id: string }[] = await this.db.query(
      `SELECT d.item_id FROM stats_documents d WHERE d.kind = ${params.add(def.kind)} AND ${cond} AND ${scopeSql(scope, 'd', params)} ORDER BY d.item_id`,
      params.values,
    );
    return rows.map((r) => r.item_id);
  }

  /** The last publication record of an organisation's own items or of an account, before an instant. */
  async lastPublicationItem(kind: 'org' | 'account', id: string, before: Date): Promise<DrillResult> {
    const col = kind === 'org' ? 'organisation_id' : 'channel_account_id';
    const rows = await this.db.query(
      `WITH m AS (SELECT p.* FROM publication_records p WHERE p.${col} = $1 AND p.published_at < $2 AND ${COUNTED} ORDER BY p.published_at DESC, p.id DESC LIMIT 1)
       SELECT 1 AS total, i.id, i.title, i.index_no, i.kind, i.category, i.organisation_id, o.name AS organisation_name,
         i.written_date::text AS written_date, i.repealed_date::text AS repealed_date, i.validity,
         ARRAY[m.channel_type] AS channels,
         json_build_array(json_build_object('recordId', m.id::text, 'channelType', m.channel_type, 'accountId', m.channel_account_id,
           'accountName', a.name, 'publishedAt', m.published_at, 'externalUrl', m.external_url, 'manual', m.manual, 'imported', m.imported,
           'withdrawnAt', (SELECT min(w.withdrawn_at) FROM publication_withdrawals w WHERE w.publication_record_id = m.id))) AS pubs
       FROM m JOIN items i ON i.id = m.item_id JOIN organisations o ON o.id = i.organisation_id
       LEFT JOIN channel_accounts a ON a.id = m.channel_account_id`,
      [id, before],
    );
    return { total: rows.length, items: rows.map((r: any) => toDrillItem(r, null, false)) };
  }

  /** Ledger rows recorded after a watermark (a freeze) that fall in the period and scope. */
  async recordsAfter(scope: Scope, period: Period, watermark: string): Promise<AddedRecord[]> {
    const params = new SqlParams();
    const rows = await this.db.query(
      `SELECT p.id::text AS record_id, p.item_id, i.title, i.index_no, p.channel_type, p.channel_account_id, a.name AS account_name,
              p.published_at, p.external_url, p.manual, p.created_at
       FROM publication_records p JOIN items i ON i.id = p.item_id LEFT JOIN channel_accounts a ON a.id = p.channel_account_id
       WHERE p.id > ${params.add(watermark)}::bigint AND ${scopeSql(scope, 'p', params)} AND ${COUNTED}
         AND p.published_at >= ${params.add(period.fromUtc)} AND p.published_at < ${params.add(period.toUtcExclusive)}
       ORDER BY p.id`,
      params.values,
    );
    return rows.map((r: any) => ({
      recordId: r.record_id,
      itemId: r.item_id,
      title: r.title,
      indexNo: r.index_no,
      channelType: r.channel_type,
      accountId: r.channel_account_id,
      accountName: r.account_name,
      publishedAt: toIso(r.published_at)!,
      publishedAtBeijing: beijingDateTime(new Date(r.published_at)),
      externalUrl: r.external_url,
      manual: r.manual,
      withdrawnAt: null,
      recordedAt: toIso(r.created_at),
    }));
  }
}

/**
 * SQL condition on issued documents (stats_documents, alias `d`: the facts of each item's latest
 * approved version) for a document measure over [from, to] (date expressions).
 *
 * `published` and `publicTotal` read the ledger (主动公开 rows only, Beijing dates): `published` = the
 * item's first publication ever falls in the period; `publicTotal` = at the end of the period the item
 * is still public somewhere: a publication dated by then that was not withdrawn by then (withdrawal
 * dated on or before the period's last Beijing day). Strict reading: an item whose every publication
 * was withdrawn by the period end is not counted, whatever its 有效性; a withdrawal dated later does
 * not take it out; 废止 without withdrawal keeps it in (the text is still published).
 */
export function docCondition(measure: DocMeasure, from: () => string, to: () => string): string {
  if (measure === 'written') return `d.written_date BETWEEN ${from()} AND ${to()}`;
  if (measure === 'repealed') return `d.repealed_date BETWEEN ${from()} AND ${to()}`;
  const counted = COUNTED.replace(/\bp\./g, 'dp.');
  if (measure === 'published') {
    return `(SELECT (min(dp.published_at) AT TIME ZONE 'Asia/Shanghai')::date FROM publication_records dp WHERE dp.item_id = d.item_id AND ${counted})
      BETWEEN ${from()} AND ${to()}`;
  }
  if (measure === 'publicTotal') {
    const end = to();
    return `EXISTS (SELECT 1 FROM publication_records dp WHERE dp.item_id = d.item_id AND ${counted}
      AND (dp.published_at AT TIME ZONE 'Asia/Shanghai')::date <= ${end}
      AND NOT EXISTS (SELECT 1 FROM publication_withdrawals dw WHERE dw.publication_record_id = dp.id
        AND (dw.withdrawn_at AT TIME ZONE 'Asia/Shanghai')::date <= ${end}))`;
  }
  // In force at the end of the period: issued by then, not repealed by then; a 废止/失效 item
  // without a 废止日期 cannot be placed in time and is taken as no longer in force.
  const end = to();
  return `d.written_date <= ${end} AND (d.repealed_date > ${end} OR (d.repealed_date IS NULL AND d.validity NOT IN ('废止','失效')))`;
}

/**
 * `marks`: null for a live list; `frozen` (a frozen member, `leftSinceFreeze` when it is no longer in
 * the cell) or `joined` (entered the cell after the freeze) otherwise. `pubMarks`: mark each
 * publication recorded after the freeze (ledger cells).
 */
export function toDrillItem(r: any, marks: 'frozen' | 'joined' | null, pubMarks: boolean): DrillItem {
  const pubs: DrillPublication[] = (r.pubs ?? []).map((p: any) => {
    const at = new Date(p.publishedAt);
    const out: DrillPublication = {
      recordId: String(p.recordId),
      channelType: p.channelType,
      accountId: p.accountId ?? null,
      accountName: p.accountName ?? null,
      publishedAt: at.toISOString(),
      publishedAtBeijing: beijingDateTime(at),
      externalUrl: p.externalUrl ?? null,
      manual: !!p.manual,
      imported: !!p.imported,
      withdrawnAt: toIso(p.withdrawnAt ?? null),
    };
    if (pubMarks) out.afterFreeze = !!p.afterFreeze;
    return out;
  });
  const item: DrillItem = {
    itemId: r.id,
    title: r.title,
    indexNo: r.index_no,
    kind: r.kind,
    category: r.category,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    writtenDate: r.written_date ?? null,
    repealedDate: r.repealed_date ?? null,
    validity: r.validity,
    channels: r.channels ?? [],
    publications: pubs,
    links: [...new Set(pubs.map((p) => p.externalUrl).filter((u): u is string => !!u))],
  };
  if (marks) {
    item.afterFreeze = marks === 'joined';
    item.leftSinceFreeze = marks === 'frozen' && !!r.left_flag;
  }
  return item;
}
