import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * users.home_organisation_id: the organisation a user belongs to (所属单位), set when the user is
 * created, within the creating admin's scope. An admin manages a user only when the home organisation
 * and every role of the user lie within the admin's organisations, so a user without roles is no
 * longer anybody's to take over.
 *
 * Backfill: the topmost organisation among the user's roles (shortest path; ties by path), else the
 * root (the oldest top-level organisation). The column stays NULLable: fixtures and benchmarks insert
 * users directly (test/stats/stats-fixture.ts, bench/stats/stats.bench.ts); a NULL home counts as the
 * root, so only an admin of a top-level organisation manages such a user.
 */
export class UserHomeOrganisation1732005400000 implements MigrationInterface {
  name = 'UserHomeOrganisation1732005400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN home_organisation_id uuid REFERENCES organisations(id)`);
    await q.query(`CREATE INDEX users_home_organisation_idx ON users (home_organisation_id)`);
    await q.query(`
      UPDATE users u SET home_organisation_id = COALESCE(
        (SELECT o.id FROM user_roles r JOIN organisations o ON o.id = r.organisation_id
          WHERE r.user_id = u.id ORDER BY length(o.path), o.path LIMIT 1),
        (SELECT o.id FROM organisations o WHERE o.parent_id IS NULL ORDER BY o.created_at, o.id LIMIT 1))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN home_organisation_id`);
  }
}
