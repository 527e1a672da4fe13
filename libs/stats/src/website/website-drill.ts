import { AppError } from '@app/common/errors/app-error';
import type { Db, Scope } from '../ledger-scope';
import { scopeSql } from '../ledger-scope';
import type { DrillItem, DrillResult } from '../ledger-query.types';
import { toDrillItem } from '../ledger-drill';
import { COUNTED, SqlParams } from '../metrics';
import type { Period } from '../period';
import type { CellDrill } from '../report-doc.types';
import { ITEM_FIGURES, type SiteFigure, type WebsiteDef } from './website-template';

/** The ledger-row condition (alias `p`) of a site figure that counts items; null for figures that count columns or accounts. */
function figurePredicate(def: WebsiteDef, figure: SiteFigure, add: (v: unknown) => string): string | null {
  // Parameters are bound only when used: Postgres cannot type an unused one.
  const site = () => `p.report_row = ${add(def.siteRow)}`;
  const overview = () => `p.category = ANY(${add(def.overviewColumns)}::text[])`;
  const news = () => `p.category = ANY(${add(def.newsColumns)}::text[])`;
  switch (figure) {
    case 'overview':
      return `${site()} AND ${overview()}`;
    case 'news':
      return `${site()} AND ${news()}`;
    case 'catalogue':
      return `${site()} AND NOT (${overview()}) AND NOT (${news()})`;
    case 'interpretations':
      return `${site()} AND p.is_interpretation`;
    case 'responses':
      return `${site()} AND p.is_response`;
    default:
      return null;
  }
}

type Mode = 'live' | 'frozen' | 'joined';

async function drillMode(
  db: Db,
  def: WebsiteDef,
  scope: Scope,
  period: Period,
  figure: SiteFigure,
  opts: { limit: number; offset: number; watermark: string | null; mode: Mode },
): Promise<DrillResult> {
  const q = new SqlParams();
  const pred = figurePredicate(def, figure, q.add)!;
  const from = q.add(period.fromUtc);
  const to = q.add(period.toUtcExclusive);
  const wm = opts.watermark ? `${q.add(opts.watermark)}::bigint` : 'NULL::bigint';
  const sel =
    opts.mode === 'live'
      ? `SELECT item_id, first_at FROM now_sel`
      : opts.mode === 'frozen'
        ? `SELECT item_id, first_at FROM then_sel`
        : `SELECT n.item_id, n.first_at FROM now_sel n WHERE NOT EXISTS (SELECT 1 FROM then_sel t WHERE t.item_id = n.item_id)`;
  const rows = await db.query(
    `WITH m AS (
       SELECT p.* FROM publication_records p
        WHERE ${scopeSql(scope, 'p', q)} AND p.published_at >= ${from} AND p.published_at < ${to} AND ${pred} AND ${COUNTED}
     ), now_sel AS (SELECT item_id, min(published_at) AS first_at FROM m GROUP BY item_id
     ), then_sel AS (SELECT item_id, min(published_at) AS first_at FROM m WHERE m.id <= ${wm} GROUP BY item_id
     ), sel AS (${sel}
     ), page AS (SELECT item_id, first_at, count(*) OVER () AS total FROM sel ORDER BY first_at, item_id LIMIT ${q.add(opts.limit)} OFFSET ${q.add(opts.offset)})
     SELECT pg.total, i.id, i.title, i.index_no, i.kind, i.category, i.organisation_id, o.name AS organisation_name,
            i.written_date::text AS written_date, i.repealed_date::text AS repealed_date, i.validity,
            (SELECT json_agg(json_build_object(
                'recordId', m.id::text, 'channelType', m.channel_type, 'accountId', m.channel_account_id, 'accountName', a.name,
                'publishedAt', m.published_at, 'externalUrl', m.external_url, 'manual', m.manual,
                'withdrawnAt', (SELECT min(w.withdrawn_at) FROM publication_withdrawals w WHERE w.publication_record_id = m.id),
                'afterFreeze', CASE WHEN ${wm} IS NULL THEN NULL ELSE m.id > ${wm} END) ORDER BY m.published_at, m.id)
               FROM m LEFT JOIN channel_accounts a ON a.id = m.channel_account_id WHERE m.item_id = i.id) AS pubs
       FROM page pg JOIN items i ON i.id = pg.item_id JOIN organisations o ON o.id = i.organisation_id
      ORDER BY pg.first_at, i.id`,
    q.values,
  );
  const items = rows.map((r: any): DrillItem => {
    // A site figure's rows carry no channel list: it is the channels of the publications listed.
    const channels = [...new Set(((r.pubs ?? []) as { channelType: string }[]).map((p) => p.channelType))].sort();
    const item = toDrillItem({ ...r, channels }, null, !!opts.watermark);
    if (opts.mode === 'joined') item.afterFreeze = true;
    return item;
  });
  if (!rows.length && opts.offset > 0) return { total: (await drillMode(db, def, scope, period, figure, { ...opts, limit: 1, offset: 0 })).total, items: [] };
  return { total: rows.length ? Number(rows[0].total) : 0, items };
}

/**
 * The items behind a site figure of the 政府网站工作年度报表 (信息发布 per kind of column, 解读, 回应): the
 * site's publications in the period that put each item in the cell. A frozen report lists the items
 * counted at the freeze (ledger rows up to its watermark) and, apart, those that joined since.
 * 专栏专题 and 是否有移动新媒体 count columns and accounts, not items: their columns are in the table's
 * note and the accounts in the table below it.
 */
export async function drillSiteFigure(
  db: Db,
  def: WebsiteDef,
  scope: Scope,
  period: Period,
  cellId: string,
  label: string,
  opts: { limit: number; offset: number },
  base: CellDrill['report'],
  frozen: { watermark: string; report: { values: Record<string, number | null> } } | null,
): Promise<CellDrill> {
  const figure = def.siteCells.get(cellId)!;
  if (!ITEM_FIGURES.has(figure)) {
    throw AppError.badRequest('CELL_NOT_ITEMS', '该单元格统计的是栏目或账号，不是信息条目，没有信息明细', [
      { field: 'cell', reason: figure === 'hasNewMedia' ? '账号见“移动新媒体”表' : '本年度更新的专栏专题见表注' },
    ]);
  }
  const watermark = frozen?.watermark ?? null;
  const r = await drillMode(db, def, scope, period, figure, { ...opts, watermark, mode: watermark ? 'frozen' : 'live' });
  const joined = watermark ? await drillMode(db, def, scope, period, figure, { limit: opts.limit, offset: 0, watermark, mode: 'joined' }) : null;
  const frozenValue = frozen ? frozen.report.values[cellId] : undefined;
  return {
    cell: { id: cellId, label, metric: null, value: frozenValue !== undefined ? frozenValue : r.total },
    report: base,
    frozen: !!frozen,
    total: r.total,
    limit: opts.limit,
    offset: opts.offset,
    items: r.items,
    sinceFreeze: joined ? { joined: joined.items, joinedTotal: joined.total, left: 0 } : null,
  };
}
