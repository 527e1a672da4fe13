import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rollup trigger, once per INSERT statement instead of once per ledger row.
 *
 * The delivery engine writes a batch of publications in one statement; the per-row trigger ran a
 * dozen or more single-row statements for each of them (an upsert of every period of every dimension
 * newly seen), which was half of Postgres' work per delivery. This version reads the statement's new
 * rows as a transition table and does the same bookkeeping set-wise: the item-year rows created and
 * locked in key order, then one statement that works out, per item, year and dimension, the months
 * newly seen, bumps each (period, dimension, organisation) rollup once by the number of items that
 * newly count there (rows upserted in key order, so concurrent writers queue instead of deadlocking),
 * and merges the masks back.
 *
 * Same rules and results as the per-row trigger (and as stats_rebuild(), which
 * test/stats/ledger-query.int-spec.ts compares it with); same locking: the item-year rows are locked
 * before they are read, so two transactions publishing one item serialise and never both count it as
 * first (under REPEATABLE READ the second fails with a serialization error instead).
 */
export class StatsRollupPerStatement1732005000000 implements MigrationInterface {
  name = 'StatsRollupPerStatement1732005000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION stats_on_publications() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stats_item_periods (item_id, organisation_id, year)
          SELECT DISTINCT item_id, organisation_id, extract(year FROM (published_at AT TIME ZONE 'Asia/Shanghai'))::int
            FROM stats_new_publications ORDER BY 1, 2, 3
          ON CONFLICT DO NOTHING;
        -- Driven from the statement's rows (a lookup by primary key each): the plan is cached for the
        -- session and must not turn into a scan of the whole table as it grows.
        PERFORM 1
           FROM (SELECT DISTINCT item_id, organisation_id, extract(year FROM (published_at AT TIME ZONE 'Asia/Shanghai'))::int AS y
                   FROM stats_new_publications ORDER BY 1, 2, 3) k
           CROSS JOIN LATERAL (
             SELECT 1 FROM stats_item_periods sp
              WHERE sp.item_id = k.item_id AND sp.organisation_id = k.organisation_id AND sp.year = k.y
              FOR UPDATE) l;
        -- A new statement: its snapshot sees every change committed to the rows just locked.
        WITH r AS (
          SELECT n.item_id, n.organisation_id AS org, extract(year FROM l.day)::int AS y,
                 1 << (extract(month FROM l.day)::int - 1) AS bit,
                 stats_dims(n.channel_type, n.channel_account_id, n.category, n.kind, n.is_normative, n.is_interpretation, n.is_response) AS ds
            FROM stats_new_publications n
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
         WHERE sp.item_id = ANY (ARRAY(SELECT item_id FROM masks)) -- by primary key, whatever the plan thinks of sizes
           AND sp.item_id = m.item_id AND sp.organisation_id = m.org AND sp.year = m.y;
        RETURN NULL;
      END $$
      -- Every table read here is read by key. The function's plans are cached for the session, made
      -- when the tables may still have been small (a new install's first burst): never a full scan.
      SET enable_seqscan = off;

      DROP TRIGGER stats_publication_rollup ON publication_records;
      CREATE TRIGGER stats_publication_rollup AFTER INSERT ON publication_records
        REFERENCING NEW TABLE AS stats_new_publications
        FOR EACH STATEMENT EXECUTE FUNCTION stats_on_publications();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER stats_publication_rollup ON publication_records;
      CREATE TRIGGER stats_publication_rollup AFTER INSERT ON publication_records
        FOR EACH ROW EXECUTE FUNCTION stats_on_publication();
      DROP FUNCTION stats_on_publications();
    `);
  }
}
