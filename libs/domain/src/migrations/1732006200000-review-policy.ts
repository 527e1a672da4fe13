import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, point 4: the review policy as data.
 *
 * `organisations.review_policy` is the organisation's own ordered list of review levels
 * (`[{ "label": "初审", "role": "reviewer", "recordsSecrecy": false }, …]`); NULL means the organisation
 * inherits its nearest ancestor's policy, and the root's default is one level decided by a reviewer
 * (libs/review/src/review-policy.ts). It replaces the integer `review_levels`, which each organisation
 * held for itself: an organisation whose integer differs from what it would now inherit (its parent's
 * integer; 1 at the root) gets an explicit policy of that many reviewer levels, each recording the
 * 保密审查 conclusion as every level did before, so every organisation keeps the levels it had.
 *
 * `review_decisions.level_label` keeps the level's label as it was when the decision was taken (a
 * later policy change does not rewrite history). `user_roles.role` accepts the two roles 三审 offices
 * need: reviewer_lead (复审) and leader (终审, 分管领导).
 */
export class ReviewPolicy1732006200000 implements MigrationInterface {
  name = 'ReviewPolicy1732006200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE user_roles DROP CONSTRAINT IF EXISTS user_roles_role_check;
      ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check
        CHECK (role IN ('editor','reviewer','reviewer_lead','leader','operator','statistician','admin'));
      ALTER TABLE organisations ADD COLUMN review_policy jsonb
        CHECK (review_policy IS NULL OR (jsonb_typeof(review_policy) = 'array' AND jsonb_array_length(review_policy) BETWEEN 1 AND 5));
      ALTER TABLE review_decisions ADD COLUMN level_label text;
    `);
    await q.query(`
      CREATE FUNCTION pg_temp.legacy_review_policy(n int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
        SELECT jsonb_agg(jsonb_build_object('label', l.label, 'role', 'reviewer', 'recordsSecrecy', true) ORDER BY l.i)
          FROM (SELECT i, CASE WHEN n = 1 THEN '审核' WHEN i = 1 THEN '初审' WHEN i = n THEN '终审' WHEN i = 2 THEN '复审'
                               ELSE (ARRAY['一','二','三','四','五'])[i] || '审' END AS label
                  FROM generate_series(1, n) i) l
      $$;
      UPDATE organisations o SET review_policy = pg_temp.legacy_review_policy(o.review_levels)
        FROM organisations x LEFT JOIN organisations p ON p.id = x.parent_id
       WHERE x.id = o.id AND o.review_levels <> COALESCE(p.review_levels, 1);
      ALTER TABLE organisations DROP COLUMN review_levels;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organisations ADD COLUMN review_levels int NOT NULL DEFAULT 1;
      UPDATE organisations o SET review_levels = jsonb_array_length(
        (SELECT a.review_policy FROM organisations a WHERE a.review_policy IS NOT NULL AND o.path LIKE a.path || '%' ORDER BY length(a.path) DESC LIMIT 1))
       WHERE EXISTS (SELECT 1 FROM organisations a WHERE a.review_policy IS NOT NULL AND o.path LIKE a.path || '%');
      ALTER TABLE organisations DROP COLUMN review_policy;
      ALTER TABLE review_decisions DROP COLUMN level_label;
      DELETE FROM user_roles WHERE role IN ('reviewer_lead', 'leader');
      ALTER TABLE user_roles DROP CONSTRAINT IF EXISTS user_roles_role_check;
      ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN ('editor','reviewer','operator','statistician','admin'));
    `);
  }
}
