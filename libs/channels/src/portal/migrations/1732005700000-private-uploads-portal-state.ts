import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private uploads and the portal's own state (issue 12, points 1 and 2).
 *
 * - uploads: one row per file in the private store (DATA_DIR/uploads/<key>), with the uploader and
 *   the organisations the uploader held roles in (who may read it before any item uses it).
 * - item_uploads: which item refers to which upload, kept by a trigger on items (body, attachments,
 *   channel overrides), so no code path that writes an item can forget it. Only uploads of a related
 *   organisation (the uploader's organisation is on the item's chain or below it) are recorded: a key
 *   pasted into an unrelated organisation's item grants nothing, and is never published.
 * - portal_sites: which organisation owns which site directory under PORTAL_DIR (site_key, relative).
 * - portal_articles: what each site shows (public fields only), instead of data files in the site.
 * - portal_uploads: which published article on which site uses which public copy, so withdrawal and
 *   revision remove a copy when no published article of that site uses it any more.
 */
export class PrivateUploadsPortalState1732005700000 implements MigrationInterface {
  name = 'PrivateUploadsPortalState1732005700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE uploads (
        key text PRIMARY KEY,
        name text NOT NULL,
        mime text NOT NULL,
        kind text NOT NULL,
        size bigint NOT NULL,
        width integer,
        height integer,
        uploaded_by uuid REFERENCES users(id),
        organisation_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE item_uploads (
        item_id uuid NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        upload_key text NOT NULL REFERENCES uploads(key),
        PRIMARY KEY (item_id, upload_key)
      )`);
    await q.query(`CREATE INDEX item_uploads_key_idx ON item_uploads (upload_key)`);
    await q.query(`
      CREATE FUNCTION record_item_uploads() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO item_uploads (item_id, upload_key)
        SELECT DISTINCT NEW.id, u.key
          FROM regexp_matches(
                 coalesce(NEW.body_html, '') || ' ' || coalesce(NEW.attachments::text, '') || ' ' || coalesce(NEW.channel_overrides::text, ''),
                 '/api/v1/uploads/([0-9]{4}/[0-9]{2}/[0-9a-f]{24}\\.[a-z0-9]{1,8})', 'g') AS m
          JOIN uploads u ON u.key = m[1]
          JOIN organisations io ON io.id = NEW.organisation_id
         WHERE EXISTS (SELECT 1 FROM organisations uo
                        WHERE uo.id = ANY(u.organisation_ids)
                          AND (io.path LIKE uo.path || '%' OR uo.path LIKE io.path || '%'))
        ON CONFLICT DO NOTHING;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER items_record_uploads AFTER INSERT OR UPDATE OF body_html, attachments, channel_overrides ON items
        FOR EACH ROW EXECUTE FUNCTION record_item_uploads()`);

    await q.query(`
      CREATE TABLE portal_sites (
        site_key text PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE portal_articles (
        site_key text NOT NULL REFERENCES portal_sites(site_key),
        item_id uuid NOT NULL,
        version_no integer NOT NULL,
        withdrawn boolean NOT NULL DEFAULT false,
        article jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (site_key, item_id)
      )`);
    await q.query(`
      CREATE TABLE portal_uploads (
        site_key text NOT NULL REFERENCES portal_sites(site_key),
        upload_key text NOT NULL,
        item_id uuid NOT NULL,
        PRIMARY KEY (site_key, upload_key, item_id)
      )`);
    await q.query(`CREATE INDEX portal_uploads_item_idx ON portal_uploads (site_key, item_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE portal_uploads`);
    await q.query(`DROP TABLE portal_articles`);
    await q.query(`DROP TABLE portal_sites`);
    await q.query(`DROP TRIGGER items_record_uploads ON items`);
    await q.query(`DROP FUNCTION record_item_uploads()`);
    await q.query(`DROP TABLE item_uploads`);
    await q.query(`DROP TABLE uploads`);
  }
}
