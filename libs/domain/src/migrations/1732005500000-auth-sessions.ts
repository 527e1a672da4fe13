import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Server-side sessions and sign-in throttling.
 *
 * user_sessions: one row per sign-in; the access token carries its id. Auth accepts a token only while
 * its session has not ended (sign-out) and was used within SESSION_IDLE_MINUTES; last_seen_at is
 * moved at most once a minute, inside the one statement auth runs per request.
 *
 * login_throttle: failed sign-ins counted per attempted username and per client address (unknown
 * usernames too, so a lockout says nothing about whether an account exists). Reaching the threshold
 * locks the key for a time that doubles with every further lockout; an admin can unlock a user.
 */
export class AuthSessions1732005500000 implements MigrationInterface {
  name = 'AuthSessions1732005500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        end_reason text CHECK (end_reason IN ('logout')),
        address text,
        user_agent text
      );
      CREATE INDEX user_sessions_user_idx ON user_sessions (user_id) WHERE ended_at IS NULL;

      CREATE TABLE login_throttle (
        scope text NOT NULL CHECK (scope IN ('user', 'address')),
        key text NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        lockouts integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_failure_at timestamptz,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX login_throttle_stale_idx ON login_throttle (last_failure_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle, user_sessions`);
  }
}
