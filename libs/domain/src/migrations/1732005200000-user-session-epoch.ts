import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * users.session_epoch: every access token carries the epoch it was signed in; auth accepts a token only
 * while its epoch is the user's current one. Switching an account off and setting a new password bump
 * it, so every session issued before ends at once and stays ended (re-enabling the account does not
 * bring old tokens back). Tokens signed before this column existed carry no epoch and count as 0.
 */
export class UserSessionEpoch1732005200000 implements MigrationInterface {
  name = 'UserSessionEpoch1732005200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN session_epoch`);
  }
}
