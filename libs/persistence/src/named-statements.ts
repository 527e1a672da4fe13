import type { DataSource } from 'typeorm';
import { returning } from '@app/domain/services/sql';

type NamedPool = { query: (q: { name: string; text: string; values: unknown[] }) => Promise<{ rows: any[] }>; end: () => Promise<void> };
const pools = new WeakMap<DataSource, NamedPool>();

/** Connections of a DataSource's named-statement pool, beside TypeORM's `DB_POOL_MAX`. */
export const NAMED_POOL_MAX = 4;

/**
 * A hot statement outside any transaction, as a named prepared statement planned once per session.
 *
 * The statements run on a small pool of their own beside TypeORM's (one per DataSource, at most
 * NAMED_POOL_MAX connections, closed with the DataSource) whose sessions keep one generic plan per
 * statement (`plan_cache_mode = force_generic_plan`). TypeORM's pool plans every query with its values
 * and plans its sessions' kept statements again at each run (data-source.ts), so a statement run there,
 * with its triggers' statements and foreign-key checks, is planned at every call: 1.5–2 ms for the engine's publication statement, 0.7 ms for its
 * claim, 1.5 ms for a review decision's read. The generic plans are made with `enable_seqscan = off`,
 * so a plan made while the tables were young (a scan was cheapest then) is an index plan that still fits
 * them grown: only statements that find their rows by key belong here.
 * test/engine/engine-sql.int-spec.ts checks both pools' settings.
 *
 * Without a pg pool under the DataSource (another driver), a plain query.
 */
export async function namedQuery<T = any>(ds: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = namedPool(ds);
  if (!pool) return returning<T>(ds, text, values);
  const r = await pool.query({ name, text, values });
  return r.rows as T[];
}

function namedPool(ds: DataSource): NamedPool | null {
  const known = pools.get(ds);
  if (known) return known;
  const master = (ds.driver as any).master;
  if (!master?.query || !master.options) return null;
  const PgPool = master.constructor;
  const o = master.options;
  const pool: NamedPool & { on(e: string, f: () => void): void } = new PgPool({
    ...o,
    max: Math.max(2, Math.min(NAMED_POOL_MAX, o.max ?? 10)),
    options: [o.options, '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off'].filter(Boolean).join(' '),
    allowExitOnIdle: true,
  });
  pool.on('error', () => undefined); // an idle connection lost: the next query opens another
  // closed with the DataSource
  const d = ds as any;
  const destroy = d.destroy.bind(d);
  d.destroy = async () => {
    pools.delete(ds);
    await pool.end().catch(() => undefined);
    return destroy();
  };
  pools.set(ds, pool);
  return pool;
}
