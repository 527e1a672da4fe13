import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delivery engine's additions to the foundation schema:
 * - `lease_token`: a fencing token minted by every claim. A worker whose lease was taken over (it
 *   stalled, the sweeper reclaimed the delivery) can no longer write the delivery's state: its writes
 *   carry the token and match nothing.
 * - a partial index on the deliveries the engine still has work on, so the sweeper's pass stays cheap
 *   however large the history grows.
 * - NOTIFY `delivery_changed` on every insert and state change, so api processes can stream live
 *   updates (server-sent events) whatever process made the change.
 */
export class DeliveryEngine1732000700000 implements MigrationInterface {
  name = 'DeliveryEngine1732000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries ADD COLUMN lease_token uuid;

      CREATE INDEX deliveries_open_idx ON deliveries (next_attempt_at, due_at)
        WHERE state IN ('pending','processing','awaiting_confirmation','unconfirmed','withdrawing');

      CREATE INDEX deliveries_external_idx ON deliveries (channel_type, external_id) WHERE external_id IS NOT NULL;

      CREATE FUNCTION notify_delivery_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('delivery_changed', json_build_object(
          'id', NEW.id, 'itemId', NEW.item_id, 'state', NEW.state, 'channelType', NEW.channel_type,
          'channelAccountId', NEW.channel_account_id, 'organisationId', NEW.organisation_id,
          'versionNo', NEW.version_no, 'at', now())::text);
        RETURN NULL;
      END $$;

      CREATE TRIGGER deliveries_notify_insert AFTER INSERT ON deliveries
        FOR EACH ROW EXECUTE FUNCTION notify_delivery_changed();
      CREATE TRIGGER deliveries_notify_state AFTER UPDATE OF state ON deliveries
        FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION notify_delivery_changed();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER deliveries_notify_state ON deliveries;
      DROP TRIGGER deliveries_notify_insert ON deliveries;
      DROP FUNCTION notify_delivery_changed();
      DROP INDEX deliveries_external_idx;
      DROP INDEX deliveries_open_idx;
      ALTER TABLE deliveries DROP COLUMN lease_token;
    `);
  }
}
