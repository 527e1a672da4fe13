import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Paged portal lists (issue 17 point 1): what a publication changes is found by index, never by reading
 * the whole site.
 *
 * - portal_articles.seq: the article's number in its site, given at its first publication and never
 *   changed; the 信息公开目录 pages (20 per page, numbered from the oldest) and the sitemap files (1,000
 *   per file) are ranges of it, so a new article only touches the newest ones.
 * - portal_articles.category / col_seq: its column and its number in that column (a new number when a
 *   revision moves it to another column); the column pages are ranges of col_seq.
 * - portal_articles.policy_item_id: the policy an interpretation belongs to, indexed (the pages that link
 *   each other are found without scanning the site's JSON).
 * - portal_columns: per column, the last number given and the count of live articles (the index page's
 *   counts), kept in the same transaction as the article.
 * - portal_sites.max_seq: the last number given in the site; layout: the list layout the site's files
 *   were last fully written in (0: written by an older version; the next write rebuilds the lists).
 *
 * Existing articles are numbered in the order they were first published.
 */
export class PortalPagedLists1732009000000 implements MigrationInterface {
  name = 'PortalPagedLists1732009000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE portal_articles ADD COLUMN seq bigint, ADD COLUMN category text, ADD COLUMN col_seq bigint, ADD COLUMN policy_item_id text`);
    await q.query(`
      UPDATE portal_articles p SET seq = n.seq, category = n.category, col_seq = n.col_seq, policy_item_id = n.policy_item_id
        FROM (
          SELECT site_key, item_id, seq, category, policy_item_id,
                 row_number() OVER (PARTITION BY site_key, category ORDER BY seq) AS col_seq
            FROM (
              SELECT site_key, item_id,
                     coalesce(article->'snapshot'->>'category', '') AS category,
                     nullif(article->'snapshot'->>'policyItemId', '') AS policy_item_id,
                     row_number() OVER (PARTITION BY site_key ORDER BY article->>'publishedAt', item_id) AS seq
                FROM portal_articles
            ) s
        ) n
       WHERE p.site_key = n.site_key AND p.item_id = n.item_id`);
    await q.query(`ALTER TABLE portal_articles ALTER COLUMN seq SET NOT NULL, ALTER COLUMN category SET NOT NULL, ALTER COLUMN col_seq SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX portal_articles_seq_idx ON portal_articles (site_key, seq)`);
    await q.query(`CREATE UNIQUE INDEX portal_articles_col_seq_idx ON portal_articles (site_key, category, col_seq)`);
    await q.query(`CREATE INDEX portal_articles_live_seq_idx ON portal_articles (site_key, seq) WHERE NOT withdrawn`);
    await q.query(`CREATE INDEX portal_articles_live_col_seq_idx ON portal_articles (site_key, category, col_seq) WHERE NOT withdrawn`);
    await q.query(`CREATE INDEX portal_articles_policy_idx ON portal_articles (site_key, policy_item_id) WHERE policy_item_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE portal_columns (
        site_key text NOT NULL REFERENCES portal_sites(site_key),
        category text NOT NULL,
        max_col_seq bigint NOT NULL,
        live_count bigint NOT NULL,
        PRIMARY KEY (site_key, category)
      )`);
    await q.query(`
      INSERT INTO portal_columns (site_key, category, max_col_seq, live_count)
      SELECT site_key, category, max(col_seq), count(*) FILTER (WHERE NOT withdrawn) FROM portal_articles GROUP BY site_key, category`);
    await q.query(`ALTER TABLE portal_sites ADD COLUMN max_seq bigint NOT NULL DEFAULT 0, ADD COLUMN layout integer NOT NULL DEFAULT 0`);
    await q.query(
      `UPDATE portal_sites s SET max_seq = m.max_seq FROM (SELECT site_key, max(seq) AS max_seq FROM portal_articles GROUP BY site_key) m WHERE m.site_key = s.site_key`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE portal_sites DROP COLUMN max_seq, DROP COLUMN layout`);
    await q.query(`DROP TABLE portal_columns`);
    await q.query(`DROP INDEX portal_articles_policy_idx`);
    await q.query(`DROP INDEX portal_articles_live_col_seq_idx`);
    await q.query(`DROP INDEX portal_articles_live_seq_idx`);
    await q.query(`DROP INDEX portal_articles_col_seq_idx`);
    await q.query(`DROP INDEX portal_articles_seq_idx`);
    await q.query(`ALTER TABLE portal_articles DROP COLUMN seq, DROP COLUMN category, DROP COLUMN col_seq, DROP COLUMN policy_item_id`);
  }
}
