import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of the gazette (政府公报) and LED screen (政务大厅LED显示屏) channels; see
 * libs/channels/src/gazette/README.md and libs/channels/src/led/README.md. A published gazette issue
 * never changes: triggers refuse to alter it or its entries, whatever code runs against the database.
 */
export class GazetteLedSchema1732004100000 implements MigrationInterface {
  name = 'GazetteLedSchema1732004100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gazette_issues (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        year int NOT NULL CHECK (year BETWEEN 1949 AND 9999),
        issue_no int NOT NULL CHECK (issue_no > 0),
        total_no int NOT NULL CHECK (total_no > 0),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','compiled','published')),
        toc jsonb NOT NULL DEFAULT '{"sections":[]}',
        compiled_at timestamptz,
        compiled_by uuid REFERENCES users(id),
        published_at timestamptz,
        published_by uuid REFERENCES users(id),
        site_written_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (channel_account_id, year, issue_no),
        UNIQUE (channel_account_id, total_no),
        CHECK (status <> 'published' OR published_at IS NOT NULL)
      );
      -- One issue in preparation per gazette at a time: "compile the next issue" refreshes it.
      CREATE UNIQUE INDEX gazette_issues_one_open_idx ON gazette_issues (channel_account_id) WHERE status <> 'published';
      CREATE INDEX gazette_issues_account_idx ON gazette_issues (channel_account_id, total_no);

      CREATE TABLE gazette_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
        issue_id uuid REFERENCES gazette_issues(id),
        delivery_id uuid NOT NULL REFERENCES deliveries(id),
        item_id uuid NOT NULL REFERENCES items(id),
        item_version_id uuid NOT NULL REFERENCES item_versions(id),
        section text NOT NULL,
        position int NOT NULL DEFAULT 0,
        is_erratum boolean NOT NULL DEFAULT false,
        erratum_text text,
        corrects_issue_id uuid REFERENCES gazette_issues(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (is_erratum OR issue_id IS NOT NULL),
        CHECK (NOT is_erratum OR (erratum_text IS NOT NULL AND corrects_issue_id IS NOT NULL))
      );
      CREATE UNIQUE INDEX gazette_entries_article_idx ON gazette_entries (delivery_id) WHERE NOT is_erratum;
      CREATE UNIQUE INDEX gazette_entries_erratum_idx ON gazette_entries (delivery_id) WHERE is_erratum;
      CREATE INDEX gazette_entries_issue_idx ON gazette_entries (issue_id, position);
      CREATE INDEX gazette_entries_pending_idx ON gazette_entries (channel_account_id) WHERE issue_id IS NULL;

      -- The schedule compiles once per period per gazette, whichever worker gets there first.
      CREATE TABLE gazette_schedule_runs (
        channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
        period text NOT NULL,
        ran_at timestamptz NOT NULL DEFAULT now(),
        issue_id uuid REFERENCES gazette_issues(id),
        outcome text NOT NULL,
        PRIMARY KEY (channel_account_id, period)
      );

      CREATE FUNCTION gazette_issue_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status = 'published' THEN RAISE EXCEPTION 'gazette issue % is published and never changes', OLD.id; END IF;
          RETURN OLD;
        END IF;
        IF OLD.status = 'published' AND (NEW.status, NEW.year, NEW.issue_no, NEW.total_no, NEW.toc, NEW.published_at, NEW.channel_account_id)
             IS DISTINCT FROM (OLD.status, OLD.year, OLD.issue_no, OLD.total_no, OLD.toc, OLD.published_at, OLD.channel_account_id) THEN
          RAISE EXCEPTION 'gazette issue % is published and never changes', OLD.id;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER gazette_issues_immutable BEFORE UPDATE OR DELETE ON gazette_issues
        FOR EACH ROW EXECUTE FUNCTION gazette_issue_guard();

      CREATE FUNCTION gazette_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE','DELETE') AND OLD.issue_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM gazette_issues WHERE id = OLD.issue_id AND status = 'published') THEN
          RAISE EXCEPTION 'gazette entry % belongs to a published issue', OLD.id;
        END IF;
        IF TG_OP IN ('INSERT','UPDATE') AND NEW.issue_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM gazette_issues WHERE id = NEW.issue_id AND status = 'published') THEN
          RAISE EXCEPTION 'gazette issue % is published and never changes', NEW.issue_id;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER gazette_entries_immutable BEFORE INSERT OR UPDATE OR DELETE ON gazette_entries
        FOR EACH ROW EXECUTE FUNCTION gazette_entry_guard();

      CREATE TABLE led_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
        item_id uuid NOT NULL REFERENCES items(id),
        delivery_id uuid NOT NULL UNIQUE REFERENCES deliveries(id),
        version_no int NOT NULL,
        title text NOT NULL,
        text text NOT NULL,
        display_from timestamptz NOT NULL,
        display_to timestamptz NOT NULL,
        weekdays int[] NOT NULL DEFAULT '{1,2,3,4,5,6,7}',
        hours jsonb NOT NULL DEFAULT '[]',
        priority int NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 9),
        emergency boolean NOT NULL DEFAULT false,
        colour text,
        pages jsonb NOT NULL DEFAULT '[]',
        pages_sig text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','expired','withdrawn','superseded')),
        removed_at timestamptz,
        removed_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (display_to > display_from)
      );
      CREATE UNIQUE INDEX led_entries_active_idx ON led_entries (channel_account_id, item_id) WHERE status = 'active';
      CREATE INDEX led_entries_account_idx ON led_entries (channel_account_id, status, display_to);

      CREATE TABLE led_entry_frames (
        entry_id uuid NOT NULL REFERENCES led_entries(id) ON DELETE CASCADE,
        n int NOT NULL,
        png bytea NOT NULL,
        width int NOT NULL,
        height int NOT NULL,
        text text NOT NULL,
        PRIMARY KEY (entry_id, n)
      );

      -- Each distinct program a screen was given, numbered; pushed (Huidu) or served (pull) whole.
      CREATE TABLE led_programs (
        channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
        version int NOT NULL,
        hash text NOT NULL,
        programs jsonb NOT NULL,
        entry_ids uuid[] NOT NULL,
        frame_count int NOT NULL,
        emergency boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        pushed_at timestamptz,
        acked_at timestamptz,
        fetched_at timestamptz,
        last_error text,
        PRIMARY KEY (channel_account_id, version)
      );
      CREATE INDEX led_programs_entries_idx ON led_programs USING gin (entry_ids);

      CREATE TABLE led_screen_status (
        channel_account_id uuid PRIMARY KEY REFERENCES channel_accounts(id),
        last_push_at timestamptz,
        last_push_version int,
        last_fetch_at timestamptz,
        last_fetch_version int,
        fetch_count bigint NOT NULL DEFAULT 0,
        last_error text,
        last_error_at timestamptz
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE led_screen_status, led_programs, led_entry_frames, led_entries, gazette_schedule_runs, gazette_entries, gazette_issues CASCADE;
      DROP FUNCTION gazette_entry_guard();
      DROP FUNCTION gazette_issue_guard();
    `);
  }
}
