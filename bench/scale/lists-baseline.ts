// The lists as they were queried before issue 17.2 (count(*) of every matching row, then OFFSET), kept
// here only, as the bench's baseline: same filters, same page size, same depth as the new queries.
import type { DataSource } from 'typeorm';

export interface BaselineArgs {
  orgIds: string[];
  pageSize: number;
  /** 1-based page. */
  page: number;
  filter: Record<string, string>;
}

/** GET items before: TypeORM getManyAndCount (count(DISTINCT id), then the page by OFFSET). */
export async function itemsBaseline(ds: DataSource, a: BaselineArgs): Promise<number> {
  const where = ['i.organisation_id = ANY($1::uuid[])'];
  const params: unknown[] = [a.orgIds];
  if (a.filter.status) where.push(`i.status = $${params.push(a.filter.status)}`);
  const w = where.join(' AND ');
  const [{ n }] = await ds.query(`SELECT COUNT(DISTINCT i.id)::int AS n FROM items i WHERE ${w}`, params);
  await ds.query(`SELECT i.* FROM items i WHERE ${w} ORDER BY i.updated_at DESC LIMIT ${a.pageSize} OFFSET ${(a.page - 1) * a.pageSize}`, params);
  return n;
}

/** GET deliveries before. */
export async function deliveriesBaseline(ds: DataSource, a: BaselineArgs): Promise<number> {
  const where = ['d.organisation_id = ANY($1::uuid[])'];
  const params: unknown[] = [a.orgIds];
  if (a.filter.channel) where.push(`d.channel_type = $${params.push(a.filter.channel)}`);
  if (a.filter.state) where.push(`d.state = $${params.push(a.filter.state)}`);
  const w = where.join(' AND ');
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM deliveries d WHERE ${w}`, params);
  await ds.query(
    `SELECT d.id, d.item_id, i.title, d.state, d.channel_type, a.name, d.updated_at
       FROM deliveries d JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id
      WHERE ${w} ORDER BY d.updated_at DESC LIMIT ${a.pageSize} OFFSET ${(a.page - 1) * a.pageSize}`,
    params,
  );
  return n;
}

/** GET operator/deliveries before (timeField updated). */
export async function operatorDeliveriesBaseline(ds: DataSource, a: BaselineArgs): Promise<number> {
  const where = ['d.organisation_id = ANY($1::uuid[])'];
  const params: unknown[] = [a.orgIds];
  if (a.filter.state) where.push(`d.state = ANY($${params.push(a.filter.state.split(','))}::text[])`);
  if (a.filter.channel) where.push(`d.channel_type = $${params.push(a.filter.channel)}`);
  const w = where.join(' AND ');
  const from = `FROM deliveries d JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id JOIN organisations o ON o.id = d.organisation_id`;
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n ${from} WHERE ${w}`, params);
  await ds.query(
    `SELECT d.*, i.title, a.name, o.name ${from} WHERE ${w} ORDER BY d.updated_at DESC NULLS LAST, d.id LIMIT ${a.pageSize} OFFSET ${(a.page - 1) * a.pageSize}`,
    params,
  );
  return n;
}

/** GET operator/matrix before: approval time computed for every item in scope, counted and sorted. */
export async function matrixBaseline(ds: DataSource, a: BaselineArgs): Promise<number> {
  const where = ['i.organisation_id = ANY($1::uuid[])', 'EXISTS (SELECT 1 FROM deliveries x WHERE x.item_id = i.id)'];
  const params: unknown[] = [a.orgIds];
  if (a.filter.channel) where.push(`EXISTS (SELECT 1 FROM deliveries x WHERE x.item_id = i.id AND x.channel_type = $${params.push(a.filter.channel)})`);
  const w = where.join(' AND ');
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM items i WHERE ${w}`, params);
  const items: { id: string }[] = await ds.query(
    `SELECT i.id, i.title, (SELECT max(v.created_at) FROM item_versions v WHERE v.item_id = i.id) AS "approvedAt"
       FROM items i WHERE ${w} ORDER BY "approvedAt" DESC NULLS LAST, i.id LIMIT ${a.pageSize} OFFSET ${(a.page - 1) * a.pageSize}`,
    params,
  );
  await ds.query(
    `SELECT DISTINCT ON (d.item_id, d.channel_account_id) d.item_id, d.channel_account_id, d.id, d.state
       FROM deliveries d WHERE d.item_id = ANY($1::uuid[]) ORDER BY d.item_id, d.channel_account_id, d.version_no DESC`,
    [items.map((i) => i.id)],
  );
  return n;
}

/** GET operator/summary before: GROUP BY over every delivery in scope. */
export async function summaryBaseline(ds: DataSource, a: BaselineArgs): Promise<number> {
  const rows: { n: number }[] = await ds.query(
    `SELECT channel_type AS "channelType", state, count(*)::int AS n FROM deliveries WHERE organisation_id = ANY($1::uuid[]) GROUP BY 1, 2`,
    [a.orgIds],
  );
  return rows.reduce((s, r) => s + r.n, 0);
}

/** GET review/queue before: every waiting item counted (count(*) OVER ()), the first 500. */
export async function reviewBaseline(ds: DataSource, a: BaselineArgs & { sql: string; params: unknown[] }): Promise<number> {
  const rows: { total: number }[] = await ds.query(a.sql, a.params);
  return rows[0]?.total ?? 0;
}

/** GET audit-logs at the same depth by OFFSET with a count (the viewer never counted; the baseline shape). */
export async function auditBaseline(ds: DataSource, a: BaselineArgs): Promise<number> {
  const where = ['COALESCE(a.organisation_id, i.organisation_id) = ANY($1::uuid[])'];
  const params: unknown[] = [a.orgIds];
  if (a.filter.action) where.push(`a.action = $${params.push(a.filter.action)}`);
  const from = `FROM audit_logs a LEFT JOIN items i ON i.id = a.item_id`;
  const w = where.join(' AND ');
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n ${from} WHERE ${w}`, params);
  await ds.query(`SELECT a.* ${from} WHERE ${w} ORDER BY a.id DESC LIMIT ${a.pageSize} OFFSET ${(a.page - 1) * a.pageSize}`, params);
  return n;
}
