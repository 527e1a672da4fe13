import type { DataSource, EntityManager } from 'typeorm';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import { returning } from '@app/domain/services/sql';
import { beijingDate } from '@app/domain/time/beijing-date';

/**
 * The delivery engine's hot-path SQL. Each step of a delivery is one claim statement and one outcome
 * statement: the outcome (state change, the ledger row, the item's status, the event rows) is a single
 * statement of data-modifying CTEs, atomic like a transaction but one round trip instead of six.
 * Statements run as named prepared statements on the pool TypeORM already holds, so Postgres parses
 * and plans them once per connection.
 *
 * The ledger row written here must equal what libs/domain/src/services/ledger-writer.ts
 * (recordPublication) writes; test/engine/engine-sql.int-spec.ts compares the two column by column.
 */

/** One delivery_events row before it is written. */
export interface PendingEvent {
  kind: string;
  fromState?: string | null;
  toState?: string | null;
  call?: string | null;
  response?: string | null;
  errorCode?: string | null;
  message?: string | null;
  durationMs?: number | null;
  actorId?: string | null;
}

const EVENT_COLUMNS = 'delivery_id, kind, from_state, to_state, call, response, error_code, message, duration_ms, actor_id';

/** `(VALUES ...)` rows for events, appending their parameters to `params`. */
function eventValues(events: PendingEvent[], params: unknown[]): string {
  return events
    .map((e) => {
      const vals = [
        e.kind,
        e.fromState ?? null,
        e.toState ?? null,
        e.call ?? null,
        e.response == null ? null : String(e.response).slice(0, 4000),
        e.errorCode ?? null,
        e.message == null ? null : String(e.message).slice(0, 4000),
        e.durationMs == null ? null : Math.round(e.durationMs),
        e.actorId ?? null,
      ];
      const casts = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'int', 'uuid'];
      return `(${vals
        .map((v, i) => {
          params.push(v);
          return `$${params.length}::${casts[i]}`;
        })
        .join(', ')})`;
    })
    .join(', ');
}

const V_COLUMNS = 'v(kind, from_state, to_state, call, response, error_code, message, duration_ms, actor_id)';

export class EngineSql {
  constructor(private readonly ds: DataSource) {}

  /** A named prepared statement on TypeORM's pg pool (falls back to a plain query without one). */
  async q<T = any>(name: string, text: string, values: unknown[], em?: Pick<EntityManager, 'query'>): Promise<T[]> {
    if (em) return returning<T>(em, text, values);
    const pool = (this.ds.driver as any).master;
    if (!pool?.query) return returning<T>(this.ds, text, values);
    const r = await pool.query({ name, text, values });
    return r.rows as T[];
  }

  /** Appends event rows (one statement for any number). */
  async insertEvents(deliveryId: string, events: PendingEvent[], em?: Pick<EntityManager, 'query'>): Promise<void> {
    if (!events.length) return;
    const params: unknown[] = [deliveryId];
    const values = eventValues(events, params);
    await this.q(`ev${events.length}`, `INSERT INTO delivery_events (${EVENT_COLUMNS}) SELECT $1::uuid, v.* FROM (VALUES ${values}) ${V_COLUMNS}`, params, em);
  }

