import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics tables: exact rollups of the publication ledger, kept by a trigger in the same
 * transaction as the ledger row, plus manual report entries and frozen reports.
 *
 * Why rollups can be exact: an item belongs to one organisation, so "distinct items over a subtree"
 * is the sum over the subtree's organisations of per-organisation distinct counts. For each
 * (organisation, dimension, calendar year / quarter / month) we count the items whose FIRST
 * publication in that period carries that dimension. `stats_item_periods` remembers, per item and
 * Beijing year, which months each dimension was already seen in (a 12-bit mask), so the trigger
 * knows whether a publication is the first of its period. The same SQL (`stats_dims`,
 * `stats_grains`) rebuilds everything in bulk (`stats_rebuild()`); tests prove both equal the raw
 * COUNT(DISTINCT).
 *
 * Dimensions: '*' any channel; 'ch:<channel_type>'; 'g:other' (channel types outside gazette,
 * portal, weibo, wechat — the 其他方式 row); 'a:<account id>'; 'c:<主题分类>'; 'k:<kind>';
 * 'f:normative', 'f:interpretation', 'f:response'; 'f:response-wbwx' (a response published on
 * Weibo or WeChat).
 */
export class StatsSchema1732000500000 implements MigrationInterface {
  name = 'StatsSchema1732000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_item_periods (
        item_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        year int NOT NULL,
        dims jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (item_id, organisation_id, year)
      );

      CREATE TABLE stats_rollups (
        grain text NOT NULL CHECK (grain IN ('Y','Q','M')),
        period_start date NOT NULL,
        dim text COLLATE "C" NOT NULL,
        organisation_id uuid NOT NULL,
        n int NOT NULL,
        -- Covering: a report sums n over (period, dimension, the subtree's organisations) with an
        -- index-only scan.
        PRIMARY KEY (grain, period_start, dim, organisation_id) INCLUDE (n)
      );

      -- Bulletin: last publication of an account before a date (backward index scan).
      CREATE INDEX stats_pub_account_time_idx ON publication_records (channel_account_id, published_at);
      -- Drill-down shows whether a listed publication was withdrawn later.
      CREATE INDEX stats_withdrawals_record_idx ON publication_withdrawals (publication_record_id);
      -- Report layout A/B document counts (制发 / 废止 / 现行有效) by kind and date.
      CREATE INDEX stats_items_kind_written_idx ON items (kind, written_date) INCLUDE (organisation_id);
      CREATE INDEX stats_items_kind_repealed_idx ON items (kind, repealed_date) INCLUDE (organisation_id);

      CREATE FUNCTION stats_dims(p_channel text, p_account uuid, p_category text, p_kind text,
                                 p_norm boolean, p_interp boolean, p_resp boolean)
      RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT array_remove(ARRAY[
          '*',
          'ch:' || p_channel,
          CASE WHEN p_channel NOT IN ('gazette','portal','weibo','wechat') THEN 'g:other' END,
          CASE WHEN p_account IS NOT NULL THEN 'a:' || p_account::text END,
          'c:' || p_category,
          'k:' || p_kind,
          CASE WHEN p_norm THEN 'f:normative' END,
          CASE WHEN p_interp THEN 'f:interpretation' END,
          CASE WHEN p_resp THEN 'f:response' END,
          CASE WHEN p_resp AND p_channel IN ('weibo','wechat') THEN 'f:response-wbwx' END
        ], NULL)
      $$;

      -- The periods a month mask of one year falls in: the year, each quarter and each month touched.
      CREATE FUNCTION stats_grains(p_year int, p_mask int)
      RETURNS TABLE (grain text, period_start date) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT 'Y', make_date(p_year, 1, 1)
        UNION ALL
        SELECT 'Q', make_date(p_year, qn * 3 - 2, 1) FROM generate_series(1, 4) qn
          WHERE p_mask & (7 << ((qn - 1) * 3)) <> 0
        UNION ALL
        SELECT 'M', make_date(p_year, mn, 1) FROM generate_series(1, 12) mn
          WHERE p_mask & (1 << (mn - 1)) <> 0
      $$;

      CREATE FUNCTION stats_bump(p_org uuid, p_grain text, p_start date, p_dim text) RETURNS void
      LANGUAGE sql AS $$
        INSERT INTO stats_rollups (grain, period_start, dim, organisation_id, n)
        VALUES (p_grain, p_start, p_dim, p_org, 1)
        ON CONFLICT (grain, period_start, dim, organisation_id) DO UPDATE SET n = stats_rollups.n + 1
      $$;

      -- Runs in the ledger writer's transaction. The item-year row is locked (INSERT ... ON CONFLICT,
      -- then SELECT ... FOR UPDATE), so two transactions publishing the same item serialise here and
      -- never both count it as first; under REPEATABLE READ the second fails with a serialization
      -- error instead of double counting.
      CREATE FUNCTION stats_on_publication() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        local_day date := (NEW.published_at AT TIME ZONE 'Asia/Shanghai')::date;
        y int := extract(year FROM local_day)::int;
        m int := extract(month FROM local_day)::int;
        month_bit int := 1 << (m - 1);
        quarter_bits int := 7 << (((m - 1) / 3) * 3);
        y_start date := make_date(y, 1, 1);
        q_start date := make_date(y, ((m - 1) / 3) * 3 + 1, 1);
        m_start date := make_date(y, m, 1);
        cur jsonb;
        d text;
        old int;
        changed boolean := false;
      BEGIN
        INSERT INTO stats_item_periods (item_id, organisation_id, year)
          VALUES (NEW.item_id, NEW.organisation_id, y) ON CONFLICT DO NOTHING;
        SELECT dims INTO cur FROM stats_item_periods
          WHERE item_id = NEW.item_id AND organisation_id = NEW.organisation_id AND year = y FOR UPDATE;
        FOREACH d IN ARRAY stats_dims(NEW.channel_type, NEW.channel_account_id, NEW.category, NEW.kind,
                                      NEW.is_normative, NEW.is_interpretation, NEW.is_response) LOOP
          old := COALESCE((cur ->> d)::int, 0);
          CONTINUE WHEN old & month_bit <> 0;
          cur := jsonb_set(cur, ARRAY[d], to_jsonb(old | month_bit));
          changed := true;
          IF old = 0 THEN PERFORM stats_bump(NEW.organisation_id, 'Y', y_start, d); END IF;
          IF old & quarter_bits = 0 THEN PERFORM stats_bump(NEW.organisation_id, 'Q', q_start, d); END IF;
          PERFORM stats_bump(NEW.organisation_id, 'M', m_start, d);
        END LOOP;
        IF changed THEN
          UPDATE stats_item_periods SET dims = cur
            WHERE item_id = NEW.item_id AND organisation_id = NEW.organisation_id AND year = y;
        END IF;
        RETURN NULL;
      END $$;

      CREATE TRIGGER stats_publication_rollup AFTER INSERT ON publication_records
        FOR EACH ROW EXECUTE FUNCTION stats_on_publication();

      -- Rebuilds both tables from the ledger with the same dimension and period logic as the trigger.
      -- Blocks ledger writers while it runs (SHARE lock), so nothing is missed or counted twice.
      CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE publication_records IN SHARE MODE;
        TRUNCATE stats_item_periods, stats_rollups;
        DROP TABLE IF EXISTS stats_rebuild_masks;
        -- Per item, Beijing year and dimension: the months it was published in (as the trigger's mask).
        CREATE TEMP TABLE stats_rebuild_masks ON COMMIT DROP AS
        SELECT p.item_id, p.organisation_id, extract(year FROM p.day)::int AS year, d AS dim,
               bit_or(1 << (extract(month FROM p.day)::int - 1)) AS mask
        FROM (SELECT item_id, organisation_id, (published_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                     stats_dims(channel_type, channel_account_id, category, kind,
                                is_normative, is_interpretation, is_response) AS ds
              FROM publication_records) p
        CROSS JOIN LATERAL unnest(p.ds) AS d
        GROUP BY 1, 2, 3, 4;
        INSERT INTO stats_item_periods (item_id, organisation_id, year, dims)
        SELECT item_id, organisation_id, year, jsonb_object_agg(dim, mask)
        FROM stats_rebuild_masks GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
        -- Most items share a handful of month masks: count items per mask first, then spread.
        INSERT INTO stats_rollups (grain, period_start, dim, organisation_id, n)
        SELECT g.grain, g.period_start, m.dim, m.organisation_id, sum(m.items)
        FROM (SELECT organisation_id, year, dim, mask, count(*) AS items FROM stats_rebuild_masks GROUP BY 1, 2, 3, 4) m
        CROSS JOIN LATERAL stats_grains(m.year, m.mask) g
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4;
        DROP TABLE stats_rebuild_masks;
      END $$;

      CREATE TABLE stats_manual_entries (
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        template_id text NOT NULL,
        year int NOT NULL,
        cell_id text NOT NULL,
        value numeric NOT NULL CHECK (value >= 0),
        entered_by uuid NOT NULL,
        entered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, template_id, year, cell_id)
      );

      -- Every change of a manual entry, who made it and when (never rewritten).
      CREATE TABLE stats_manual_entry_log (
        id bigserial PRIMARY KEY,
        organisation_id uuid NOT NULL,
        template_id text NOT NULL,
        year int NOT NULL,
        cell_id text NOT NULL,
        old_value numeric,
        new_value numeric,
        entered_by uuid NOT NULL,
        entered_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX stats_manual_entry_log_report_idx ON stats_manual_entry_log (organisation_id, template_id, year, id);

      CREATE TABLE stats_frozen_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        template_id text NOT NULL,
        year int NOT NULL,
        subtree boolean NOT NULL,
        period_from date NOT NULL,
        period_to date NOT NULL,
        ledger_watermark bigint NOT NULL,
        frozen_by uuid NOT NULL,
        frozen_at timestamptz NOT NULL DEFAULT now(),
        signoff jsonb NOT NULL,
        report jsonb NOT NULL,
        UNIQUE (organisation_id, template_id, year)
      );
      CREATE TRIGGER stats_frozen_reports_append_only BEFORE UPDATE OR DELETE ON stats_frozen_reports
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER stats_manual_entry_log_append_only BEFORE UPDATE OR DELETE ON stats_manual_entry_log
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER stats_publication_rollup ON publication_records;
      DROP TABLE stats_frozen_reports, stats_manual_entry_log, stats_manual_entries, stats_rollups, stats_item_periods;
      DROP FUNCTION stats_rebuild(), stats_on_publication(), stats_bump(uuid, text, date, text),
        stats_grains(int, int), stats_dims(text, uuid, text, text, boolean, boolean, boolean);
      DROP INDEX stats_pub_account_time_idx, stats_withdrawals_record_idx, stats_items_kind_written_idx, stats_items_kind_repealed_idx;
    `);
  }
}
