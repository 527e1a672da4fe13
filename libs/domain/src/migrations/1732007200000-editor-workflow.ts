import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15, points 2 and 3 (the editor's workflow).
 *
 * `item_autosaves`: what an editor typed and has not saved yet, kept per user under a key of the
 * console's (`new` for an item not created yet, `item-<id>` for an existing one). It is the user's own
 * scratch space: no item version, no audit row, never submitted; bounded per row by the API (size) and
 * per user (the newest rows only). Gone with the user or the item.
 *
 * Item search over body text: `item_plain_text(body_html)` is the body without its tags (inline tags
 * such as <strong> vanish, so a phrase split by one is found; the ends of paragraphs, cells and line
 * breaks become spaces) and with the few entities the sanitiser writes decoded, the expression the
 * search compares with ILIKE. Chinese text has no
 * word boundaries the default text search configuration knows, so the index is a trigram index
 * (pg_trgm, which a C.UTF-8 or zh_CN database splits into character trigrams), on the title too.
 * Where pg_trgm is not available the indexes are left out and the search still works, unindexed.
 */
export class EditorWorkflow1732007200000 implements MigrationInterface {
  name = 'EditorWorkflow1732007200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item_autosaves (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        key text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
        item_id uuid REFERENCES items(id) ON DELETE CASCADE,
        payload jsonb NOT NULL,
        bytes integer NOT NULL,
        saved_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      );
      CREATE INDEX item_autosaves_item_idx ON item_autosaves (item_id) WHERE item_id IS NOT NULL;

      CREATE FUNCTION item_plain_text(html text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT replace(replace(replace(replace(replace(
          regexp_replace(regexp_replace(COALESCE(html, ''), '<(br|/p|/h[1-6]|/li|/td|/th|/tr|/div|/figcaption|/blockquote)\\y[^>]*>', ' ', 'gi'), '<[^>]*>', '', 'g'),
          '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&')
      $$;
      CREATE INDEX items_created_at_idx ON items (created_at);
      CREATE INDEX items_publish_date_idx ON items (publish_date) WHERE publish_date IS NOT NULL;
    `);
    const [trgm] = await q.query(`SELECT 1 AS ok FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    if (trgm) {
      await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      await q.query(`
        CREATE INDEX items_body_trgm_idx ON items USING gin (item_plain_text(body_html) gin_trgm_ops);
        CREATE INDEX items_title_trgm_idx ON items USING gin (title gin_trgm_ops);
      `);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS items_title_trgm_idx;
      DROP INDEX IF EXISTS items_body_trgm_idx;
      DROP INDEX IF EXISTS items_publish_date_idx;
      DROP INDEX IF EXISTS items_created_at_idx;
      DROP FUNCTION IF EXISTS item_plain_text(text);
      DROP TABLE IF EXISTS item_autosaves;
    `);
  }
}
