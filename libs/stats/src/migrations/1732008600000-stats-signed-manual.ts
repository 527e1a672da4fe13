import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Manual entries may be negative: the 2019 format's 本年增/减 (config/reports/gov-2019.yaml, manual type
 * `signedInteger`) is a signed count. Which cells may be negative is the template's business, checked
 * when an entry is saved (report-logic.ts); the table keeps only a bound on the size.
 */
export class StatsSignedManual1732008600000 implements MigrationInterface {
  name = 'StatsSignedManual1732008600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stats_manual_entries DROP CONSTRAINT stats_manual_entries_value_check;
      ALTER TABLE stats_manual_entries ADD CONSTRAINT stats_manual_entries_value_bound CHECK (abs(value) <= 1e12);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stats_manual_entries DROP CONSTRAINT stats_manual_entries_value_bound;
      ALTER TABLE stats_manual_entries ADD CONSTRAINT stats_manual_entries_value_check CHECK (value >= 0);
    `);
  }
}
