/**
 * The ids (and sort keys) of one page of deliveries, for GET deliveries and GET operator/deliveries.
 * A scope of a few organisations (a department, a county) is read one organisation at a time from the
 * index (organisation_id, key, id) and the pieces merged: each piece stops after `limit` rows. A scope of
 * many organisations (a city, the province) is read from the index on the key alone, skipping the rows of
 * other organisations. `= ANY(scope)` alone would make Postgres either sort every delivery of the scope
 * or walk the whole installation's index for a department's page.
 */
export const PER_ORGANISATION_MAX = 64;

export interface DeliveryPageSpec {
  /** Distinct organisations in the scope ($1, a uuid[]). */
  orgCount: number;
  /** Conditions on `d` (and the joined tables) besides the scope, the keyset position included. */
  where: string[];
  /** Joins the conditions need (items i, channel_accounts a). */
  joins: string;
  /** The sort key's SQL on `d`. */
  key: string;
  /** Rows to read: offset + page + 1. */
  limit: number;
}

/** SQL answering (id, k) in page order for the spec; $1 is the scope. */
export function deliveryPageIdsSql(s: DeliveryPageSpec): string {
  const order = `ORDER BY ${s.key} DESC, d.id DESC LIMIT ${s.limit}`;
  if (s.orgCount <= PER_ORGANISATION_MAX) {
    return `SELECT p.id, p.k FROM (SELECT DISTINCT org FROM unnest($1::uuid[]) AS u(org)) s CROSS JOIN LATERAL (
              SELECT d.id, ${s.key} AS k FROM deliveries d ${s.joins} WHERE ${['d.organisation_id = s.org', ...s.where].join(' AND ')} ${order}) p
             ORDER BY p.k DESC, p.id DESC LIMIT ${s.limit}`;
  }
  return `SELECT d.id, ${s.key} AS k FROM deliveries d ${s.joins} WHERE ${['d.organisation_id = ANY($1::uuid[])', ...s.where].join(' AND ')} ${order}`;
}
