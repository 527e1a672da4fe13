import type { DataSource } from 'typeorm';
import { fromDayNumber, toDayNumber } from '@app/compliance/deadlines/calendar-date';

// What the 自查 reads from the ledger besides the inspection's own collection (collectInspectionInput):
// the month's items per account and column, and index numbers for the lists.

export interface ScopeOrg {
  id: string;
  name: string;
  code: string;
  path: string;
}

export interface Window {
  /** 检查时间点 (Beijing date). */
  refDate: string;
  /** First instant of the month. */
  monthStart: Date;
  /** First instant after the reference date: a publication from then on does not exist for the report. */
  cutoff: Date;
}

const beijingStart = (d: string) => new Date(`${d}T00:00:00+08:00`);

export function windowOf(monthFrom: string, refDate: string): Window {
  return { refDate, monthStart: beijingStart(monthFrom), cutoff: beijingStart(fromDayNumber(toDayNumber(refDate) + 1)) };
}

/** Calendar days from a Beijing date to the reference date (null for never). */
export function daysTo(refDate: string) {
  return (last: string | null): number | null => (last ? toDayNumber(refDate) - toDayNumber(last) : null);
}

/**
 * Distinct items published in the month up to the reference date, per account (key: account id) and per
 * account and column (key: `accountId|column`, the inspection's column keys).
 */
export async function monthItems(ds: DataSource, accountIds: string[], w: Window): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!accountIds.length) return out;
  const rows: { account_id: string; category: string | null; n: number }[] = await ds.query(
    `SELECT channel_account_id AS account_id, category, count(DISTINCT item_id)::int AS n FROM publication_records
      WHERE channel_account_id = ANY($1::uuid[]) AND published_at >= $2 AND published_at < $3
      GROUP BY GROUPING SETS ((channel_account_id), (channel_account_id, category))`,
    [accountIds, w.monthStart, w.cutoff],
  );
  for (const r of rows) out.set(r.category === null ? r.account_id : `${r.account_id}|${r.category}`, r.n);
  return out;
}

/** 索引号 of items, for the lists inspectors check item by item. */
export async function indexNumbers(ds: DataSource, itemIds: string[]): Promise<Map<string, string>> {
  if (!itemIds.length) return new Map();
  const rows: { id: string; index_no: string }[] = await ds.query(`SELECT id, index_no FROM items WHERE id = ANY($1::uuid[])`, [itemIds]);
  return new Map(rows.map((r) => [r.id, r.index_no]));
}

/** The organisation, then its subtree depth-first with siblings by code (the order the 通报 lists them in). */
export async function subtreeOrgs(ds: DataSource, id: string, path: string, subtree: boolean): Promise<ScopeOrg[]> {
  const rows: (ScopeOrg & { parent_id: string | null })[] = await ds.query(
    `SELECT id, parent_id, code, name, path FROM organisations WHERE ${subtree ? `path LIKE $1 || '%'` : 'id = $1'}`,
    [subtree ? path : id],
  );
  const children = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = r.id === id ? '' : (r.parent_id ?? '');
    children.set(k, [...(children.get(k) ?? []), r]);
  }
  for (const list of children.values()) list.sort((a, b) => a.code.localeCompare(b.code));
  const out: ScopeOrg[] = [];
  const walk = (r: (typeof rows)[number]) => {
    out.push({ id: r.id, name: r.name, code: r.code, path: r.path });
    for (const c of children.get(r.id) ?? []) walk(c);
  };
  walk(rows.find((r) => r.id === id)!);
  return out;
}
