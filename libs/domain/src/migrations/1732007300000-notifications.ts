import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, points 4 and 6 (the reviewer's and operator's console).
 *
 * `notifications`: the in-console list, one row per recipient (rejected → the editor who submitted;
 * a delivery failed or waiting for a person → the organisation's operators; a deadline coming → the
 * organisation's editors and operators). `dedupe_key` makes "the same news to the same person" one row
 * (a deadline seen by every hourly scan). `webhook_state` is the organisation's webhook outbox:
 * `pending` rows are pushed by the worker (BullMQ, retried), `sent` or `failed` with the last error
 * after; NULL when no webhook was set when the row was written.
 *
 * `notification_webhooks`: per organisation (applies to its subtree, the nearest one wins) the URL a
 * JSON copy of each notification is POSTed to, signed with HMAC-SHA256 of the secret (sealed with
 * ENCRYPTION_KEY like channel credentials), so an office can forward them to its SMS gateway.
 *
 * `items.status` gains `not_published` (未发布（渠道已取消）): approved, but every delivery was cancelled
 * before anything went out, so the item says what happened instead of staying 已审核 forever.
 */
export class Notifications1732007300000 implements MigrationInterface {
  name = 'Notifications1732007300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE items DROP CONSTRAINT IF EXISTS items_status_check;
      ALTER TABLE items ADD CONSTRAINT items_status_check
        CHECK (status IN ('draft','submitted','approved','rejected','published','withdrawn','not_published'));

      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        organisation_id uuid REFERENCES organisations(id),
        kind text NOT NULL CHECK (kind IN ('rejected','delivery_failed','manual_check','deadline')),
        title text NOT NULL,
        body text NOT NULL DEFAULT '',
        link text,
        dedupe_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        webhook_state text CHECK (webhook_state IN ('pending','sent','failed')),
        webhook_attempts int NOT NULL DEFAULT 0,
        webhook_error text,
        webhook_at timestamptz
      );
      CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
      CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
      CREATE UNIQUE INDEX notifications_dedupe_idx ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
      CREATE INDEX notifications_webhook_idx ON notifications (created_at) WHERE webhook_state = 'pending';
      CREATE INDEX notifications_org_idx ON notifications (organisation_id, created_at DESC);

      CREATE TABLE notification_webhooks (
        organisation_id uuid PRIMARY KEY REFERENCES organisations(id),
        url text NOT NULL CHECK (url ~ '^https?://'),
        secret_enc text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notification_webhooks;
      DROP TABLE notifications;
      UPDATE items SET status = 'approved' WHERE status = 'not_published';
      ALTER TABLE items DROP CONSTRAINT IF EXISTS items_status_check;
      ALTER TABLE items ADD CONSTRAINT items_status_check
        CHECK (status IN ('draft','submitted','approved','rejected','published','withdrawn'));
    `);
  }
}
