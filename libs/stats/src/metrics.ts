import { ITEM_KINDS } from '@app/domain/enums/domain-enums';

/**
 * What a computed report cell counts. Ledger metrics are distinct items with at least one
 * publication in the period matching a dimension (see the stats migration for the dimension keys);
 * document metrics count items by kind and 成文日期 / 废止日期.
 *
 * Metric ids:
 *   ledger.total | ledger.normative | ledger.interpretation | ledger.response
 *   ledger.channel.<channel_type>    ledger.group.other (every type outside the four named rows)
 *   ledger.response.weiboWechat      (responses published on Weibo or WeChat)
 *   ledger.response.otherWays        (responses published in the period, none of them on Weibo/WeChat)
 *   ledger.kind.<kind> | ledger.category.<主题分类> | ledger.account.<account id>
 *   docs.<kind>.written | docs.<kind>.repealed | docs.<kind>.inForce
 */
export type MetricDef =
  | { type: 'dim'; dim: string }
  | { type: 'dimDiff'; plus: string; minus: string }
  | { type: 'docs'; kind: string; measure: 'written' | 'repealed' | 'inForce' };

/** Channel types that have their own row in the national tables; every other type is 其他方式. */
export const MAIN_CHANNELS = ['gazette', 'portal', 'weibo', 'wechat'] as const;

/** Report row label of a channel type (STATISTICS.md). */
export const CHANNEL_LABELS: Record<string, string> = {
  gazette: '政府公报',
  portal: '政府网站',
  weibo: '政务微博',
  wechat: '政务微信',
  led: 'LED显示屏',
  other: '其他方式',
};

const CHANNEL_RE = /^[a-z][a-z0-9_-]{0,39}$/;
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
    case 'ledger.response.weiboWechat':
      return { type: 'dim', dim: 'f:response-wbwx' };
    case 'ledger.response.otherWays':
      return { type: 'dimDiff', plus: 'f:response', minus: 'f:response-wbwx' };
    case 'ledger.group.other':
      return { type: 'dim', dim: 'g:other' };
  }
  let m = /^ledger\.channel\.(.+)$/.exec(id);
  if (m) return CHANNEL_RE.test(m[1]) ? { type: 'dim', dim: `ch:${m[1]}` } : null;
  m = /^ledger\.kind\.(.+)$/.exec(id);
  if (m) return (ITEM_KINDS as readonly string[]).includes(m[1]) ? { type: 'dim', dim: `k:${m[1]}` } : null;
  m = /^ledger\.category\.(.+)$/.exec(id);
  if (m) return m[1].length <= 100 ? { type: 'dim', dim: `c:${m[1]}` } : null;
  m = /^ledger\.account\.(.+)$/.exec(id);
  if (m) return UUID_RE.test(m[1]) ? { type: 'dim', dim: `a:${m[1].toLowerCase()}` } : null;
  m = /^docs\.([a-z]+)\.(written|repealed|inForce)$/.exec(id);
  if (m && (ITEM_KINDS as readonly string[]).includes(m[1])) {
    return { type: 'docs', kind: m[1], measure: m[2] as 'written' | 'repealed' | 'inForce' };
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

/**
 * The row-level SQL condition on publication_records (alias `p`) equivalent to a dimension: the raw
 * queries and drill-downs use it, the trigger uses stats_dims(); tests prove they agree.
 * `param` binds a value and returns its placeholder.
 */
export function dimPredicate(dim: string, param: (v: unknown) => string): string {
  if (dim === '*') return 'TRUE';
  if (dim === 'g:other') return `p.channel_type NOT IN ('gazette','portal','weibo','wechat')`;
  if (dim === 'f:normative') return 'p.is_normative';
  if (dim === 'f:interpretation') return 'p.is_interpretation';
  if (dim === 'f:response') return 'p.is_response';
  if (dim === 'f:response-wbwx') return `(p.is_response AND p.channel_type IN ('weibo','wechat'))`;
  const i = dim.indexOf(':');
  const prefix = dim.slice(0, i);
  const v = dim.slice(i + 1);
  if (prefix === 'ch') return `p.channel_type = ${param(v)}`;
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
