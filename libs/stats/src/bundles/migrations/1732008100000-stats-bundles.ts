import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports sent upward between installations (issue 16.4).
 *   stats_installation_key  this installation's Ed25519 key pair (one row; private key sealed with ENCRYPTION_KEY)
 *   stats_bundle_senders    the lower installations a receiving organisation accepts bundles from (public keys)
 *   stats_bundles           imported bundles: the signed file as received, its leaf figures (for the
 *                           aggregate), status 已报 / 退回 / 已采纳; a resubmission after a return
 *                           supersedes the returned one (superseded_by), so each sender has at most one
 *                           current bundle per template and year.
 *   stats_bundle_totals     per receiving organisation, template, year and cell, the sum of the accepted
 *                           bundles' figures, added in the accepting transaction (an accepted bundle never
 *                           changes again), so an aggregate of thousands of bundles reads a few dozen rows.
 */
export class StatsBundles1732008100000 implements MigrationInterface {
  name = 'StatsBundles1732008100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_installation_key (
        id text PRIMARY KEY CHECK (id = 'installation'),
        key_id text NOT NULL,
        public_key text NOT NULL,
        private_key_sealed text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE stats_bundle_senders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        receiver_org_id uuid NOT NULL REFERENCES organisations(id),
        name text NOT NULL,
        key_id text NOT NULL,
        public_key text NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (receiver_org_id, key_id)
      );
      CREATE TABLE stats_bundles (
        id uuid PRIMARY KEY,
        sender_id uuid NOT NULL REFERENCES stats_bundle_senders(id),
        receiver_org_id uuid NOT NULL REFERENCES organisations(id),
        template_id text NOT NULL,
        year int NOT NULL,
        status text NOT NULL CHECK (status IN ('submitted', 'returned', 'accepted')),
        superseded_by uuid REFERENCES stats_bundles(id) DEFERRABLE INITIALLY DEFERRED,
        sender_org jsonb NOT NULL,
        subtree boolean NOT NULL,
        digest text NOT NULL,
        signoff jsonb NOT NULL,
        frozen_at timestamptz NOT NULL,
        figures jsonb NOT NULL,
        envelope text NOT NULL,
        imported_by uuid NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        return_comment text,
        returned_by uuid,
        returned_at timestamptz,
        accepted_by uuid,
        accepted_at timestamptz,
        CHECK ((status = 'returned') = (return_comment IS NOT NULL)),
        CHECK (superseded_by IS NULL OR status = 'returned')
      );
      CREATE UNIQUE INDEX stats_bundles_current ON stats_bundles (sender_id, template_id, year) WHERE superseded_by IS NULL;
      CREATE INDEX stats_bundles_receiver ON stats_bundles (receiver_org_id, template_id, year) WHERE superseded_by IS NULL;
      CREATE TABLE stats_bundle_totals (
        receiver_org_id uuid NOT NULL REFERENCES organisations(id),
        template_id text NOT NULL,
        year int NOT NULL,
        cell_id text NOT NULL,
        total numeric NOT NULL,
        PRIMARY KEY (receiver_org_id, template_id, year, cell_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stats_bundle_totals; DROP TABLE stats_bundles; DROP TABLE stats_bundle_senders; DROP TABLE stats_installation_key;`);
  }
}
