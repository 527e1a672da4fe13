import { DataSource } from 'typeorm';
import { createTestDataSource } from '@app/test/utils/test-db';

/**
 * Issue 12: the append-only records (audit log, ledger, frozen versions, frozen reports and their manual
 * entry log, gazette issues and entries) refused UPDATE and DELETE row by row, but TRUNCATE fires no row
 * trigger, so one statement could wipe history. Statement-level BEFORE TRUNCATE triggers refuse it,
 * including when the table is reached through TRUNCATE ... CASCADE of a table it references.
 */
const PROTECTED = ['audit_logs', 'publication_records', 'item_versions', 'stats_frozen_reports', 'stats_manual_entry_log', 'gazette_issues', 'gazette_entries'];

describe('append-only records refuse TRUNCATE', () => {
  let ds: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ ds, close } = await createTestDataSource('immutable'));
    await ds.query(`INSERT INTO audit_logs (action, entity_type, entity_id) VALUES ('test.marker', 'test', 'x')`);
  });
  afterAll(async () => close());

  // CASCADE: a plain TRUNCATE of a table others reference stops at the foreign key before any trigger.
  it.each(PROTECTED)('refuses TRUNCATE %s (CASCADE)', async (table) => {
    await expect(ds.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(/is append-only/);
  });

  it('names the table it refuses', async () => {
    await expect(ds.query(`TRUNCATE audit_logs`)).rejects.toThrow(/table audit_logs is append-only/);
    await expect(ds.query(`TRUNCATE stats_frozen_reports`)).rejects.toThrow(/table stats_frozen_reports is append-only/);
  });

  it('refuses a cascading TRUNCATE that would reach the frozen versions and the ledger', async () => {
    await expect(ds.query(`TRUNCATE items CASCADE`)).rejects.toThrow(/is append-only/);
    await expect(ds.query(`TRUNCATE organisations CASCADE`)).rejects.toThrow(/is append-only/);
  });

  it('still refuses UPDATE and DELETE, and the rows are still there', async () => {
    await ds.query(`INSERT INTO audit_logs (action, entity_type, entity_id) VALUES ('test.marker2', 'test', 'y')`);
    await expect(ds.query(`UPDATE audit_logs SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_logs`)).rejects.toThrow(/append-only/);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action IN ('test.marker', 'test.marker2')`);
    expect(n).toBe(2);
  });

  it('has a TRUNCATE trigger on every table that has a row-level append-only trigger', async () => {
    // A table made append-only later without a TRUNCATE guard fails here.
    const rows: { table: string }[] = await ds.query(`
      SELECT DISTINCT c.relname AS table
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND p.proname IN ('refuse_change', 'gazette_issue_guard', 'gazette_entry_guard')
        AND (t.tgtype & 1) = 1
    `);
    const truncGuarded: { table: string }[] = await ds.query(`
      SELECT c.relname AS table FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND (t.tgtype & 32) = 32 AND t.tgenabled <> 'D'
    `);
    const guarded = new Set(truncGuarded.map((r) => r.table));
    expect(rows.length).toBeGreaterThanOrEqual(PROTECTED.length);
    expect(rows.map((r) => r.table).filter((t) => !guarded.has(t))).toEqual([]);
  });
});
