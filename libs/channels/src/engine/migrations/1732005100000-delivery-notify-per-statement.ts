import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `delivery_changed` notifications once per statement instead of once per row.
 *
 * The engine claims and publishes deliveries in batches (one statement for many rows) and approval
 * inserts an item's deliveries in one statement; a row trigger ran a function and queued a
 * notification for each of them. These statement triggers read the statement's rows as transition
 * tables and send the changes as JSON arrays of at most 20 (a notification's payload must stay under
 * 8000 bytes). Listeners (apps/api's DeliveryStream) accept an array or a single change.
 */
export class DeliveryNotifyPerStatement1732005100000 implements MigrationInterface {
  name = 'DeliveryNotifyPerStatement1732005100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The rows to announce: all new rows of an INSERT, the rows whose state changed in an UPDATE.
      -- (Each branch names only the transition tables its trigger has.)
      CREATE FUNCTION notify_deliveries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        chunk text;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          FOR chunk IN
            SELECT json_agg(c.change)::text FROM (
              SELECT delivery_change_json(n) AS change, (row_number() OVER () - 1) / 20 AS grp FROM delivery_changes_new n) c
            GROUP BY c.grp
          LOOP
            PERFORM pg_notify('delivery_changed', chunk);
          END LOOP;
        ELSE
          FOR chunk IN
            SELECT json_agg(c.change)::text FROM (
              SELECT delivery_change_json(n) AS change, (row_number() OVER () - 1) / 20 AS grp
                FROM delivery_changes_new n JOIN delivery_changes_old o ON o.id = n.id
               WHERE o.state IS DISTINCT FROM n.state) c
            GROUP BY c.grp
          LOOP
            PERFORM pg_notify('delivery_changed', chunk);
          END LOOP;
        END IF;
        RETURN NULL;
      END $$;

      CREATE FUNCTION delivery_change_json(n deliveries) RETURNS json LANGUAGE sql STABLE AS $$
        SELECT json_build_object(
          'id', n.id, 'itemId', n.item_id, 'state', n.state, 'channelType', n.channel_type,
          'channelAccountId', n.channel_account_id, 'organisationId', n.organisation_id,
          'versionNo', n.version_no, 'at', now())
      $$;

      DROP TRIGGER deliveries_notify_state ON deliveries;
      DROP TRIGGER deliveries_notify_insert ON deliveries;
      CREATE TRIGGER deliveries_notify_insert AFTER INSERT ON deliveries
        REFERENCING NEW TABLE AS delivery_changes_new
        FOR EACH STATEMENT EXECUTE FUNCTION notify_deliveries_changed();
      CREATE TRIGGER deliveries_notify_state AFTER UPDATE ON deliveries
        REFERENCING OLD TABLE AS delivery_changes_old NEW TABLE AS delivery_changes_new
        FOR EACH STATEMENT EXECUTE FUNCTION notify_deliveries_changed();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER deliveries_notify_state ON deliveries;
      DROP TRIGGER deliveries_notify_insert ON deliveries;
      CREATE TRIGGER deliveries_notify_insert AFTER INSERT ON deliveries
        FOR EACH ROW EXECUTE FUNCTION notify_delivery_changed();
      CREATE TRIGGER deliveries_notify_state AFTER UPDATE OF state ON deliveries
        FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION notify_delivery_changed();
      DROP FUNCTION notify_deliveries_changed();
      DROP FUNCTION delivery_change_json(deliveries);
    `);
  }
}
