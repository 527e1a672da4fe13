import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { DeliveryState } from '@app/domain/enums/domain-enums';
import { assertDeliveryTransitions } from '@app/domain/state/delivery-state-machine';
import { beijingDate } from '@app/domain/time/beijing-date';
import { clip, EVENT_COLUMNS, eventValues, PendingEvent, V_COLUMNS } from './delivery-events.sql';

/**
 * The publication statements: the delivery published, its ledger row, the item published (and its
 * 发布日期 set on its first publication), the events — all or nothing, exactly once, in one statement
 * of data-modifying CTEs (atomic like a transaction, one round trip instead of six). These are the
 * only statements that insert into publication_records besides ledger-writer.ts (rows without a
 * delivery, for fixtures); test/engine/engine-sql.int-spec.ts keeps the three identical.
 */

/** What a channel's ledger rows carry from its adapter's capabilities (`reportRow`, `newMedia`). */
export interface LedgerTags {
  reportRow: string;
  newMedia: boolean;
}

/** `'a','b'` for a statement text: the states come from the transition table, never from input. */
export const sqlStates = (states: readonly DeliveryState[]) => states.map((s) => `'${s}'`).join(',');

/**
 * A worker's own step publishes from `processing` (→ published) or, when the item's withdrawal turned the
 * delivery `withdrawing` meanwhile, records the publication and stays `withdrawing` (the withdraw job takes it back).
 */
export const TOKEN_PUBLISH_FROM = [...assertDeliveryTransitions(['processing'], 'published'), ...assertDeliveryTransitions(['withdrawing'], 'withdrawing')];

export interface MarkPublishedInput extends LedgerTags {
  deliveryId: string;
  itemVersionId: string;
  channelType: string;
  channelAccountId: string;
  snapshot: ItemSnapshot;
  externalId: string;
  externalUrl: string | null;
  publishedAt: Date;
  /** The claim's lease token (a worker's step), or the states it may come from (callbacks, operators, an issue). */
  guard: { token: string } | { fromStates: DeliveryState[] };
  attemptsDelta?: number;
  manual?: boolean;
  actorId?: string | null;
  events?: PendingEvent[];
  /** What the state event says (default: the external URL or id). */
  stateResponse?: string;
}

const kindFlags = (s: ItemSnapshot) => [s.kind === 'normative', s.kind === 'interpretation', s.kind === 'response'];

export function markPublishedStatement(o: MarkPublishedInput): { name: string; text: string; params: unknown[] } {
  const s = o.snapshot;
  const byToken = 'token' in o.guard;
  const from = 'token' in o.guard ? null : assertDeliveryTransitions(o.guard.fromStates, 'published');
  const params: unknown[] = [
    o.deliveryId,
    o.externalId,
    o.externalUrl,
    o.publishedAt,
    'token' in o.guard ? o.guard.token : from,
    o.attemptsDelta ?? 0,
    s.itemId,
    o.itemVersionId,
    s.versionNo,
    s.organisationId,
    o.channelType,
    o.channelAccountId,
    s.kind,
    s.category,
    ...kindFlags(s),
    o.manual ?? false,
    beijingDate(o.publishedAt),
    clip(o.stateResponse ?? o.externalUrl ?? o.externalId),
    o.actorId ?? null,
    s.disclosureAttr ?? '主动公开',
    o.reportRow,
    o.newMedia,
  ];
  const events = o.events ?? [];
  const values = events.length ? eventValues(events, params) : '';
  const guard = byToken ? `n.lease_token = $5::uuid AND n.state IN (${sqlStates(TOKEN_PUBLISH_FROM)})` : `n.state = ANY($5::text[])`;
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
               channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response, external_url, manual, disclosure_attr,
               report_row, new_media)
        SELECT u.id, $7::uuid, $8::uuid, $9::int, $10::uuid, $11::text, $12::uuid, $4::timestamptz, $13::text, $14::text,
               $15::boolean, $16::boolean, $17::boolean, $3::text, $18::boolean, $22::text, $23::text, $24::boolean FROM u
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
  return { name: `mp_${byToken ? 't' : 's'}_${events.length}`, text, params };
}

/** One worker step's publication, for the batched statement (token-guarded). */
export interface PublishRow extends LedgerTags {
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

// Rows are locked in delivery id order and the ledger rows inserted in item order, so concurrent
// batches queue rather than deadlock as far as possible (see the repository's publishMany).
export const PUBLISH_MANY_SQL = `
  WITH x AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::int[], $7::uuid[], $8::uuid[], $9::int[],
                         $10::uuid[], $11::text[], $12::uuid[], $13::text[], $14::text[], $15::boolean[], $16::boolean[], $17::boolean[],
                         $18::date[], $19::text[], $30::text[], $31::text[], $32::boolean[])
      AS x(id, token, external_id, external_url, published_at, attempts_delta, item_id, version_id, version_no, org_id, channel_type,
           account_id, kind, category, is_norm, is_interp, is_resp, bdate, response, disclosure_attr, report_row, new_media)),
  o AS (
    SELECT d.id, d.state AS prev, d.lease_token = x.token AND d.state IN (${sqlStates(TOKEN_PUBLISH_FROM)}) AS held
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
           channel_account_id, published_at, kind, category, is_normative, is_interpretation, is_response, external_url, manual, disclosure_attr,
           report_row, new_media)
    SELECT x.id, x.item_id, x.version_id, x.version_no, x.org_id, x.channel_type, x.account_id, x.published_at, x.kind, x.category,
           x.is_norm, x.is_interp, x.is_resp, x.external_url, false, x.disclosure_attr, x.report_row, x.new_media
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

export function publishManyParams(rows: PublishRow[]): unknown[] {
  const col = <T>(f: (r: PublishRow) => T) => rows.map(f);
  const evs = rows.flatMap((r) => r.events.map((e, i) => ({ id: r.deliveryId, e, i })));
  return [
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
    evs.map((x) => clip(x.e.response)),
    evs.map((x) => x.e.errorCode ?? null),
    evs.map((x) => clip(x.e.message)),
    evs.map((x) => (x.e.durationMs == null ? null : Math.round(x.e.durationMs))),
    evs.map((x) => x.i),
    col((r) => r.snapshot.disclosureAttr ?? '主动公开'),
    col((r) => r.reportRow),
    col((r) => r.newMedia),
  ];
}
