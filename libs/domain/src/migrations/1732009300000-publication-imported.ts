import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Site import (issue 18.1): an article brought in from the old portal is a publication on the portal
 * account at its original date, counted like any other, and marked as imported so the statistics'
 * drill-down can say where the row came from.
 */
export class PublicationImported1732009300000 implements MigrationInterface {
  name = 'PublicationImported1732009300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE publication_records ADD COLUMN imported boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE publication_records DROP COLUMN imported`);
  }
}
