import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists at provincial scale (issue 17): the operator's deliveries sorted by 发布时间, 计划时间 or 创建时间
 * (`timeField` published / due / created; updated has its indexes since 1732009100000). A scope of a few
 * organisations reads each organisation's index (organisation_id, key, id), a scope of many the index on
 * the key alone (apps/api/src/deliveries/delivery-page.sql.ts). Without them a page sorted by one of
 * these times sorted every delivery of the scope: 45–150 ms over a million deliveries, 2.5–6 ms with them
 * (the per-organisation created_at index gains the id, which breaks ties in the list's order, and replaces
 * the one without it). The published key is the expression the list sorts by (never published: last).
 * Each index costs every delivery write an entry: bench:scale's drain did not move beyond its noise.
 */
export class DeliveryTimeSortIndexes1732009800000 implements MigrationInterface {
  name = 'DeliveryTimeSortIndexes1732009800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deliveries_org_published_idx ON deliveries (organisation_id, (COALESCE(published_at, timestamptz '1970-01-01 00:00:00+00')), id);
      CREATE INDEX deliveries_published_idx ON deliveries ((COALESCE(published_at, timestamptz '1970-01-01 00:00:00+00')), id);
      CREATE INDEX deliveries_org_due_idx ON deliveries (organisation_id, due_at, id);
      CREATE INDEX deliveries_due_idx ON deliveries (due_at, id);
      CREATE INDEX deliveries_created_idx ON deliveries (created_at, id);
      CREATE INDEX deliveries_org_created_idx ON deliveries (organisation_id, created_at, id);
      DROP INDEX deliveries_org_idx;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deliveries_org_idx ON deliveries (organisation_id, created_at); DROP INDEX deliveries_org_created_idx;
      DROP INDEX deliveries_created_idx; DROP INDEX deliveries_due_idx; DROP INDEX deliveries_org_due_idx;
      DROP INDEX deliveries_published_idx; DROP INDEX deliveries_org_published_idx;
    `);
  }
}
