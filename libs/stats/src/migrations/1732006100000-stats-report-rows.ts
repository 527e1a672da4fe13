import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rollups key on the ledger's report row and new-media flag instead of channel names (issue 14).
 *
 * Each ledger row carries `report_row` and `new_media` (migration 1732006000000), copied from its
 * channel's capabilities when it is written. The dimensions become:
 *   '*'; 'ch:<channel_type>' (per type, whatever it is); 'r:<report_row>' (the national table's
 *   channel rows — replaces 'g:other', which listed the four named channel types); 'a:<account>';
 *   'c:<主题分类>'; 'k:<kind>'; 'f:normative' | 'f:interpretation' | 'f:response';
 *   'f:response-newmedia' (a response published on a 政务新媒体 channel — replaces 'f:response-wbwx',
 *   which named Weibo and WeChat).
 * stats_dims() takes the two columns; the statement trigger and stats_rebuild() are otherwise those
 * of migration 1732005300000 (主动公开 only, set-wise, read by key). The per-row trigger function of
 * the first stats migration, unused since 1732005000000, goes with the old stats_dims(). Existing
 * rollups are recomputed from the ledger (stats_rebuild(), which blocks ledger writes while it
 * runs). Frozen reports keep the figures they stored.
 */
export class StatsReportRows1732006100000 implements MigrationInterface {
  name = 'StatsReportRows1732006100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION stats_on_publication();
      DROP FUNCTION stats_bump(uuid, text, date, text);
      DROP FUNCTION stats_dims(text, uuid, text, text, boolean, boolean, boolean);

      CREATE FUNCTION stats_dims(p_channel text, p_row text, p_new_media boolean, p_account uuid, p_category text,
                                 p_kind text, p_norm boolean, p_interp boolean, p_resp boolean)
      RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_remove(ARRAY[
          '*',
          'ch:' || p_channel,
          'r:' || p_row,
          CASE WHEN p_account IS NOT NULL THEN 'a:' || p_account::text END,
          'c:' || p_category,
          'k:' || p_kind,
          CASE WHEN p_norm THEN 'f:normative' END,
          CASE WHEN p_interp THEN 'f:interpretation' END,
          CASE WHEN p_resp THEN 'f:response' END,
          CASE WHEN p_resp AND p_new_media THEN 'f:response-newmedia' END
        ], NULL)
      $$;

