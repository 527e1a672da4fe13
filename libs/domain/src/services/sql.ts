import type { DataSource, EntityManager } from 'typeorm';

/**
 * Rows of an UPDATE/DELETE ... RETURNING. TypeORM's postgres driver returns [rows, affected] for
 * those statements and plain rows for SELECT; this hides the difference.
 */
export async function returning<T = any>(em: Pick<EntityManager, 'query'>, sql: string, params: unknown[]): Promise<T[]> {
  const r = await em.query(sql, params);
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[0];
  return r;
}

/**
 * An entity from a row that Postgres serialised as JSON (`to_json(t)`, `json_agg(t)`: column names as
 * keys), typed by TypeORM's metadata: lets one statement bring related rows along with its main row.
 */
export function entityFromJson<T extends object>(ds: Pick<DataSource, 'getMetadata'>, target: new () => T, json: Record<string, unknown>): T {
  const e = new target() as Record<string, unknown>;
  for (const c of ds.getMetadata(target).columns) {
    const v = json[c.databaseName];
    if (v === undefined) continue;
    const timestamp = c.type === 'timestamptz' || c.type === 'timestamp' || c.type === Date;
    e[c.propertyName] = v !== null && timestamp ? new Date(v as string) : v;
  }
  return e as T;
}
