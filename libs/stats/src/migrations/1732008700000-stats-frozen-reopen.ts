import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reopening a frozen report (退回重填, issue 16 point 4): the level above returns a bundle and the sender
 * must be able to correct it and sign it off again. A frozen report is never deleted nor rewritten: it
 * is retired once — `reopened_at`, `reopened_by`, `reopen_reason` set from NULL, every other column as it
 * was — and stays readable as history. Only one current (not reopened) report per variant: the unique
 * key becomes a partial index over the current rows.
 *
 * DELETE stays refused by refuse_change(); UPDATE goes through stats_frozen_report_retire(), which lets
 * exactly that one change through and refuses everything else with the same 'append-only' message.
 */
export class StatsFrozenReopen1732008700000 implements MigrationInterface {
  name = 'StatsFrozenReopen1732008700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stats_frozen_reports
        ADD COLUMN reopened_at timestamptz,
        ADD COLUMN reopened_by uuid,
        ADD COLUMN reopen_reason text,
        ADD CONSTRAINT stats_frozen_reports_reopen_complete CHECK (
          (reopened_at IS NULL AND reopened_by IS NULL AND reopen_reason IS NULL)
          OR (reopened_at IS NOT NULL AND reopened_by IS NOT NULL AND char_length(reopen_reason) BETWEEN 2 AND 500));
      ALTER TABLE stats_frozen_reports DROP CONSTRAINT stats_frozen_reports_variant_key;
      CREATE UNIQUE INDEX stats_frozen_reports_current_key ON stats_frozen_reports (organisation_id, template_id, year, subtree)
        WHERE reopened_at IS NULL;

      CREATE FUNCTION stats_frozen_report_retire() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.reopened_at IS NULL AND NEW.reopened_at IS NOT NULL
           AND (to_jsonb(NEW) - 'reopened_at' - 'reopened_by' - 'reopen_reason') = (to_jsonb(OLD) - 'reopened_at' - 'reopened_by' - 'reopen_reason') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
      END $$;
      DROP TRIGGER stats_frozen_reports_append_only ON stats_frozen_reports;
      CREATE TRIGGER stats_frozen_reports_append_only BEFORE DELETE ON stats_frozen_reports
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER stats_frozen_reports_retire_only BEFORE UPDATE ON stats_frozen_reports
        FOR EACH ROW EXECUTE FUNCTION stats_frozen_report_retire();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // Refuses (unique violation) when a variant was frozen again after a reopen: history cannot fold back.
    await q.query(`
      DROP TRIGGER stats_frozen_reports_retire_only ON stats_frozen_reports;
      DROP TRIGGER stats_frozen_reports_append_only ON stats_frozen_reports;
      CREATE TRIGGER stats_frozen_reports_append_only BEFORE UPDATE OR DELETE ON stats_frozen_reports
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      DROP FUNCTION stats_frozen_report_retire();
      DROP INDEX stats_frozen_reports_current_key;
      ALTER TABLE stats_frozen_reports ADD CONSTRAINT stats_frozen_reports_variant_key UNIQUE (organisation_id, template_id, year, subtree);
      ALTER TABLE stats_frozen_reports DROP CONSTRAINT stats_frozen_reports_reopen_complete,
        DROP COLUMN reopen_reason, DROP COLUMN reopened_by, DROP COLUMN reopened_at;
    `);
  }
}
