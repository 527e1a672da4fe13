import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin's audit-log viewer (GET audit-logs) pages newest first by id and filters by who did it and
 * by organisation: one index for each, ending in id so a filtered page reads the index backwards and
 * stops at the page's end (the item filter has audit_logs_item_idx already).
 */
export class AuditLogFilters1732007400000 implements MigrationInterface {
  name = 'AuditLogFilters1732007400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX audit_logs_actor_idx ON audit_logs (actor_id, id);
      CREATE INDEX audit_logs_org_idx ON audit_logs (organisation_id, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_logs_org_idx; DROP INDEX audit_logs_actor_idx`);
  }
}
