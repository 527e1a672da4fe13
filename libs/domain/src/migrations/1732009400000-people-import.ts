import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People and structure import (issue 18.2): one row per XLSX import (who, when, the counts), and the
 * one-time set-password links of the users it created. A link's token is kept only as its SHA-256
 * (the admin receives the token once, in the import's answer); it expires and is used at most once.
 * A user created by an import has no usable password hash ('!') until the link sets one.
 */
export class PeopleImport1732009400000 implements MigrationInterface {
  name = 'PeopleImport1732009400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE people_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        actor_id uuid REFERENCES users(id),
        file_name text NOT NULL DEFAULT '',
        organisations integer NOT NULL,
        users integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE password_set_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        import_id uuid REFERENCES people_imports(id) ON DELETE SET NULL,
        created_by uuid REFERENCES users(id),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX password_set_tokens_user_idx ON password_set_tokens (user_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_set_tokens; DROP TABLE people_imports;`);
  }
}
