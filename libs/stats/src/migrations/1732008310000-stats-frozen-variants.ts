import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Frozen reports, issue 16 point 5:
 * - an organisation's report with its subtree and its own-only report are two reports: each can be
 *   frozen once (the key gains `subtree`);
 * - `doc_members` keeps, per document cell (本年制发 / 本年废止 / 现行有效), the items counted at the
 *   freeze, so the frozen report's drill-down lists exactly them (ledger cells have the watermark).
 *   NULL for reports frozen before this migration.
 * The append-only trigger stays; this changes no stored row.
 */
export class StatsFrozenVariants1732008310000 implements MigrationInterface {
  name = 'StatsFrozenVariants1732008310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stats_frozen_reports DROP CONSTRAINT stats_frozen_reports_organisation_id_template_id_year_key;
      ALTER TABLE stats_frozen_reports ADD CONSTRAINT stats_frozen_reports_variant_key UNIQUE (organisation_id, template_id, year, subtree);
      ALTER TABLE stats_frozen_reports ADD COLUMN doc_members jsonb;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stats_frozen_reports DROP COLUMN doc_members;
      ALTER TABLE stats_frozen_reports DROP CONSTRAINT stats_frozen_reports_variant_key;
      ALTER TABLE stats_frozen_reports ADD CONSTRAINT stats_frozen_reports_organisation_id_template_id_year_key UNIQUE (organisation_id, template_id, year);
    `);
  }
}
