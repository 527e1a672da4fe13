import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TRUNCATE fires no row-level trigger, so the append-only records (audit log, ledger, frozen versions,
 * frozen reports and the manual-entry log, gazette issues and entries) could still be wiped in one
 * statement, also through TRUNCATE ... CASCADE of a table they reference. A statement-level BEFORE
 * TRUNCATE trigger on each refuses it. Together with a database role for the processes that owns no
 * table (scripts/db-roles.sql), no code the api or worker runs can remove these rows or switch the
 * triggers off.
 */
const TABLES = ['audit_logs', 'publication_records', 'item_versions', 'stats_frozen_reports', 'stats_manual_entry_log', 'gazette_issues', 'gazette_entries'];

export class RefuseTruncate1732005600000 implements MigrationInterface {
  name = 'RefuseTruncate1732005600000';

  async up(q: QueryRunner): Promise<void> {
    // refuse_change() (initial schema) raises 'table % is append-only' and works at statement level too.
    for (const t of TABLES) {
      await q.query(`CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of TABLES) await q.query(`DROP TRIGGER ${t}_no_truncate ON ${t}`);
  }
}
