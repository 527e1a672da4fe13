import { ITEM_KINDS } from '@app/domain/enums/domain-enums';

/**
 * What a computed report cell counts. Ledger metrics are distinct items with at least one
 * publication in the period matching a dimension (see the stats migrations for the dimension keys);
 * document metrics count items by kind and 成文日期 / 废止日期.
 *
 * Statistics name no channel: a channel declares the report row it counts in and whether it is
 * 政务新媒体 (its adapter's capabilities), and every ledger row carries both (`report_row`,
 * `new_media`). Templates are data and name report rows.
 *
 * Metric ids:
 *   ledger.total | ledger.normative | ledger.interpretation | ledger.response
 *   ledger.row.<report row>          (items published on any channel counting in that row)
 *   ledger.channel.<channel type>    (items published on one channel type)
 *   ledger.response.newMedia         (responses published on a 政务新媒体 channel)
 *   ledger.response.otherWays        (responses published in the period, none of them on new media)
 *   ledger.kind.<kind> | ledger.category.<主题分类> | ledger.account.<account id>
 *   docs.<kind>.written | docs.<kind>.repealed | docs.<kind>.inForce
 *   docs.<kind>.published            (issued documents first published — first 主动公开 ledger row — in the period)
 *   docs.<kind>.publicTotal          (issued documents published by the period end and not withdrawn everywhere by then)
 * Still accepted, as stored before report rows were data: ledger.group.other (= ledger.row.other)
 * and ledger.response.weiboWechat (= ledger.response.newMedia).
 */
export type MetricDef = { type: 'dim'; dim: string } | { type: 'dimDiff'; plus: string; minus: string } | { type: 'docs'; kind: string; measure: DocMeasure };

/** What a document metric counts among issued documents (`docCondition` in ledger-drill.ts). */
export type DocMeasure = 'written' | 'repealed' | 'inForce' | 'published' | 'publicTotal';

/** The dimension of responses published on new media (政务新媒体). */
export const NEW_MEDIA_RESPONSE_DIM = 'f:response-newmedia';

const KEY_RE = /^[a-z][a-z0-9_-]{0,39}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseMetric(id: string): MetricDef | null {
  switch (id) {
    case 'ledger.total':
      return { type: 'dim', dim: '*' };
    case 'ledger.normative':
      return { type: 'dim', dim: 'f:normative' };
    case 'ledger.interpretation':
      return { type: 'dim', dim: 'f:interpretation' };
    case 'ledger.response':
      return { type: 'dim', dim: 'f:response' };
    case 'ledger.response.newMedia':
    case 'ledger.response.weiboWechat':
      return { type: 'dim', dim: NEW_MEDIA_RESPONSE_DIM };
    case 'ledger.response.otherWays':
      return { type: 'dimDiff', plus: 'f:response', minus: NEW_MEDIA_RESPONSE_DIM };
    case 'ledger.group.other':
      return { type: 'dim', dim: 'r:other' };
  }
  let m = /^ledger\.row\.(.+)$/.exec(id);
  if (m) return KEY_RE.test(m[1]) ? { type: 'dim', dim: `r:${m[1]}` } : null;
  m = /^ledger\.channel\.(.+)$/.exec(id);
  if (m) return KEY_RE.test(m[1]) ? { type: 'dim', dim: `ch:${m[1]}` } : null;
  m = /^ledger\.kind\.(.+)$/.exec(id);
  if (m) return (ITEM_KINDS as readonly string[]).includes(m[1]) ? { type: 'dim', dim: `k:${m[1]}` } : null;
  m = /^ledger\.category\.(.+)$/.exec(id);
  if (m) return m[1].length <= 100 ? { type: 'dim', dim: `c:${m[1]}` } : null;
  m = /^ledger\.account\.(.+)$/.exec(id);
  if (m) return UUID_RE.test(m[1]) ? { type: 'dim', dim: `a:${m[1].toLowerCase()}` } : null;
  m = /^docs\.([a-z]+)\.(written|repealed|inForce|published|publicTotal)$/.exec(id);
  if (m && (ITEM_KINDS as readonly string[]).includes(m[1])) {
    return { type: 'docs', kind: m[1], measure: m[2] as DocMeasure };
  }
  return null;
}

/** The dimensions a ledger metric needs (empty for document metrics). */
export function metricDims(def: MetricDef): string[] {
  if (def.type === 'dim') return [def.dim];
  if (def.type === 'dimDiff') return [def.plus, def.minus];
  return [];
}

/** Value of a ledger metric from dimension counts. */
export function metricValue(def: MetricDef, counts: Map<string, number>): number {
  if (def.type === 'dim') return counts.get(def.dim) ?? 0;
  if (def.type === 'dimDiff') return (counts.get(def.plus) ?? 0) - (counts.get(def.minus) ?? 0);
  throw new Error('document metrics are not dimension counts');
}

/**
 * The ledger rows the statistics count (alias `p`): publications of a 主动公开 version only. The
 * rollup trigger and stats_rebuild() apply the same filter (migration 1732005300000).
 */
export const COUNTED = `p.disclosure_attr = '主动公开'`;

/** Ledger column (alias `p`) behind each value-carrying dimension prefix. */
export const PREFIX_COLUMN: Record<DimPrefix, string> = {
  'ch:': 'p.channel_type',
  'r:': 'p.report_row',
  'a:': 'p.channel_account_id::text',
  'c:': 'p.category',
  'k:': 'p.kind',
};
export type DimPrefix = 'ch:' | 'r:' | 'a:' | 'c:' | 'k:';

/**
 * The row-level SQL condition on publication_records (alias `p`) equivalent to a dimension: the raw
 * queries and drill-downs use it, the trigger uses stats_dims(); tests prove they agree.
 * `param` binds a value and returns its placeholder.
 */
export function dimPredicate(dim: string, param: (v: unknown) => string): string {
  if (dim === '*') return 'TRUE';
  if (dim === 'f:normative') return 'p.is_normative';
  if (dim === 'f:interpretation') return 'p.is_interpretation';
  if (dim === 'f:response') return 'p.is_response';
  if (dim === NEW_MEDIA_RESPONSE_DIM) return '(p.is_response AND p.new_media)';
  const i = dim.indexOf(':');
  const prefix = dim.slice(0, i);
  const v = dim.slice(i + 1);
  if (prefix === 'ch') return `p.channel_type = ${param(v)}`;
  if (prefix === 'r') return `p.report_row = ${param(v)}`;
  if (prefix === 'a') return `p.channel_account_id = ${param(v)}::uuid`;
  if (prefix === 'c') return `p.category = ${param(v)}`;
  if (prefix === 'k') return `p.kind = ${param(v)}`;
  throw new Error(`unknown dimension ${dim}`);
}

/** A small positional-parameter builder for hand-written SQL. */
export class SqlParams {
  readonly values: unknown[] = [];
  add = (v: unknown): string => {
    this.values.push(v);
    return `$${this.values.length}`;
  };
}