  /**
   * The delivery published, its ledger row, the item published (and its 发布日期 set on its first
   * publication), the events — all or nothing, exactly once. Guarded either by the claim's lease
   * token (a worker's own step; a delivery turned `withdrawing` meanwhile records the publication and
   * stays withdrawing) or by the states it may come from (callbacks, operators).
   * Returns the previous state, or null when the guard did not hold (nothing was written).
   */
  async markPublished(
    o: {
      deliveryId: string;
      itemVersionId: string;
      channelType: string;
      channelAccountId: string;
      snapshot: ItemSnapshot;
      externalId: string;
      externalUrl: string | null;
      publishedAt: Date;
      guard: { token: string } | { fromStates: DeliveryState[] };
      attemptsDelta?: number;
      manual?: boolean;
      actorId?: string | null;
      events?: PendingEvent[];
    },
    em?: Pick<EntityManager, 'query'>,
  ): Promise<{ prev: DeliveryState; state: DeliveryState } | null> {
    const s = o.snapshot;
    const byToken = 'token' in o.guard;
    const params: unknown[] = [
      o.deliveryId,
      o.externalId,
      o.externalUrl,
      o.publishedAt,
      'token' in o.guard ? o.guard.token : o.guard.fromStates,
      o.attemptsDelta ?? 0,
      s.itemId,
      o.itemVersionId,
      s.versionNo,
      s.organisationId,
      o.channelType,
      o.channelAccountId,
      s.kind,
      s.category,
      s.kind === 'normative',
      s.kind === 'interpretation',
      s.kind === 'response',
      o.manual ?? false,
      beijingDate(o.publishedAt),
      o.externalUrl ?? o.externalId,
      o.actorId ?? null,
      s.disclosureAttr ?? '主动公开',
    ];
    const events = o.events ?? [];
    const values = events.length ? eventValues(events, params) : '';
    const guard = byToken ? `n.lease_token = $5::uuid AND n.state IN ('processing','withdrawing')` : `n.state = ANY($5::text[])`;
    const text = `
      WITH o AS (SELECT id, state AS prev FROM deliveries WHERE id = $1::uuid FOR UPDATE),
      u AS (
        UPDATE deliveries n SET state = CASE WHEN n.state = 'withdrawing' THEN 'withdrawing' ELSE 'published' END,
               external_id = $2::text, external_url = $3::text, published_at = $4::timestamptz, lease_until = NULL, lease_token = NULL,
               next_attempt_at = NULL, last_error_code = NULL, last_error_message = NULL, updated_at = now(),
               attempts = GREATEST(0, n.attempts + $6::int)
          FROM o WHERE n.id = o.id AND ${guard}
        RETURNING n.id, n.state, o.prev),
      l AS (
        INSERT INTO publication_records (delivery_id, item_id, item_version_id, version_no, organisation_id, channel_type,
               channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response, external_url, manual, disclosure_attr)
        SELECT u.id, $7::uuid, $8::uuid, $9::int, $10::uuid, $11::text, $12::uuid, $4::timestamptz, $13::text, $14::text,
               $15::boolean, $16::boolean, $17::boolean, $3::text, $18::boolean, $22::text FROM u
        RETURNING id),
      i AS (
        UPDATE items SET status = 'published', publish_date = COALESCE(publish_date, $19::date), row_version = row_version + 1, updated_at = now()
         WHERE id = $7::uuid AND EXISTS (SELECT 1 FROM u) AND (status = 'approved' OR (status = 'published' AND publish_date IS NULL))
        RETURNING id),
      e AS (
        INSERT INTO delivery_events (${EVENT_COLUMNS})
        ${events.length ? `SELECT u.id, v.* FROM u, (VALUES ${values}) ${V_COLUMNS} UNION ALL` : ''}
        SELECT u.id, 'state', u.prev, 'published', NULL, $20::text, NULL, NULL, NULL, $21::uuid FROM u)
      SELECT u.state, u.prev, (SELECT count(*) FROM l)::int AS ledger, (SELECT count(*) FROM i)::int AS item FROM u`;
    const rows = await this.q<{ state: DeliveryState; prev: DeliveryState }>(`mp_${byToken ? 't' : 's'}_${events.length}`, text, params, em);
    return rows[0] ?? null;
  }

  /**
   * Leaves `processing` for `to` while the claim's lease token still holds, with the step's events.
   * Returns false (and writes nothing) when the lease was lost or the delivery changed meanwhile.
   */
  async transition(
    o: {
      deliveryId: string;
      token: string;
      to: DeliveryState;
      nextAttemptAt: Date | null;
      externalId: string | null;
      error: [string, string] | null;
      attemptsDelta: number;
      checkpoint: Record<string, unknown>;
      events: PendingEvent[];
    },
    em?: Pick<EntityManager, 'query'>,
  ): Promise<boolean> {
    const params: unknown[] = [
      o.deliveryId,
      o.to,
      o.nextAttemptAt,
      o.externalId,
      o.error?.[0] ?? null,
      o.error?.[1] ?? null,
      o.attemptsDelta,
      JSON.stringify(o.checkpoint),
      o.token,
    ];
    const values = o.events.length ? eventValues(o.events, params) : '';
    const text = `
      WITH u AS (
        UPDATE deliveries SET state = $2::text, lease_until = NULL, lease_token = NULL, next_attempt_at = $3::timestamptz,
               external_id = COALESCE($4::text, external_id), last_error_code = COALESCE($5::text, last_error_code),
               last_error_message = COALESCE($6::text, last_error_message), attempts = GREATEST(0, attempts + $7::int),
               checkpoint = checkpoint || $8::jsonb, updated_at = now()
         WHERE id = $1::uuid AND lease_token = $9::uuid AND state = 'processing' RETURNING id)
      ${o.events.length ? `, e AS (INSERT INTO delivery_events (${EVENT_COLUMNS}) SELECT u.id, v.* FROM u, (VALUES ${values}) ${V_COLUMNS})` : ''}
      SELECT count(*)::int AS n FROM u`;
    const rows = await this.q<{ n: number }>(`tr_${o.events.length}`, text, params, em);
    return rows[0]?.n === 1;
  }
}

