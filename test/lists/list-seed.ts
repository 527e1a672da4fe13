import type { DataSource } from 'typeorm';

/**
 * Rows for the list suites, written straight into the suite's database: `n` items of two organisations
 * (every fifth one submitted and waiting for review, its submission record and submitted_at at its updated_at; the others published with one frozen version and a
 * delivery to each of `accountIds`, the deliveries of every seventh item failed), an audit entry per item. Timestamps
 * come in groups of three equal to the microsecond (ties the id must break), `step` microseconds apart,
 * counting down from `top`. Answers the new items' ids.
 */
export async function seedListRows(
  ds: DataSource,
  o: { n: number; orgIds: [string, string]; authorId: string; accountIds: string[]; top: string; step?: number; tag: string },
): Promise<string[]> {
  const rows: { id: string }[] = await ds.query(
    `WITH it AS (
       INSERT INTO items (organisation_id, author_id, status, title, index_no, issuing_body, current_version_no, created_at, updated_at, submitted_at)
       SELECT CASE WHEN g % 2 = 0 THEN $1::uuid ELSE $2::uuid END, $3::uuid, CASE WHEN g % 5 = 0 THEN 'submitted' ELSE 'published' END,
              '列表测试' || $4 || g, 'LT/' || $4 || '/' || g, '测试', CASE WHEN g % 5 = 0 THEN 0 ELSE 1 END, t.ts, t.ts, CASE WHEN g % 5 = 0 THEN t.ts END
         FROM generate_series(1, $5::int) g CROSS JOIN LATERAL (SELECT $6::timestamptz - (g / 3) * $7::int * interval '1 microsecond' AS ts) t
       RETURNING id, organisation_id, current_version_no, updated_at, index_no
     ), v AS (
       INSERT INTO item_versions (item_id, version_no, snapshot, created_by, created_at)
       SELECT id, 1, '{}', $3::uuid, updated_at FROM it WHERE current_version_no = 1 RETURNING id, item_id, created_at
     ), d AS (
       INSERT INTO deliveries (item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at, published_at, created_at, updated_at)
       SELECT v.item_id, v.id, 1, a.id, a.channel_type, it.organisation_id, CASE WHEN split_part(it.index_no, '/', 3)::int % 7 = 3 THEN 'failed' ELSE 'published' END,
              v.created_at, v.created_at, v.created_at, v.created_at
         FROM v JOIN it ON it.id = v.item_id CROSS JOIN (SELECT id, channel_type FROM channel_accounts WHERE id = ANY($8::uuid[])) a
       RETURNING id
     ), c AS (
       INSERT INTO item_contributions (item_id, base_version, user_id, action, at)
       SELECT id, 0, $3::uuid, 'submit', updated_at FROM it WHERE current_version_no = 0 RETURNING id
     ), al AS (
       INSERT INTO audit_logs (actor_id, action, entity_type, entity_id, item_id, organisation_id, at)
       SELECT $3::uuid, 'item.update', 'item', id::text, id, organisation_id, updated_at FROM it ORDER BY updated_at RETURNING id
     )
     SELECT id FROM it, (SELECT count(*) FROM d) dn, (SELECT count(*) FROM c) cn, (SELECT count(*) FROM al) an`,
    [o.orgIds[0], o.orgIds[1], o.authorId, o.tag, o.n, o.top, o.step ?? 7, o.accountIds],
  );
  return rows.map((r) => r.id);
}
