import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';

/**
 * Ledger rows written straight into the tables the product writes (items, publication_records,
 * item_versions + deliveries for what is scheduled), on fixed Beijing dates, so the inspection's
 * expectations can be computed by hand. Used by test/compliance/inspection*.int-spec.ts.
 */
export class LedgerFixture {
  constructor(
    private readonly ds: DataSource,
    private readonly authorId: string,
  ) {}

  async account(orgId: string, channelType: string, name: string, createdAt: string): Promise<string> {
    const [r] = await this.ds.query(
      `INSERT INTO channel_accounts (organisation_id, channel_type, name, base_url, created_at) VALUES ($1, $2, $3, 'http://127.0.0.1:9', $4) RETURNING id`,
      [orgId, channelType, name, createdAt],
    );
    return r.id;
  }

  async item(orgId: string, title: string, o: { kind?: string; category?: string; policyItemId?: string; status?: string } = {}): Promise<string> {
    const [r] = await this.ds.query(
      `INSERT INTO items (organisation_id, author_id, status, title, index_no, issuing_body, category, kind, policy_item_id)
       VALUES ($1, $2, $3, $4, $5, '示范县', $6, $7, $8) RETURNING id`,
      [orgId, this.authorId, o.status ?? 'published', title, `TEST-${randomUUID()}`, o.category ?? '其他', o.kind ?? 'notice', o.policyItemId ?? null],
    );
    return r.id;
  }

  /** A confirmed publication at `at` (ISO with +08:00), in the item's column. */
  async publish(itemId: string, accountId: string, at: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO publication_records (item_id, version_no, organisation_id, channel_type, channel_account_id, published_at, kind, category,
                                        is_normative, is_interpretation, is_response)
       SELECT i.id, 1, i.organisation_id, a.channel_type, a.id, $3, i.kind, i.category, i.kind = 'normative', i.kind = 'interpretation', false
         FROM items i, channel_accounts a WHERE i.id = $1 AND a.id = $2`,
      [itemId, accountId, at],
    );
    await this.ds.query(
      `UPDATE items SET publish_date = COALESCE(publish_date, ($2::timestamptz AT TIME ZONE 'Asia/Shanghai')::date), status = 'published' WHERE id = $1`,
      [itemId, at],
    );
  }

  /** A delivery waiting for its scheduled time. */
  async schedule(itemId: string, accountId: string, dueAt: string): Promise<void> {
    const [v] = await this.ds.query(
      `INSERT INTO item_versions (item_id, version_no, snapshot, created_by) VALUES ($1, 1, '{}'::jsonb, $2)
       ON CONFLICT DO NOTHING RETURNING id`,
      [itemId, this.authorId],
    );
    const versionId = v?.id ?? (await this.ds.query(`SELECT id FROM item_versions WHERE item_id = $1 AND version_no = 1`, [itemId]))[0].id;
    await this.ds.query(`UPDATE items SET status = 'approved' WHERE id = $1 AND status <> 'published'`, [itemId]);
    await this.ds.query(
      `INSERT INTO deliveries (item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at)
       SELECT $1, $2, 1, a.id, a.channel_type, a.organisation_id, 'pending', $4 FROM channel_accounts a WHERE a.id = $3`,
      [itemId, versionId, accountId, dueAt],
    );
  }
}
