import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { Item } from '@app/domain/entities/item.entity';
import type { KeyKind } from '../http/keyset';
import { COUNT_CAP } from '../http/paging';

/** The items list's order and keyset: newest change first, the id breaking ties. */
export const ITEM_KEY: { sql: string; kind: KeyKind }[] = [
  { sql: 'i.updated_at', kind: 'us' },
  { sql: 'i.id', kind: 'uuid' },
];

/** The filtered items counted up to COUNT_CAP + 1 (a LIMIT subquery: never a count over a million rows). */
export async function cappedItemCount(ds: DataSource, qb: SelectQueryBuilder<Item>): Promise<number> {
  const sub = qb
    .clone()
    .select('1')
    .orderBy()
    .offset(undefined)
    .limit(COUNT_CAP + 1);
  const [sql, params] = sub.getQueryAndParameters();
  const rows: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM (${sql}) capped`, params);
  return rows[0].n;
}
