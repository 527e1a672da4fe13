import { createTestDataSource } from './test-db';

describe('test database', () => {
  it('clones a migrated database per suite', async () => {
    const t = await createTestDataSource('smoke');
    const rows = await t.ds.query(`SELECT count(*)::int AS n FROM organisations`);
    expect(rows[0].n).toBe(0);
    await t.close();
  });
});
