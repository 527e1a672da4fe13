import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Site import hardening (issue 18):
 * - a lease on each import (who runs it, until when, renewed while it runs): a job BullMQ thinks stalled
 *   and hands to a second worker, or two workers started at once, never read or write one import twice;
 * - whether an imported article's portal page was written: the item and its ledger row are one
 *   transaction, the page is written after it; a run stopped between the two writes the page on the next
 *   run instead of calling the article unchanged. Rows already there were written (the old runner wrote
 *   the page before it went on).
 */
export class SiteImportLease1732009500000 implements MigrationInterface {
  name = 'SiteImportLease1732009500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE site_imports ADD COLUMN lease_owner text, ADD COLUMN lease_until timestamptz;
      ALTER TABLE site_import_articles ADD COLUMN page_written boolean NOT NULL DEFAULT true;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE site_import_articles DROP COLUMN page_written;
      ALTER TABLE site_imports DROP COLUMN lease_owner, DROP COLUMN lease_until;
    `);
  }
}
