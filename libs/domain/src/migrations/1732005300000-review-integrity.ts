import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, points 3 and 4.
 *
 * Four eyes: `item_contributions` records who created, changed (which fields) or submitted an item,
 * against the version the change leads to (`base_version` = the item's current_version_no when it was
 * made; the version under review is base_version + 1). Approval reads the rows of the version under
 * review with its other reads and refuses anyone among them; `review_decisions.changes` keeps, on each
 * decision, who changed what in the version it passed. Append-only like the audit log.
 *
 * 公开属性: `publication_records.disclosure_attr` is the published version's 公开属性, written by the
 * ledger writers from the frozen snapshot. The statistics count only 主动公开 rows: the rollup trigger
 * and stats_rebuild() are redefined with that filter (otherwise identical to migration
 * 1732005000000 / 1732000500000), and the raw ledger queries filter the same way. Rows written before
 * this migration take their version's attribute; the rollups are rebuilt if any of them was not
 * 主动公开.
 */
export class ReviewIntegrity1732005300000 implements MigrationInterface {
  name = 'ReviewIntegrity1732005300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item_contributions (
        id bigserial PRIMARY KEY,
        item_id uuid NOT NULL REFERENCES items(id),
        base_version int NOT NULL,
        round int,
        user_id uuid NOT NULL REFERENCES users(id),
        action text NOT NULL CHECK (action IN ('create', 'change', 'submit', 'redact')),
        fields text[] NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX item_contributions_version_idx ON item_contributions (item_id, base_version, id);
      CREATE TRIGGER item_contributions_append_only BEFORE UPDATE OR DELETE ON item_contributions
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER item_contributions_no_truncate BEFORE TRUNCATE ON item_contributions
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

      ALTER TABLE review_decisions ADD COLUMN changes jsonb;

      ALTER TABLE publication_records ADD COLUMN disclosure_attr text NOT NULL DEFAULT '主动公开';
    `);
    // Earlier rows: their version's attribute (one UPDATE, the append-only guard lifted for it alone).
    await q.query(`ALTER TABLE publication_records DISABLE TRIGGER publication_records_append_only`);
    const [{ fixed }] = await q.query(`
      WITH u AS (
        UPDATE publication_records p SET disclosure_attr = v.snapshot ->> 'disclosureAttr'
          FROM item_versions v
         WHERE v.id = p.item_version_id AND COALESCE(v.snapshot ->> 'disclosureAttr', '主动公开') <> '主动公开'
        RETURNING p.id)
      SELECT count(*)::int AS fixed FROM u`);
    await q.query(`ALTER TABLE publication_records ENABLE TRIGGER publication_records_append_only`);

    await q.query(`
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
                 stats_dims(n.channel_type, n.channel_account_id, n.category, n.kind, n.is_normative, n.is_interpretation, n.is_response) AS ds
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
                     stats_dims(channel_type, channel_account_id, category, kind,
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
    if (fixed > 0) await q.query(`SELECT stats_rebuild()`);
  }

  async down(): Promise<void> {
    // The statistics functions and the ledger column are not taken back: counting a 不予公开
    // publication again would be the defect this migration closes.
    throw new Error('ReviewIntegrity1732005300000 cannot be reverted');
  }
}