/** A checkpoint patch merged into the delivery, with the events logged so far, in one statement. */
export async function saveCheckpointSql(sql: EngineSql, deliveryId: string, patch: Record<string, unknown>, events: PendingEvent[]): Promise<void> {
  const params: unknown[] = [deliveryId, JSON.stringify(patch)];
  const values = events.length ? eventValues(events, params) : '';
  await sql.q(
    `cp_${events.length}`,
    `WITH u AS (UPDATE deliveries SET checkpoint = checkpoint || $2::jsonb, updated_at = now() WHERE id = $1::uuid RETURNING id)
     ${events.length ? `INSERT INTO delivery_events (${EVENT_COLUMNS}) SELECT u.id, v.* FROM u, (VALUES ${values}) ${V_COLUMNS}` : 'SELECT id FROM u'}`,
    params,
  );
}

/** One worker step's publication, for the batched statement (token-guarded). */
export interface PublishRow {
  deliveryId: string;
  token: string;
  itemVersionId: string;
  channelType: string;
  channelAccountId: string;
  snapshot: ItemSnapshot;
  externalId: string;
  externalUrl: string | null;
  publishedAt: Date;
  attemptsDelta: number;
  events: PendingEvent[];
}

// Shape of the hot statements: the rows are found and locked by primary key alone (a CTE whose only
// condition is `id = ANY(...)`), what decides whether a row may be written is computed there as a
// column, and the UPDATE joins back by id. Conditions on the updated table itself (state, account,
// lease) would let the planner pick another index; on a young database, whose tables were never
// analysed, it did, and read thousands of rows for each handful claimed.
const CLAIM_SQL = `
  WITH p AS (
    SELECT d.id, d.state AS prev_state,
           ((d.state = ANY($3::text[]) AND d.due_at <= now() AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now()))
             OR (d.state = 'processing' AND d.lease_until < now()))
           AND EXISTS (SELECT 1 FROM channel_accounts a WHERE a.id = d.channel_account_id AND a.enabled AND a.status = 'active') AS due
      FROM deliveries d WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE OF d),
  c AS (
    UPDATE deliveries d
       SET state = 'processing', lease_until = now() + make_interval(secs => $2::int), lease_token = gen_random_uuid(),
           attempts = d.attempts + 1, updated_at = now()
      FROM p
     WHERE d.id = p.id AND p.due
    RETURNING d.*, p.prev_state)
  SELECT c.*, CASE WHEN NOT (c.item_version_id = ANY($4::uuid[]))
                    AND row_number() OVER (PARTITION BY c.item_version_id ORDER BY c.id) = 1 THEN v.snapshot END AS version_snapshot
    FROM c JOIN item_versions v ON v.id = c.item_version_id`;

/**
 * Claims the due ones among `ids` in one statement (rows locked in id order); returns the claimed
 * rows. The first row of each version carries the version's snapshot (`version_snapshot`) unless it is
 * among `knownVersions` (the caller has it cached), so a claim needs no second round trip for it.
 */
export async function claimMany(sql: EngineSql, ids: string[], leaseSeconds: number, claimable: DeliveryState[], knownVersions: string[] = []): Promise<any[]> {
  return sql.q('claim_many', CLAIM_SQL, [[...new Set(ids)].sort(), leaseSeconds, claimable, knownVersions]);
}

