import { MigrationInterface, QueryRunner } from 'typeorm';

/** Fixed key of the advisory lock that serialises folds of the pending ledger rows (stats_fold_pending). */
export const STATS_FOLD_LOCK_KEY = 727274107;

/** The ledger's statement trigger since this migration: note the 主动公开 rows for the next fold. */
export const FOLDED_ROLLUP_TRIGGER = `
  CREATE OR REPLACE FUNCTION stats_on_publications() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO stats_pending_publications (record_id)
      SELECT n.id FROM stats_new_publications n WHERE n.disclosure_attr = '主动公开';
    RETURN NULL;
  END $$;`;

/** The trigger before it (migration 1732009600000): the rollup in the publishing transaction. bench:scale's ledger part runs it as its baseline. */
export const INLINE_ROLLUP_TRIGGER = `
  CREATE OR REPLACE FUNCTION stats_on_publications() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    p publication_records[] := ARRAY(SELECT n FROM stats_new_publications n WHERE n.disclosure_attr = '主动公开');
  BEGIN
    IF cardinality(p) > 0 THEN PERFORM stats_rollup_publications(p); END IF;
    RETURN NULL;
  END $$;`;

/**
 * The rollups leave the publication statement (issue 17, "workers that add up").
 *
 * Until now the ledger's statement trigger rolled every publication up in the publishing transaction:
 * it locked the item-year rows and upserted the (period, dimension, organisation) rollups, rows that
 * every worker's publication statements share (an item goes to several accounts, handled by different
 * worker processes). Two workers' statements queued on those rows until the other committed, and each
 * statement paid the rollup's fixed cost for its few rows.
 *
 * Now the trigger only notes the statement's 主动公开 rows in stats_pending_publications (a row each, no
 * shared row). stats_fold_pending() rolls them up in large batches with the function the trigger used
 * (stats_rollup_publications, migration 1732009600000: same rules, same locks and lock order), deleting
 * them in the same transaction, so a pending row is counted exactly once:
 * - the worker folds on a schedule (STATS_FOLD_CRON, every second by default);
 * - every read of the rollups folds first (LedgerQueryService.settle), so a count read after a
 *   publication committed includes it, as before;
 * - folds are serialised by an advisory lock; each statement in the function sees the rows committed
 *   before it started (READ COMMITTED), so a fold that waited for another never folds its rows again.
 * stats_rebuild() takes the same lock, blocks ledger writes, empties the pending rows and recomputes.
 */
export class StatsRollupDeferred1732010000000 implements MigrationInterface {
  name = 'StatsRollupDeferred1732010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_pending_publications (record_id bigint PRIMARY KEY);
      ${FOLDED_ROLLUP_TRIGGER}

      -- Folds up to p_limit pending rows, oldest first; returns how many it took off the pending list,
      -- or -1 when p_wait is false and another fold holds the lock.
      CREATE FUNCTION stats_fold_pending(p_limit int, p_wait boolean) RETURNS int LANGUAGE plpgsql AS $$
      DECLARE
        ids bigint[];
        p publication_records[];
      BEGIN
        IF p_wait THEN
          PERFORM pg_advisory_xact_lock(${STATS_FOLD_LOCK_KEY});
        ELSIF NOT pg_try_advisory_xact_lock(${STATS_FOLD_LOCK_KEY}) THEN
          RETURN -1;
        END IF;
        WITH taken AS (
          DELETE FROM stats_pending_publications
           WHERE record_id = ANY (ARRAY(SELECT record_id FROM stats_pending_publications ORDER BY record_id LIMIT p_limit))
          RETURNING record_id)
        SELECT array_agg(record_id) INTO ids FROM taken;
        IF ids IS NULL THEN RETURN 0; END IF;
        p := ARRAY(SELECT r FROM publication_records r WHERE r.id = ANY (ids) ORDER BY r.id);
        IF cardinality(p) > 0 THEN PERFORM stats_rollup_publications(p); END IF;
        RETURN cardinality(ids);
      END $$
      SET enable_seqscan = off;

      ALTER FUNCTION stats_rebuild() RENAME TO stats_rebuild_from_ledger;
      CREATE FUNCTION stats_rebuild() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(${STATS_FOLD_LOCK_KEY});
        LOCK TABLE publication_records IN SHARE MODE;
        TRUNCATE stats_pending_publications;
        PERFORM stats_rebuild_from_ledger();
      END $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // Roll up what is pending, then put the rollup back into the publishing transaction.
    await q.query(`
      DROP FUNCTION stats_rebuild();
      ALTER FUNCTION stats_rebuild_from_ledger() RENAME TO stats_rebuild;
      ${INLINE_ROLLUP_TRIGGER}
      SELECT stats_fold_pending(2147483647, true);
      DROP FUNCTION stats_fold_pending(int, boolean);
      DROP TABLE stats_pending_publications;
    `);
  }
}
