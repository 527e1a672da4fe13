import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-ins of a username whose password is being checked (apps/api/src/auth/login-throttle.service.ts):
 * they hold a place each, so no more attempts are checked at once than failures could still be allowed,
 * but they are no longer counted as failures before their answer (parallel sign-ins with the right
 * password started a lockout). `pending_since`: an attempt whose process died holds its place only so long.
 */
export class LoginThrottlePending1732009900000 implements MigrationInterface {
  name = 'LoginThrottlePending1732009900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE login_throttle ADD COLUMN pending integer NOT NULL DEFAULT 0, ADD COLUMN pending_since timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE login_throttle DROP COLUMN pending, DROP COLUMN pending_since`);
  }
}
