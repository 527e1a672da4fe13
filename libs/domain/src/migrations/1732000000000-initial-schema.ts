import { MigrationInterface, QueryRunner } from 'typeorm';

/** The foundation schema. Hand-written SQL: the schema is a contract, not a by-product of entities. */
export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        parent_id uuid REFERENCES organisations(id),
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        level text NOT NULL DEFAULT 'department',
        path text NOT NULL,
        review_levels int NOT NULL DEFAULT 1 CHECK (review_levels BETWEEN 1 AND 5),
        index_scheme text NOT NULL DEFAULT '{orgCode}/{yyyy}-{seq:5}',
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX organisations_path_idx ON organisations (path text_pattern_ops);
      CREATE INDEX organisations_parent_idx ON organisations (parent_id);

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL UNIQUE,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE user_roles (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        role text NOT NULL CHECK (role IN ('editor','reviewer','operator','statistician','admin')),
        PRIMARY KEY (user_id, organisation_id, role)
      );

      CREATE TABLE index_sequences (
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        year int NOT NULL,
        last_seq int NOT NULL DEFAULT 0,
        PRIMARY KEY (organisation_id, year)
      );

      CREATE TABLE items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        author_id uuid NOT NULL REFERENCES users(id),
        status text NOT NULL DEFAULT 'draft'
          CHECK (status IN ('draft','submitted','approved','rejected','published','withdrawn')),
        title text NOT NULL,
        body_html text NOT NULL DEFAULT '',
        summary text NOT NULL DEFAULT '',
        index_no text NOT NULL UNIQUE,
        doc_no text,
        issuing_body text NOT NULL,
        written_date date,
        publish_date date,
        category text NOT NULL DEFAULT '其他',
        disclosure_attr text NOT NULL DEFAULT '主动公开',
        validity text NOT NULL DEFAULT '有效',
        repealed_date date,
        kind text NOT NULL DEFAULT 'notice'
          CHECK (kind IN ('regulation','normative','interpretation','response','personnel','notice','other')),
        policy_item_id uuid REFERENCES items(id),
        attachments jsonb NOT NULL DEFAULT '[]',
        target_account_ids uuid[] NOT NULL DEFAULT '{}',
        channel_overrides jsonb NOT NULL DEFAULT '{}',
        publish_at timestamptz,
        review_level int NOT NULL DEFAULT 0,
        current_version_no int NOT NULL DEFAULT 0,
        rejection_reason text,
        row_version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX items_org_status_idx ON items (organisation_id, status);
      CREATE INDEX items_author_idx ON items (author_id);

      CREATE TABLE item_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        version_no int NOT NULL,
        snapshot jsonb NOT NULL,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (item_id, version_no)
      );

      CREATE TABLE review_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        round int NOT NULL,
        level int NOT NULL,
        reviewer_id uuid NOT NULL REFERENCES users(id),
        decision text NOT NULL CHECK (decision IN ('approve','reject')),
        reason text,
        secrecy_conclusion text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX review_decisions_once_idx ON review_decisions (item_id, round, level) WHERE decision = 'approve';

      CREATE TABLE compliance_findings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        rule text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('block','review','warn')),
        field text NOT NULL,
        start int NOT NULL,
        "end" int NOT NULL,
        excerpt text NOT NULL,
        message text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','kept','redacted','resolved')),
        decided_by uuid REFERENCES users(id),
        decision_reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX compliance_findings_item_idx ON compliance_findings (item_id, status);

      CREATE TABLE channel_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        channel_type text NOT NULL,
        name text NOT NULL,
        base_url text NOT NULL DEFAULT '',
        credentials_enc text,
        settings jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','needs_attention')),
        status_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX channel_accounts_org_idx ON channel_accounts (organisation_id, channel_type);

      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        item_version_id uuid NOT NULL REFERENCES item_versions(id),
        version_no int NOT NULL,
        channel_account_id uuid NOT NULL REFERENCES channel_accounts(id),
        channel_type text NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','processing','awaiting_confirmation',
          'awaiting_issue','unconfirmed','published','withdrawing','withdrawn','failed','cancelled')),
        due_at timestamptz NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        checkpoint jsonb NOT NULL DEFAULT '{}',
        external_id text,
        external_url text,
        last_error_code text,
        last_error_message text,
        lease_until timestamptz,
        next_attempt_at timestamptz,
        published_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (item_version_id, channel_account_id)
      );
      CREATE INDEX deliveries_state_due_idx ON deliveries (state, due_at);
      CREATE INDEX deliveries_item_idx ON deliveries (item_id);
      CREATE INDEX deliveries_account_idx ON deliveries (channel_account_id, state);
      CREATE INDEX deliveries_org_idx ON deliveries (organisation_id, created_at);

      CREATE TABLE delivery_events (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES deliveries(id),
        kind text NOT NULL,
        from_state text,
        to_state text,
        call text,
        response text,
        error_code text,
        message text,
        duration_ms int,
        actor_id uuid,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX delivery_events_delivery_idx ON delivery_events (delivery_id, id);

      CREATE TABLE publication_records (
        id bigserial PRIMARY KEY,
        delivery_id uuid UNIQUE REFERENCES deliveries(id),
        item_id uuid NOT NULL REFERENCES items(id),
        item_version_id uuid REFERENCES item_versions(id),
        version_no int NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        channel_type text NOT NULL,
        channel_account_id uuid REFERENCES channel_accounts(id),
        published_at timestamptz NOT NULL,
        kind text NOT NULL,
        category text NOT NULL,
        is_normative boolean NOT NULL,
        is_interpretation boolean NOT NULL,
        is_response boolean NOT NULL,
        external_url text,
        manual boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX publication_records_org_time_idx ON publication_records (organisation_id, published_at);
      CREATE INDEX publication_records_item_idx ON publication_records (item_id);

      CREATE TABLE publication_withdrawals (
        id bigserial PRIMARY KEY,
        publication_record_id bigint NOT NULL REFERENCES publication_records(id),
        withdrawn_at timestamptz NOT NULL,
        reason text
      );

      CREATE TABLE audit_logs (
        id bigserial PRIMARY KEY,
        actor_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        item_id uuid,
        organisation_id uuid,
        details jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_logs_item_idx ON audit_logs (item_id, id);

      -- The ledger and the audit log are append-only: the database itself refuses to rewrite history.
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
      END $$;
      CREATE TRIGGER audit_logs_append_only BEFORE UPDATE OR DELETE ON audit_logs
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER publication_records_append_only BEFORE UPDATE OR DELETE ON publication_records
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER item_versions_append_only BEFORE UPDATE OR DELETE ON item_versions
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE audit_logs, publication_withdrawals, publication_records, delivery_events, deliveries,
        channel_accounts, compliance_findings, review_decisions, item_versions, items, index_sequences,
        user_roles, users, organisations CASCADE;
      DROP FUNCTION refuse_change();
    `);
  }
}
