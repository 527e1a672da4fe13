import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists at provincial scale (issue 17): the review queue sorts and pages by the item's last submission.
 * Computed per row from item_contributions, every page first asked it of every submitted item and sorted
 * them all; kept on the item instead (set by the submission, in its transaction), a page is read from a
 * partial index in queue order and stops when it is full. Existing items take their last 'submit'
 * contribution; an item never submitted keeps NULL (the queue sorts it last, as before).
 */
export class ItemSubmittedAt1732009700000 implements MigrationInterface {
  name = 'ItemSubmittedAt1732009700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE items ADD COLUMN submitted_at timestamptz;
      UPDATE items i SET submitted_at = c.at
        FROM (SELECT item_id, max(at) AS at FROM item_contributions WHERE action = 'submit' GROUP BY item_id) c
       WHERE c.item_id = i.id;
      CREATE INDEX items_review_queue_idx ON items (submitted_at, id) WHERE status = 'submitted';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX items_review_queue_idx; ALTER TABLE items DROP COLUMN submitted_at;`);
  }
}
