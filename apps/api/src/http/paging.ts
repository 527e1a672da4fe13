import { AppError } from '@app/common/errors/app-error';
import type { ListPaging } from './list-paging.types';

/**
 * Highest page number a list route accepts. OFFSET (page − 1) × pageSize must stay a number Postgres
 * takes as bigint; a page of 10^20 used to reach the query as 1e+20 and answer 500.
 */
export const MAX_PAGE = 1_000_000;

/**
 * Lists count their rows exactly up to this many; beyond it they answer `{total: COUNT_CAP, totalCapped: true}`
 * (counting millions of rows for a page of 50 is what made them slow at provincial scale). `page` (OFFSET)
 * paging is kept for the first pages only, up to the same depth; past it the lists page with `cursor`.
 */
export const COUNT_CAP = 10_000;

/** OFFSET of `page` (1-based), refused with a 400 naming `page` past COUNT_CAP rows (use `cursor` there). */
export function offsetOf(page: number | undefined, pageSize: number, cursor: string | undefined): number {
  if (!page || page === 1) return 0;
  if (cursor) throw AppError.validation([{ field: 'page', reason: '不能与 cursor 同时使用' }]);
  const offset = (page - 1) * pageSize;
  if (offset >= COUNT_CAP) throw AppError.validation([{ field: 'page', reason: `页码过大：前 ${COUNT_CAP} 条之后请用 cursor 翻页` }]);
  return offset;
}

/** `total` and `totalCapped` from a count taken with LIMIT cap + 1. */
export function capped(n: number, cap = COUNT_CAP): Pick<ListPaging, 'total' | 'totalCapped'> {
  return n > cap ? { total: cap, totalCapped: true } : { total: n, totalCapped: false };
}

/** SQL counting the rows of `fromWhere` ("FROM … WHERE …") up to cap + 1, as column n. */
export function cappedCountSql(fromWhere: string, cap = COUNT_CAP): string {
  return `SELECT count(*)::int AS n FROM (SELECT 1 ${fromWhere} LIMIT ${cap + 1}) capped`;
}
