import { afterSql, usOf } from '../http/keyset';
import { cappedCountSql } from '../http/paging';

/**
 * The matrix counts its items up to this many only: each item counted costs an index probe into the
 * deliveries (has it one, on this channel, in this state), where the other lists count index entries;
 * 10,000 probes took 60–160 ms on a loaded machine. The console says 超过 1000 条 beyond it.
 */
export const MATRIX_COUNT_CAP = 1000;
import type { MatrixQuery } from './operator.dto';

/**
 * The matrix's rows: items of the organisations with deliveries, newest approval first. The approval
 * time is the created_at of the item's latest frozen version (current_version_no), so the list walks
 * item_versions (created_at, item_id) backwards (index of migration 1732009100000) instead of computing
 * max(created_at) for every item in scope and sorting them all; the cursor holds (created_at, item id).
 */
export function matrixItemsSql(
  orgIds: string[],
  q: MatrixQuery,
  after: string[] | undefined,
  pageSize: number,
  offset: number,
): { sql: string; countSql: string; params: unknown[]; countParams: unknown[] } {
  const where: string[] = ['i.organisation_id = ANY($1::uuid[])', 'EXISTS (SELECT 1 FROM deliveries x WHERE x.item_id = i.id)'];
  const params: unknown[] = [orgIds];
  const push = (v: unknown) => (params.push(v), `$${params.length}`);
  const add = (sql: string, v: unknown) => where.push(sql.replace(/\?/g, push(v)));
  if (q.from) add('v.created_at >= ?', q.from);
  if (q.to) add('v.created_at < ?', q.to);
  if (q.state) add('EXISTS (SELECT 1 FROM deliveries x WHERE x.item_id = i.id AND x.state = ?)', q.state);
  if (q.channel) add('EXISTS (SELECT 1 FROM deliveries x WHERE x.item_id = i.id AND x.channel_type = ?)', q.channel);
  const from = `FROM item_versions v JOIN items i ON i.id = v.item_id AND i.current_version_no = v.version_no`;
  const filters = where.join(' AND ');
  const countParams = [...params];
  const key = [
    { sql: 'v.created_at', kind: 'us' as const },
    { sql: 'v.item_id', kind: 'uuid' as const },
  ];
  const pageWhere = after ? `${filters} AND ${afterSql(key, after, 'DESC', push)}` : filters;
  // The count starts from the items (by organisation, index only: an item with a delivery has a frozen
  // version) and stops at COUNT_CAP + 1: joining every version of the scope first hashed a million of them.
  const countWhere = where.map((w) =>
    w.replace(
      /v\.created_at (>=|<) (\$\d+)/,
      'EXISTS (SELECT 1 FROM item_versions v WHERE v.item_id = i.id AND v.version_no = i.current_version_no AND v.created_at $1 $2)',
    ),
  );
  const sql = `SELECT i.id, i.title, i.status, i.index_no AS "indexNo", i.current_version_no AS "versionNo", i.publish_at AS "publishAt",
                      v.created_at AS "approvedAt", ${usOf('v.created_at')} AS "_k"
                 ${from} WHERE ${pageWhere} ORDER BY v.created_at DESC, v.item_id DESC LIMIT ${pageSize + 1} OFFSET ${offset}`;
  return { sql, countSql: cappedCountSql(`FROM items i WHERE ${countWhere.join(' AND ')}`, MATRIX_COUNT_CAP), params, countParams };
}
