import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lists at provincial scale (issue 17.2): the api's lists page by keyset (newest change first, the id
 * breaking ties) and count only up to a cap, so each filter and order needs an index the page can be
 * read from in order, stopping at the page's end:
 * - deliveries by updated_at for a scope spanning many organisations, per organisation (a small scope is
 *   paged one organisation at a time: deliveries/delivery-page.sql.ts), per state (failed, unconfirmed...),
 *   per organisation and state, and per channel account (a province's portal account has a third of them);
 * - deliveries by item with their channel and state (replacing the index on item_id alone): the matrix
 *   and the items list ask "has this item a delivery [on this channel | in this state]" of thousands of
 *   items per page or count, answered from the index without reading the deliveries;
 * - the operator summary: settled states counted per channel up to the cap (channel_type, state,
 *   organisation_id), the moving states exactly from a small partial index;
 * - items by updated_at, per organisation and per status (the review queue reads submitted items only);
 * - item versions by created_at: the operator matrix lists items by their latest approval;
 * - the audit log by action (the viewer's action filter), like its actor and organisation filters;
 * - the organisations that hold a review policy: the review queue asks for each waiting item which policy
 *   is in force (libs/review effectivePolicySql, the nearest such ancestor, longest path first); without
 *   an index that read every organisation of the province once per item.
 */
export class ListKeysetIndexes1732009100000 implements MigrationInterface {
  name = 'ListKeysetIndexes1732009100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deliveries_updated_idx ON deliveries (updated_at, id);
      CREATE INDEX deliveries_org_updated_idx ON deliveries (organisation_id, updated_at, id);
      CREATE INDEX deliveries_state_updated_idx ON deliveries (state, updated_at, id);
      CREATE INDEX deliveries_org_state_updated_idx ON deliveries (organisation_id, state, updated_at, id);
      CREATE INDEX deliveries_account_updated_idx ON deliveries (channel_account_id, updated_at, id);
      DROP INDEX deliveries_item_idx;
      CREATE INDEX deliveries_item_channel_state_idx ON deliveries (item_id, channel_type, state);
      CREATE INDEX deliveries_summary_idx ON deliveries (channel_type, state, organisation_id);
      CREATE INDEX deliveries_summary_open_idx ON deliveries (organisation_id, channel_type, state)
        WHERE state NOT IN ('published', 'withdrawn', 'cancelled', 'failed');
      CREATE INDEX items_updated_idx ON items (updated_at, id);
      CREATE INDEX items_org_updated_idx ON items (organisation_id, updated_at, id);
      CREATE INDEX items_status_updated_idx ON items (status, updated_at, id);
      CREATE INDEX item_versions_created_idx ON item_versions (created_at, item_id);
      CREATE INDEX audit_logs_action_idx ON audit_logs (action, id);
      CREATE INDEX organisations_review_policy_idx ON organisations (length(path) DESC) WHERE review_policy IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX organisations_review_policy_idx; DROP INDEX audit_logs_action_idx; DROP INDEX item_versions_created_idx; DROP INDEX items_status_updated_idx;
      DROP INDEX items_org_updated_idx; DROP INDEX items_updated_idx; DROP INDEX deliveries_summary_open_idx;
      DROP INDEX deliveries_summary_idx; DROP INDEX deliveries_item_channel_state_idx; CREATE INDEX deliveries_item_idx ON deliveries (item_id); DROP INDEX deliveries_account_updated_idx; DROP INDEX deliveries_org_state_updated_idx; DROP INDEX deliveries_state_updated_idx;
      DROP INDEX deliveries_org_updated_idx; DROP INDEX deliveries_updated_idx;
    `);
  }
}