      CREATE OR REPLACE FUNCTION stats_on_publications() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stats_item_periods (item_id, organisation_id, year)
          SELECT DISTINCT item_id, organisation_id, extract(year FROM (published_at AT TIME ZONE 'Asia/Shanghai'))::int
            FROM stats_new_publications WHERE disclosure_attr = '主动公开' ORDER BY 1, 2, 3
          ON CONFLICT DO NOTHING;
        PERFORM 1
           FROM (SELECT DISTINCT item_id, organisation_id, extract(year FROM (published_at AT TIME ZONE 'Asia/Shanghai'))::int AS y
                   FROM stats_new_publications WHERE disclosure_attr = '主动公开' ORDER BY 1, 2, 3) k
           CROSS JOIN LATERAL (
             SELECT 1 FROM stats_item_periods sp
              WHERE sp.item_id = k.item_id AND sp.organisation_id = k.organisation_id AND sp.year = k.y
              FOR UPDATE) l;
        WITH r AS (
          SELECT n.item_id, n.organisation_id AS org, extract(year FROM l.day)::int AS y,
                 1 << (extract(month FROM l.day)::int - 1) AS bit,
                 stats_dims(n.channel_type, n.report_row, n.new_media, n.channel_account_id, n.category, n.kind,
                            n.is_normative, n.is_interpretation, n.is_response) AS ds
            FROM stats_new_publications n
            CROSS JOIN LATERAL (SELECT (n.published_at AT TIME ZONE 'Asia/Shanghai')::date AS day) l
           WHERE n.disclosure_attr = '主动公开'),
        seen AS (
          SELECT r.item_id, r.org, r.y, d, bit_or(r.bit) AS bits FROM r CROSS JOIN LATERAL unnest(r.ds) AS d GROUP BY 1, 2, 3, 4),
        fresh AS (
          SELECT s.item_id, s.org, s.y, s.d, s.bits, o.prior, s.bits & ~o.prior AS added
            FROM seen s
            CROSS JOIN LATERAL (
              SELECT COALESCE((sp.dims ->> s.d)::int, 0) AS prior FROM stats_item_periods sp
               WHERE sp.item_id = s.item_id AND sp.organisation_id = s.org AND sp.year = s.y) o
           WHERE s.bits & ~o.prior <> 0),
        bumps AS (
          SELECT org, 'Y'::text AS grain, make_date(y, 1, 1) AS period_start, d FROM fresh WHERE prior = 0
          UNION ALL
          SELECT org, 'Q', make_date(y, qn * 3 - 2, 1), d FROM fresh CROSS JOIN generate_series(1, 4) qn
           WHERE prior & (7 << ((qn - 1) * 3)) = 0 AND added & (7 << ((qn - 1) * 3)) <> 0
          UNION ALL
          SELECT org, 'M', make_date(y, mn, 1), d FROM fresh CROSS JOIN generate_series(1, 12) mn
           WHERE added & (1 << (mn - 1)) <> 0),
        rolled AS (
          INSERT INTO stats_rollups (grain, period_start, dim, organisation_id, n)
          SELECT grain, period_start, d, org, count(*)::int FROM bumps GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
          ON CONFLICT (grain, period_start, dim, organisation_id) DO UPDATE SET n = stats_rollups.n + EXCLUDED.n),
        masks AS (SELECT item_id, org, y, jsonb_object_agg(d, prior | bits) AS patch FROM fresh GROUP BY 1, 2, 3)
        UPDATE stats_item_periods sp SET dims = sp.dims || m.patch
          FROM masks m
         WHERE sp.item_id = ANY (ARRAY(SELECT item_id FROM masks))
           AND sp.item_id = m.item_id AND sp.organisation_id = m.org AND sp.year = m.y;
        RETURN NULL;
      END $$
      SET enable_seqscan = off;

      CREATE OR REPLACE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE publication_records IN SHARE MODE;
        TRUNCATE stats_item_periods, stats_rollups;
        DROP TABLE IF EXISTS stats_rebuild_masks;
        CREATE TEMP TABLE stats_rebuild_masks ON COMMIT DROP AS
        SELECT p.item_id, p.organisation_id, extract(year FROM p.day)::int AS year, d AS dim,
               bit_or(1 << (extract(month FROM p.day)::int - 1)) AS mask
        FROM (SELECT item_id, organisation_id, (published_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                     stats_dims(channel_type, report_row, new_media, channel_account_id, category, kind,
                                is_normative, is_interpretation, is_response) AS ds
              FROM publication_records WHERE disclosure_attr = '主动公开') p
        CROSS JOIN LATERAL unnest(p.ds) AS d
        GROUP BY 1, 2, 3, 4;
        INSERT INTO stats_item_periods (item_id, organisation_id, year, dims)
        SELECT item_id, organisation_id, year, jsonb_object_agg(dim, mask)
        FROM stats_rebuild_masks GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
        INSERT INTO stats_rollups (grain, period_start, dim, organisation_id, n)
        SELECT g.grain, g.period_start, m.dim, m.organisation_id, sum(m.items)
        FROM (SELECT organisation_id, year, dim, mask, count(*) AS items FROM stats_rebuild_masks GROUP BY 1, 2, 3, 4) m
        CROSS JOIN LATERAL stats_grains(m.year, m.mask) g
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4;
        DROP TABLE stats_rebuild_masks;
      END $$;
    `);
    // The rollups of existing rows under the new dimensions (and none under the old ones).
    await q.query(`SELECT stats_rebuild()`);
  }

  async down(): Promise<void> {
    // As 1732005300000 before it: the statistics functions are not taken back (that migration cannot
    // be reverted either, and the old dimensions named channels the ledger no longer needs).
    throw new Error('StatsReportRows1732006100000 cannot be reverted');
  }
}