const PUBLISH_MANY_SQL = `
  WITH x AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::uuid[], $8::uuid[], $9::int[],
                         $10::uuid[], $11::text[], $12::uuid[], $13::text[], $14::text[], $15::boolean[], $16::boolean[], $17::boolean[],
                         $18::date[], $19::text[], $30::text[])
      AS x(id, token, external_id, external_url, published_at, attempts_delta, item_id, version_id, version_no, org_id, channel_type,
           account_id, kind, category, is_norm, is_interp, is_resp, bdate, response, disclosure_attr)),
  o AS (
    SELECT d.id, d.state AS prev, d.lease_token = x.token AND d.state IN ('processing','withdrawing') AS held
      FROM deliveries d JOIN x ON x.id = d.id WHERE d.id = ANY($1::uuid[]) ORDER BY d.id FOR UPDATE OF d),
  u AS (
    UPDATE deliveries n SET state = CASE WHEN n.state = 'withdrawing' THEN 'withdrawing' ELSE 'published' END,
           external_id = x.external_id, external_url = x.external_url, published_at = x.published_at, lease_until = NULL, lease_token = NULL,
           next_attempt_at = NULL, last_error_code = NULL, last_error_message = NULL, updated_at = now(),
           attempts = GREATEST(0, n.attempts + x.attempts_delta)
      FROM o, x WHERE n.id = o.id AND o.held AND x.id = o.id
    RETURNING n.id, n.state, o.prev),
  l AS (
    INSERT INTO publication_records (delivery_id, item_id, item_version_id, version_no, organisation_id, channel_type,
           channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response, external_url, manual, disclosure_attr)
    SELECT x.id, x.item_id, x.version_id, x.version_no, x.org_id, x.channel_type, x.account_id, x.published_at, x.kind, x.category,
           x.is_norm, x.is_interp, x.is_resp, x.external_url, false, x.disclosure_attr
      FROM x JOIN u ON u.id = x.id ORDER BY x.item_id, x.id
    RETURNING id),
  ik AS (
    -- the items to mark published, locked in id order first (another statement may be doing the same)
    SELECT it.id FROM items it
     WHERE it.id = ANY($7::uuid[]) AND (it.status = 'approved' OR (it.status = 'published' AND it.publish_date IS NULL))
     ORDER BY it.id FOR NO KEY UPDATE OF it),
  i AS (
    UPDATE items it SET status = 'published', publish_date = COALESCE(it.publish_date, v.bdate), row_version = it.row_version + 1, updated_at = now()
      FROM (SELECT DISTINCT ON (x.item_id) x.item_id, x.bdate FROM x JOIN u ON u.id = x.id ORDER BY x.item_id, x.published_at) v, ik
     WHERE ik.id = v.item_id AND it.id = ik.id AND (it.status = 'approved' OR (it.status = 'published' AND it.publish_date IS NULL))
    RETURNING it.id),
  ev AS (
    SELECT * FROM unnest($20::uuid[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::int[], $29::int[])
      AS ev(delivery_id, kind, from_state, to_state, call, response, error_code, message, duration_ms, ord)),
  e AS (
    INSERT INTO delivery_events (${EVENT_COLUMNS})
    SELECT z.delivery_id, z.kind, z.from_state, z.to_state, z.call, z.response, z.error_code, z.message, z.duration_ms, NULL::uuid
      FROM (SELECT ev.* FROM ev JOIN u ON u.id = ev.delivery_id
            UNION ALL
            SELECT u.id, 'state', u.prev, 'published', NULL, x.response, NULL, NULL, NULL, 2147483647 FROM u JOIN x ON x.id = u.id) z
     ORDER BY z.delivery_id, z.ord)
  SELECT u.id, u.state, u.prev, (SELECT count(*) FROM l)::int AS ledger, (SELECT count(*) FROM i)::int AS items FROM u`;

/**
 * Several workers' publications in one statement: per row exactly what markPublished does with a
 * token guard. Rows are locked in delivery id order and the ledger rows inserted in item order, so
 * concurrent batches queue rather than deadlock as far as possible; the caller retries rows one by one
 * if the statement fails anyway. Returns the ids it recorded.
 */
export async function publishMany(sql: EngineSql, rows: PublishRow[]): Promise<Set<string>> {
  const col = <T>(f: (r: PublishRow) => T) => rows.map(f);
  const evs = rows.flatMap((r) => r.events.map((e, i) => ({ id: r.deliveryId, e, i })));
  const params: unknown[] = [
    col((r) => r.deliveryId),
    col((r) => r.token),
    col((r) => r.externalId),
    col((r) => r.externalUrl),
    col((r) => r.publishedAt),
    col((r) => r.attemptsDelta),
    col((r) => r.snapshot.itemId),
    col((r) => r.itemVersionId),
    col((r) => r.snapshot.versionNo),
    col((r) => r.snapshot.organisationId),
    col((r) => r.channelType),
    col((r) => r.channelAccountId),
    col((r) => r.snapshot.kind),
    col((r) => r.snapshot.category),
    col((r) => r.snapshot.kind === 'normative'),
    col((r) => r.snapshot.kind === 'interpretation'),
    col((r) => r.snapshot.kind === 'response'),
    col((r) => beijingDate(r.publishedAt)),
    col((r) => r.externalUrl ?? r.externalId),
    evs.map((x) => x.id),
    evs.map((x) => x.e.kind),
    evs.map((x) => x.e.fromState ?? null),
    evs.map((x) => x.e.toState ?? null),
    evs.map((x) => x.e.call ?? null),
    evs.map((x) => (x.e.response == null ? null : String(x.e.response).slice(0, 4000))),
    evs.map((x) => x.e.errorCode ?? null),
    evs.map((x) => (x.e.message == null ? null : String(x.e.message).slice(0, 4000))),
    evs.map((x) => (x.e.durationMs == null ? null : Math.round(x.e.durationMs))),
    evs.map((x) => x.i),
    col((r) => r.snapshot.disclosureAttr ?? '主动公开'),
  ];
  const out = await sql.q<{ id: string }>('publish_many', PUBLISH_MANY_SQL, params);
  return new Set(out.map((r) => r.id));
}
