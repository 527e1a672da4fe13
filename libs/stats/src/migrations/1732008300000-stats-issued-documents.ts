import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 本年制发 / 本年废止 / 现行有效 count documents that were issued: an item with an approved version
 * (issue 16 point 6). A version exists in `item_versions` only once it was approved (the fan-out
 * freezes it there), so a draft never submitted, one waiting for review or one sent back has none.
 *
 * `stats_documents` holds, per item with an approved version, the document facts of its latest
 * approved version (kind, 成文日期, 废止日期, 有效性, from the frozen snapshot): a revision under
 * review, or rejected, does not move a document in or out of a cell until it is approved. The
 * trigger keeps it in the approving transaction (AFTER INSERT ON item_versions); existing versions
 * are loaded here. `stats_documents_rebuild()` recomputes it from item_versions.
 */
export class StatsIssuedDocuments1732008300000 implements MigrationInterface {
  name = 'StatsIssuedDocuments1732008300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_documents (
        item_id uuid PRIMARY KEY REFERENCES items(id),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        version_no int NOT NULL,
        kind text NOT NULL,
        written_date date,
        repealed_date date,
        validity text NOT NULL
      );
      CREATE INDEX stats_documents_kind_written_idx ON stats_documents (kind, written_date);
      CREATE INDEX stats_documents_kind_repealed_idx ON stats_documents (kind, repealed_date);
      CREATE INDEX stats_documents_org_idx ON stats_documents (organisation_id, kind);

      -- A snapshot date that is not a date is no date (it cannot fail an approval).
      CREATE FUNCTION stats_snapshot_date(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN
        IF t IS NULL OR t !~ '^\\d{4}-\\d{2}-\\d{2}' THEN RETURN NULL; END IF;
        RETURN left(t, 10)::date;
      EXCEPTION WHEN others THEN RETURN NULL;
      END $$;

      CREATE FUNCTION stats_on_item_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stats_documents (item_id, organisation_id, version_no, kind, written_date, repealed_date, validity)
        SELECT NEW.item_id, i.organisation_id, NEW.version_no, COALESCE(NEW.snapshot->>'kind', i.kind),
               stats_snapshot_date(NEW.snapshot->>'writtenDate'), stats_snapshot_date(NEW.snapshot->>'repealedDate'),
               COALESCE(NEW.snapshot->>'validity', '有效')
          FROM items i WHERE i.id = NEW.item_id
        ON CONFLICT (item_id) DO UPDATE SET version_no = EXCLUDED.version_no, kind = EXCLUDED.kind, written_date = EXCLUDED.written_date,
          repealed_date = EXCLUDED.repealed_date, validity = EXCLUDED.validity
          WHERE stats_documents.version_no <= EXCLUDED.version_no;
        RETURN NULL;
      END $$;
      CREATE TRIGGER stats_item_version_documents AFTER INSERT ON item_versions FOR EACH ROW EXECUTE FUNCTION stats_on_item_version();

      CREATE FUNCTION stats_documents_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE item_versions IN SHARE MODE;
        DELETE FROM stats_documents;
        INSERT INTO stats_documents (item_id, organisation_id, version_no, kind, written_date, repealed_date, validity)
        SELECT DISTINCT ON (v.item_id) v.item_id, i.organisation_id, v.version_no, COALESCE(v.snapshot->>'kind', i.kind),
               stats_snapshot_date(v.snapshot->>'writtenDate'), stats_snapshot_date(v.snapshot->>'repealedDate'),
               COALESCE(v.snapshot->>'validity', '有效')
          FROM item_versions v JOIN items i ON i.id = v.item_id
         ORDER BY v.item_id, v.version_no DESC;
      END $$;
      SELECT stats_documents_rebuild();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER stats_item_version_documents ON item_versions;
      DROP FUNCTION stats_documents_rebuild(), stats_on_item_version(), stats_snapshot_date(text);
      DROP TABLE stats_documents;
    `);
  }
}
