import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Site import (issue 18.1, 18.4): one row per import run (its state and counts, read by the console and
 * the API), one row per page of the old site (so a run that stops — a restart, a pause — resumes where it
 * was: pages already done are skipped), and the old site's articles already brought in, by their old URL
 * (a second run updates the item it made, never a second one).
 */
export class SiteImports1732009310000 implements MigrationInterface {
  name = 'SiteImports1732009310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE site_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        account_id uuid NOT NULL REFERENCES channel_accounts(id),
        source_url text NOT NULL,
        dry_run boolean NOT NULL DEFAULT false,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'paused', 'done', 'failed')),
        total int NOT NULL DEFAULT 0,
        done int NOT NULL DEFAULT 0,
        failed int NOT NULL DEFAULT 0,
        error text,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE INDEX site_imports_org_idx ON site_imports (organisation_id, created_at);
      CREATE TABLE site_import_pages (
        import_id uuid NOT NULL REFERENCES site_imports(id) ON DELETE CASCADE,
        url text NOT NULL,
        seq int NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'read', 'done', 'failed')),
        reason text,
        problems jsonb NOT NULL DEFAULT '[]',
        title text,
        index_no text,
        published_at timestamptz,
        item_id uuid,
        outcome text,
        article jsonb,
        PRIMARY KEY (import_id, url)
      );
      CREATE INDEX site_import_pages_seq_idx ON site_import_pages (import_id, seq);
      CREATE TABLE site_import_articles (
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        source_url text NOT NULL,
        item_id uuid NOT NULL REFERENCES items(id),
        index_no text,
        content_hash text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, source_url)
      );
      CREATE UNIQUE INDEX site_import_articles_item_idx ON site_import_articles (item_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE site_import_articles; DROP TABLE site_import_pages; DROP TABLE site_imports;`);
  }
}
