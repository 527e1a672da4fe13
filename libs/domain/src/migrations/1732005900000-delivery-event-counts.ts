import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Repeated checks of an unknown outcome (a lookup failing the same way, a poll answering "not yet")
 * are one delivery_events row with a count and the time of the last one, not a row per check: a day
 * of checks was hundreds of rows that buried the history. delivery_events is not append-only in the
 * database (no refuse_change trigger), so the engine bumps the row in place (engine/event-coalescing.ts);
 * `at` stays the first occurrence, `last_at` is the latest, `count` how many.
 */
export class DeliveryEventCounts1732005900000 implements MigrationInterface {
  name = 'DeliveryEventCounts1732005900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE delivery_events ADD COLUMN count int NOT NULL DEFAULT 1 CHECK (count >= 1);
      ALTER TABLE delivery_events ADD COLUMN last_at timestamptz;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_events DROP COLUMN last_at, DROP COLUMN count`);
  }
}
