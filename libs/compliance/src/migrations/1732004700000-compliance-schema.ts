import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tables of the compliance integration (apps/api/src/compliance, apps/worker/src/compliance):
 *
 * - compliance_lexicons: the admin's edits of the sensitive-word / typo / secrecy lexicons. The files
 *   under config/lexicons are the shipped baseline; a row here replaces the file lexicon with the same
 *   id (or adds a new one, or switches one off with `disabled`). Every write takes a value from
 *   compliance_lexicon_revision so each API process notices the change and reloads its checker.
 * - compliance_deadline_alerts: what the hourly deadline/staleness scan found, with when it was first
 *   seen and when it stopped being a problem (the history an assessment asks about).
 */
export class ComplianceSchema1732004700000 implements MigrationInterface {
  name = 'ComplianceSchema1732004700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE SEQUENCE compliance_lexicon_revision;

      CREATE TABLE compliance_lexicons (
        id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.-]{1,80}$'),
        kind text NOT NULL CHECK (kind IN ('sensitive','typos','secrecy')),
        doc jsonb NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        revision bigint NOT NULL DEFAULT nextval('compliance_lexicon_revision'),
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE compliance_deadline_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('interpretation','disclosure','stale-account','stale-column')),
        subject_key text NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        status text NOT NULL,
        due_date date,
        days_late int,
        message text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}',
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      );
      CREATE UNIQUE INDEX compliance_deadline_alerts_open_idx ON compliance_deadline_alerts (kind, subject_key) WHERE resolved_at IS NULL;
      CREATE INDEX compliance_deadline_alerts_org_idx ON compliance_deadline_alerts (organisation_id, resolved_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE compliance_deadline_alerts;
      DROP TABLE compliance_lexicons;
      DROP SEQUENCE compliance_lexicon_revision;
    `);
  }
}
