import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ITEM_KIND_LABELS, ItemKind } from '@app/domain/enums/domain-enums';
import { CHANNEL_LABELS, COUNTED, MAIN_CHANNELS, MetricDef, SqlParams, dimPredicate } from './metrics';
import { Period } from './period';
import type { AddedRecord, ChannelCounts, CountSource, DrillItem, DrillPublication, DrillResult, SourceChoice } from './ledger-query.types';

/** Whose items are counted: one organisation, with or without its subtree. */
export interface Scope {
  orgId: string;
  orgPath: string;
  subtree: boolean;
}

const BEIJING_OFFSET_MS = 8 * 3600_000;
const PREFIX_COLUMN: Record<string, string> = {
  'ch:': 'p.channel_type',
  'a:': 'p.channel_account_id::text',
  'c:': 'p.category',
  'k:': 'p.kind',
};

function beijingDateTime(d: Date): string {
  return new Date(d.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

function toIso(v: string | Date | null): string | null {
  if (v === null || v === undefined) return null;
  return new Date(v).toISOString();
}

/**
 * Counts over the publication ledger, by the rules of STATISTICS.md: an item counts once in a
 * total whatever its channels, once per channel type whatever its accounts, and a withdrawn
 * publication still counts in its period. Calendar periods read the trigger-maintained rollups;
 * other periods read the ledger itself. Both are exact (tests compare them).
 */
@Injectable()
export class LedgerQueryService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private db(em?: EntityManager): Pick<EntityManager, 'query'> {
    return em ?? this.ds;
  }

  /** SQL condition restricting `<alias>.organisation_id` to the scope. */
  scopeSql(scope: Scope | null, alias: string, params: SqlParams): string {
    if (!scope) return 'TRUE';
    if (!scope.subtree) return `${alias}.organisation_id = ${params.add(scope.orgId)}::uuid`;
    return `${alias}.organisation_id IN (SELECT so.id FROM organisations so WHERE so.path LIKE ${params.add(scope.orgPath + '%')})`;
  }

  sourceFor(period: Period, choice: SourceChoice = 'auto'): CountSource {
    if (choice === 'ledger') return 'ledger';
    if (period.grain === 'custom') {
      if (choice === 'rollup') throw new Error('rollups hold calendar periods only');
      return 'ledger';
    }
    return 'rollup';
  }

  /** Distinct items per dimension ('*', 'ch:portal', 'f:normative', ...). */
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
    if (source === 'rollup') {
      const params = new SqlParams();
      const rows: { dim: string; n: string }[] = await this.db(em).query(
        `SELECT r.dim, sum(r.n)::bigint AS n FROM stats_rollups r
         WHERE r.grain = ${params.add(period.grain)} AND r.period_start = ${params.add(period.periodStart)}::date
           AND r.dim = ANY(${params.add(uniq)}::text[]) AND ${this.scopeSql(scope, 'r', params)}
         GROUP BY r.dim`,
        params.values,
      );
      for (const r of rows) counts.set(r.dim, Number(r.n));
    } else {
      const params = new SqlParams();
      const cols = uniq.map((d, i) => `count(DISTINCT p.item_id) FILTER (WHERE ${dimPredicate(d, params.add)}) AS d${i}`);
      const rows = await this.db(em).query(
        `SELECT ${cols.join(', ')} FROM publication_records p
         WHERE ${this.scopeSql(scope, 'p', params)} AND ${COUNTED}
           AND p.published_at >= ${params.add(period.fromUtc)} AND p.published_at < ${params.add(period.toUtcExclusive)}`,
        params.values,
      );
      uniq.forEach((d, i) => counts.set(d, Number(rows[0][`d${i}`])));
    }
    return { counts, source };
  }

  /** Every dimension with a given prefix ('ch:', 'a:', 'c:', 'k:') that has items in the period. */
  async countDimsByPrefix(
    scope: Scope | null,
    period: Period,
    prefix: 'ch:' | 'a:' | 'c:' | 'k:',
    choice: SourceChoice = 'auto',
  ): Promise<Map<string, number>> {
    const source = this.sourceFor(period, choice);
    const out = new Map<string, number>();
    const params = new SqlParams();
    if (source === 'rollup') {
      // ';' follows ':' in byte order and dim is COLLATE "C": a range scan over one prefix.
      const upper = prefix.slice(0, -1) + ';';
      const rows: { dim: string; n: string }[] = await this.ds.query(
        `SELECT r.dim, sum(r.n)::bigint AS n FROM stats_rollups r
         WHERE r.grain = ${params.add(period.grain)} AND r.period_start = ${params.add(period.periodStart)}::date
           AND r.dim >= ${params.add(prefix)} AND r.dim < ${params.add(upper)} AND ${this.scopeSql(scope, 'r', params)}
         GROUP BY r.dim`,
        params.values,
      );
      for (const r of rows) out.set(r.dim, Number(r.n));
    } else {
      const col = PREFIX_COLUMN[prefix];
      const rows: { v: string; n: string }[] = await this.ds.query(
        `SELECT ${col} AS v, count(DISTINCT p.item_id) AS n FROM publication_records p
         WHERE ${this.scopeSql(scope, 'p', params)} AND ${col} IS NOT NULL AND ${COUNTED}
           AND p.published_at >= ${params.add(period.fromUtc)} AND p.published_at < ${params.add(period.toUtcExclusive)}
         GROUP BY 1`,
        params.values,
      );
      for (const r of rows) out.set(prefix + r.v, Number(r.n));
    }
    return out;
  }

  /** Document counts by kind from items (成文日期 / 废止日期), keyed "<kind>.<measure>". */
  async docCounts(
    scope: Scope | null,
    period: Period,
    wanted: { kind: string; measure: 'written' | 'repealed' | 'inForce' }[],
    em?: EntityManager,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!wanted.length) return out;
    const params = new SqlParams();
    let from: string | undefined;
    let to: string | undefined;
    const fromP = () => (from ??= `${params.add(period.from)}::date`);
    const toP = () => (to ??= `${params.add(period.to)}::date`);
    const cols = wanted.map((w, i) => {
      const cond = docCondition(w.measure, fromP, toP);
      return `(SELECT count(*) FROM items i WHERE i.kind = ${params.add(w.kind)} AND ${cond} AND ${this.scopeSql(scope, 'i', params)}) AS m${i}`;
    });
    const rows = await this.db(em).query(`SELECT ${cols.join(', ')}`, params.values);
    wanted.forEach((w, i) => out.set(`${w.kind}.${w.measure}`, Number(rows[0][`m${i}`])));
    return out;
  }

  /** Channel-counts view: totals, per type, per report row, per account, per 主题分类, per kind, checks. */
  async channelCounts(scope: Scope, period: Period, choice: SourceChoice = 'auto'): Promise<ChannelCounts> {
    const source = this.sourceFor(period, choice);
    const fixed = ['*', 'g:other', 'f:normative', 'f:interpretation', 'f:response', ...MAIN_CHANNELS.map((c) => `ch:${c}`)];
    const [{ counts }, types, accounts, cats, kinds] = await Promise.all([
      this.countDims(scope, period, fixed, source),
      this.countDimsByPrefix(scope, period, 'ch:', source),
      this.countDimsByPrefix(scope, period, 'a:', source),
      this.countDimsByPrefix(scope, period, 'c:', source),
      this.countDimsByPrefix(scope, period, 'k:', source),
    ]);
    const total = counts.get('*') ?? 0;
    const byChannelType = [...types.entries()]
      .map(([d, n]) => ({ channelType: d.slice(3), label: CHANNEL_LABELS[d.slice(3)] ?? d.slice(3), items: n }))
      .sort((a, b) => b.items - a.items || a.channelType.localeCompare(b.channelType));
    const byReportRow = {
      gazette: counts.get('ch:gazette') ?? 0,
      portal: counts.get('ch:portal') ?? 0,
      weibo: counts.get('ch:weibo') ?? 0,
      wechat: counts.get('ch:wechat') ?? 0,
      other: counts.get('g:other') ?? 0,
    };
    const accountIds = [...accounts.keys()].map((d) => d.slice(2));
    const accountRows: { id: string; name: string; channel_type: string; organisation_id: string }[] = accountIds.length
      ? await this.ds.query(`SELECT id, name, channel_type, organisation_id FROM channel_accounts WHERE id = ANY($1::uuid[])`, [accountIds])
      : [];
    const accountInfo = new Map(accountRows.map((a) => [a.id, a]));
    const byAccount = accountIds
      .map((id) => ({
        accountId: id,
        name: accountInfo.get(id)?.name ?? null,
        channelType: accountInfo.get(id)?.channel_type ?? null,
        ownerOrganisationId: accountInfo.get(id)?.organisation_id ?? null,
        items: accounts.get(`a:${id}`)!,
      }))
      .sort((a, b) => b.items - a.items || a.accountId.localeCompare(b.accountId));
    const byCategory = [...cats.entries()]
      .map(([d, n]) => ({ category: d.slice(2), items: n }))
      .sort((a, b) => b.items - a.items || a.category.localeCompare(b.category));
    const byKind = [...kinds.entries()]
      .map(([d, n]) => ({ kind: d.slice(2), label: ITEM_KIND_LABELS[d.slice(2) as ItemKind] ?? d.slice(2), items: n }))
      .sort((a, b) => b.items - a.items || a.kind.localeCompare(b.kind));
    return {
      source,
      total,
      byChannelType,
      byReportRow,
      byAccount,
      byCategory,
      byKind,
      flags: {
        normative: counts.get('f:normative') ?? 0,
        interpretation: counts.get('f:interpretation') ?? 0,
        response: counts.get('f:response') ?? 0,
      },
      checks: consistencyChecks(total, byChannelType.map((t) => ({ key: t.channelType, label: t.label, n: t.items }))),
    };
  }

  /**
   * The items behind a ledger metric: each with its title, 索引号, channels in the period and the
   * publications that put it in the cell. `watermark` marks publications recorded after a freeze.
   */
  async drillLedger(
    scope: Scope | null,
    period: Period,
    def: MetricDef,
    opts: { limit?: number; offset?: number; watermark?: string | null } = {},
  ): Promise<DrillResult> {
    if (def.type === 'docs') return this.drillDocs(scope, period, def, opts);
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
        WHERE ${this.scopeSql(scope, 'p', params)} AND p.published_at >= ${from} AND p.published_at < ${to}
          AND ${dimPredicate(plus, params.add)} AND ${COUNTED}
      ), sel AS (
        SELECT m.item_id, min(m.published_at) AS first_at FROM m GROUP BY m.item_id ${having}
      ), page AS (
        SELECT item_id, first_at, count(*) OVER () AS total FROM sel ORDER BY first_at, item_id LIMIT ${limit} OFFSET ${offset}
      )
      SELECT pg.total, i.id, i.title, i.index_no, i.kind, i.category, i.organisation_id, o.name AS organisation_name,
        i.written_date::text AS written_date, i.repealed_date::text AS repealed_date, i.validity,
        (SELECT array_agg(DISTINCT q.channel_type ORDER BY q.channel_type) FROM publication_records q
           WHERE q.item_id = i.id AND q.published_at >= ${from} AND q.published_at < ${to} AND ${COUNTED.replace('p.', 'q.')}) AS channels,
        (SELECT json_agg(json_build_object(
            'recordId', m.id::text, 'channelType', m.channel_type, 'accountId', m.channel_account_id,
            'accountName', a.name, 'publishedAt', m.published_at, 'externalUrl', m.external_url, 'manual', m.manual,
            'withdrawnAt', (SELECT min(w.withdrawn_at) FROM publication_withdrawals w WHERE w.publication_record_id = m.id),
            'afterFreeze', CASE WHEN ${wm} IS NULL THEN NULL ELSE m.id > ${wm} END
          ) ORDER BY m.published_at, m.id)
          FROM m LEFT JOIN channel_accounts a ON a.id = m.channel_account_id WHERE m.item_id = i.id) AS pubs
      FROM page pg JOIN items i ON i.id = pg.item_id JOIN organisations o ON o.id = i.organisation_id
      ORDER BY pg.first_at, i.id`;
    const rows = await this.ds.query(sql, params.values);
    return { total: rows.length ? Number(rows[0].total) : await this.countSel(scope, period, def), items: rows.map((r: any) => toDrillItem(r, !!opts.watermark)) };
  }

  /** Total when the requested page is past the end. */
  private async countSel(scope: Scope | null, period: Period, def: MetricDef): Promise<number> {
    if (def.type === 'docs') return 0;
    const dims = def.type === 'dim' ? [def.dim] : [def.plus, def.minus];
    const { counts } = await this.countDims(scope, period, dims, 'ledger');
    return def.type === 'dim' ? counts.get(def.dim)! : counts.get(def.plus)! - counts.get(def.minus)!;
  }

  /** The items behind a document metric (制发 / 废止 / 现行有效), with all their publications. */
  async drillDocs(
    scope: Scope | null,
    period: Period,
    def: Extract<MetricDef, { type: 'docs' }>,
    opts: { limit?: number; offset?: number } = {},
  ): Promise<DrillResult> {
    const params = new SqlParams();
    const cond = docCondition(def.measure, () => `${params.add(period.from)}::date`, () => `${params.add(period.to)}::date`);
    const sql = `
      WITH sel AS (
        SELECT i.id, count(*) OVER () AS total FROM items i
        WHERE i.kind = ${params.add(def.kind)} AND ${cond} AND ${this.scopeSql(scope, 'i', params)}
        ORDER BY i.written_date NULLS LAST, i.id LIMIT ${params.add(opts.limit ?? 1_000_000)} OFFSET ${params.add(opts.offset ?? 0)}
      )
      SELECT sel.total, i.id, i.title, i.index_no, i.kind, i.category, i.organisation_id, o.name AS organisation_name,
        i.written_date::text AS written_date, i.repealed_date::text AS repealed_date, i.validity,
        (SELECT array_agg(DISTINCT q.channel_type ORDER BY q.channel_type) FROM publication_records q WHERE q.item_id = i.id) AS channels,
        (SELECT json_agg(json_build_object(
            'recordId', p.id::text, 'channelType', p.channel_type, 'accountId', p.channel_account_id,
            'accountName', a.name, 'publishedAt', p.published_at, 'externalUrl', p.external_url, 'manual', p.manual,
            'withdrawnAt', (SELECT min(w.withdrawn_at) FROM publication_withdrawals w WHERE w.publication_record_id = p.id)
          ) ORDER BY p.published_at, p.id)
          FROM publication_records p LEFT JOIN channel_accounts a ON a.id = p.channel_account_id WHERE p.item_id = i.id) AS pubs
      FROM sel JOIN items i ON i.id = sel.id JOIN organisations o ON o.id = i.organisation_id
      ORDER BY i.written_date NULLS LAST, i.id`;
    const rows = await this.ds.query(sql, params.values);
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && (opts.offset ?? 0) > 0) {
      const c = await this.docCounts(scope, period, [{ kind: def.kind, measure: def.measure }]);
      total = c.get(`${def.kind}.${def.measure}`) ?? 0;
    }
    return { total, items: rows.map((r: any) => toDrillItem(r, false)) };
  }

  /** Latest publication (at or before `before`) per organisation's own items. */
  async lastPublicationByOrg(orgIds: string[], before: Date): Promise<Map<string, Date>> {
    const out = new Map<string, Date>();
    if (!orgIds.length) return out;
    const rows: { id: string; last: Date | null }[] = await this.ds.query(
      `SELECT o.id, (SELECT max(p.published_at) FROM publication_records p WHERE p.organisation_id = o.id AND p.published_at < $2 AND ${COUNTED}) AS last
       FROM unnest($1::uuid[]) AS o(id)`,
      [orgIds, before],
    );
    for (const r of rows) if (r.last) out.set(r.id, new Date(r.last));
    return out;
  }

  /** Latest publication (at or before `before`) per channel account, whoever's items. */
  async lastPublicationByAccount(accountIds: string[], before: Date): Promise<Map<string, Date>> {
    const out = new Map<string, Date>();
    if (!accountIds.length) return out;
    const rows: { id: string; last: Date | null }[] = await this.ds.query(
      `SELECT a.id, (SELECT max(p.published_at) FROM publication_records p WHERE p.channel_account_id = a.id AND p.published_at < $2 AND ${COUNTED}) AS last
       FROM unnest($1::uuid[]) AS a(id)`,
      [accountIds, before],
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
      const rows: { organisation_id: string; dim: string; n: number }[] = await this.ds.query(
        `SELECT r.organisation_id, r.dim, r.n FROM stats_rollups r
         WHERE r.grain = ${params.add(period.grain)} AND r.period_start = ${params.add(period.periodStart)}::date
           AND r.dim = ANY(${params.add(dims)}::text[]) AND ${this.scopeSql(orgScope, 'r', params)}`,
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
         WHERE ${this.scopeSql(orgScope, 'p', params)} AND ${COUNTED}
           AND p.published_at >= ${params.add(period.fromUtc)} AND p.published_at < ${params.add(period.toUtcExclusive)}
         GROUP BY p.organisation_id`,
        params.values,
      );
      for (const r of rows) out.set(r.organisation_id, new Map(dims.map((d, i) => [d, Number(r[`d${i}`])])));
    }
    return out;
  }

  /** The last publication record of an organisation's own items or of an account, before an instant. */
  async lastPublicationItem(kind: 'org' | 'account', id: string, before: Date): Promise<DrillResult> {
    const col = kind === 'org' ? 'organisation_id' : 'channel_account_id';
    const rows = await this.ds.query(
      `WITH m AS (SELECT p.* FROM publication_records p WHERE p.${col} = $1 AND p.published_at < $2 AND ${COUNTED} ORDER BY p.published_at DESC, p.id DESC LIMIT 1)
       SELECT 1 AS total, i.id, i.title, i.index_no, i.kind, i.category, i.organisation_id, o.name AS organisation_name,
         i.written_date::text AS written_date, i.repealed_date::text AS repealed_date, i.validity,
         ARRAY[m.channel_type] AS channels,
         json_build_array(json_build_object('recordId', m.id::text, 'channelType', m.channel_type, 'accountId', m.channel_account_id,
           'accountName', a.name, 'publishedAt', m.published_at, 'externalUrl', m.external_url, 'manual', m.manual,
           'withdrawnAt', (SELECT min(w.withdrawn_at) FROM publication_withdrawals w WHERE w.publication_record_id = m.id))) AS pubs
       FROM m JOIN items i ON i.id = m.item_id JOIN organisations o ON o.id = i.organisation_id
       LEFT JOIN channel_accounts a ON a.id = m.channel_account_id`,
      [id, before],
    );
    return { total: rows.length, items: rows.map((r: any) => toDrillItem(r, false)) };
  }

  /** Ledger rows recorded after a watermark (a freeze) that fall in the period and scope. */
  async recordsAfter(scope: Scope, period: Period, watermark: string): Promise<AddedRecord[]> {
    const params = new SqlParams();
    const rows = await this.ds.query(
      `SELECT p.id::text AS record_id, p.item_id, i.title, i.index_no, p.channel_type, p.channel_account_id, a.name AS account_name,
              p.published_at, p.external_url, p.manual, p.created_at
       FROM publication_records p JOIN items i ON i.id = p.item_id LEFT JOIN channel_accounts a ON a.id = p.channel_account_id
       WHERE p.id > ${params.add(watermark)}::bigint AND ${this.scopeSql(scope, 'p', params)} AND ${COUNTED}
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

/** SQL condition on items alias `i` for a document measure over [from, to] (date expressions). */
export function docCondition(measure: 'written' | 'repealed' | 'inForce', from: () => string, to: () => string): string {
  if (measure === 'written') return `i.written_date BETWEEN ${from()} AND ${to()}`;
  if (measure === 'repealed') return `i.repealed_date BETWEEN ${from()} AND ${to()}`;
  // In force at the end of the period: issued by then, not repealed by then; a 废止/失效 item
  // without a 废止日期 cannot be placed in time and is taken as no longer in force.
  const end = to();
  return `i.written_date <= ${end} AND (i.repealed_date > ${end} OR (i.repealed_date IS NULL AND i.validity NOT IN ('废止','失效')))`;
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

function toDrillItem(r: any, withWatermark: boolean): DrillItem {
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
      withdrawnAt: toIso(p.withdrawnAt ?? null),
    };
    if (withWatermark) out.afterFreeze = !!p.afterFreeze;
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
  if (withWatermark) item.afterFreeze = pubs.length > 0 && pubs.every((p) => p.afterFreeze);
  return item;
}

