import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each ledger row carries the statistics row it counts in (`report_row`) and whether its channel counts
 * as 政务新媒体 (`new_media`), both copied from the channel adapter's capabilities when the row is
 * written. The statistics group by these columns and so never name a channel (issue 14).
 * Earlier rows are backfilled from their channel type: the four channels the report names keep their
 * name as the row, any other is 'other'; Weibo and WeChat are new media.
 */
export class LedgerReportRow1732006000000 implements MigrationInterface {
  name = 'LedgerReportRow1732006000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE publication_records ADD COLUMN report_row text NOT NULL DEFAULT 'other';
      ALTER TABLE publication_records ADD COLUMN new_media boolean NOT NULL DEFAULT false;
    `);
    // One UPDATE with the append-only guard lifted for it alone (as in 1732005300000).
    await q.query(`ALTER TABLE publication_records DISABLE TRIGGER publication_records_append_only`);
    await q.query(`
      UPDATE publication_records
         SET report_row = CASE WHEN channel_type IN ('gazette','portal','weibo','wechat') THEN channel_type ELSE 'other' END,
             new_media = channel_type IN ('weibo','wechat')
       WHERE channel_type IN ('gazette','portal','weibo','wechat')`);
    await q.query(`ALTER TABLE publication_records ENABLE TRIGGER publication_records_append_only`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE publication_records DROP COLUMN new_media, DROP COLUMN report_row`);
  }
}
