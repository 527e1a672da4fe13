import { randomUUID } from 'crypto';
import { LedgerReportRow1732006000000 } from '@app/domain/migrations/1732006000000-ledger-report-row';
import { createTestDataSource } from '@app/test/utils/test-db';

/**
 * Migration 1732006000000: ledger rows written before it get their statistics row and 政务新媒体 flag
 * from their channel type (the four report rows keep their name, anything else is 'other'; Weibo and
 * WeChat are new media), and the ledger stays append-only afterwards.
 */
describe('migration 1732006000000: ledger report_row / new_media backfill', () => {
  let db: Awaited<ReturnType<typeof createTestDataSource>>;
  beforeAll(async () => {
    db = await createTestDataSource('ledgerrow');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('backfills earlier rows from their channel type', async () => {
    const qr = db.ds.createQueryRunner();
    const m = new LedgerReportRow1732006000000();
    try {
      await m.down(qr);
      // Rows as they were before the migration (foreign keys and the append-only trigger set aside for the fixture).
      await qr.query(`SET session_replication_role = replica`);
      const types = ['gazette', 'portal', 'weibo', 'wechat', 'led', 'testchan'];
      for (const t of types) {
        await qr.query(
          `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, published_at, kind, category, is_normative, is_interpretation, is_response)
           VALUES ($1, 1, $2, $3, now(), 'notice', '其他', false, false, false)`,
          [randomUUID(), randomUUID(), t],
        );
      }
      await qr.query(`SET session_replication_role = origin`);
      await m.up(qr);
      const rows: { channel_type: string; report_row: string; new_media: boolean }[] = await qr.query(
        `SELECT channel_type, report_row, new_media FROM publication_records ORDER BY id`,
      );
      expect(rows.map((r) => [r.channel_type, r.report_row, r.new_media])).toEqual([
        ['gazette', 'gazette', false],
        ['portal', 'portal', false],
        ['weibo', 'weibo', true],
        ['wechat', 'wechat', true],
        ['led', 'other', false],
        ['testchan', 'other', false],
      ]);
      // The append-only guard is back on.
      await expect(qr.query(`UPDATE publication_records SET report_row = 'portal'`)).rejects.toThrow(/append-only/);
    } finally {
      await qr.query(`SET session_replication_role = origin`).catch(() => undefined);
      await qr.release();
    }
  });
});
