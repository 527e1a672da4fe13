import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's statement trigger costs the same whatever the statement inserts (issue 17): its three
 * statements read the transition table, and PL/pgSQL plans a statement that reads a transition table
 * again at every call — about 3 ms a statement on this machine, more than the rows themselves cost, and
 * paid once per worker batch, so smaller batches (two worker processes each batching half the work)
 * paid it twice as often.
 *
 * The work moves into stats_rollup_publications(p publication_records[]), which reads the new rows
 * from its argument: its plans are cached for the session, and `plan_cache_mode = force_generic_plan`
 * keeps one plan instead of re-planning for each array (Postgres prefers a custom plan for an array
 * parameter of unknown length). The trigger hands it the statement's 主动公开 rows. What is counted, the
 * locks taken and their order (item-years, then rollups sorted) are as in migration 1732006100000.
 */
export class StatsRollupCachedPlans1732009600000 implements MigrationInterface {
  name = 'StatsRollupCachedPlans1732009600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION stats_rollup_publications(p publication_records[]) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stats_item_periods (item_id, organisation_id, year)
          SELECT DISTINCT item_id, organisation_id, extract(year FROM (published_at AT TIME ZONE 'Asia/Shanghai'))::int
            FROM unnest(p) ORDER BY 1, 2, 3
          ON CONFLICT DO NOTHING;
        PERFORM 1
           FROM (SELECT DISTINCT item_id, organisation_id, extract(year FROM (published_at AT TIME ZONE 'Asia/Shanghai'))::int AS y
                   FROM unnest(p) ORDER BY 1, 2, 3) k
           CROSS JOIN LATERAL (
             SELECT 1 FROM stats_item_periods sp
              WHERE sp.item_id = k.item_id AND sp.organisation_id = k.organisation_id AND sp.year = k.y
              FOR UPDATE) l;
        WITH r AS (
          SELECT n.item_id, n.organisation_id AS org, extract(year FROM l.day)::int AS y,
                 1 << (extract(month FROM l.day)::int - 1) AS bit,
                 stats_dims(n.channel_type, n.report_row, n.new_media, n.channel_account_id, n.category, n.kind,
                            n.is_normative, n.is_interpretation, n.is_response) AS ds
            FROM unnest(p) n
            CROSS JOIN LATERAL (SELECT (n.published_at AT TIME ZONE 'Asia/Shanghai')::date AS day) l),
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
      END $$
      SET enable_seqscan = off SET plan_cache_mode = force_generic_plan;

      CREATE OR REPLACE FUNCTION stats_on_publications() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        p publication_records[] := ARRAY(SELECT n FROM stats_new_publications n WHERE n.disclosure_attr = '主动公开');
      BEGIN
        IF cardinality(p) > 0 THEN PERFORM stats_rollup_publications(p); END IF;
        RETURN NULL;
      END $$;
      ALTER FUNCTION stats_on_publications() RESET ALL;
    `);
  }

  async down(): Promise<void> {
    // The trigger function's previous body is migration 1732006100000's (it re-plans at every call);
    // nothing here changes what is counted, so there is nothing to take back.
    throw new Error('StatsRollupCachedPlans1732009600000 cannot be reverted');
  }
}
