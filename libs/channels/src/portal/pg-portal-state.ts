import type { DataSource, EntityManager } from 'typeorm';
import type { NumberedArticle, PlacedArticle, PortalColumn, PortalState, PortalStateTx } from './portal-state';
import type { PortalArticle } from './portal-templates';

type Q = Pick<EntityManager, 'query'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The article without its body: what the lists show. */
const SUMMARY = `article #- '{snapshot,bodyHtml}' AS article`;

function summaries(rows: { article: PortalArticle }[]): PortalArticle[] {
  return rows.map((r) => ({ ...r.article, snapshot: { ...r.article.snapshot, bodyHtml: '' } }));
}

/** The reads and writes of one site, on one connection (a site transaction's, or the pool's). Each query is bounded by an index range. */
class PgTx implements PortalStateTx {
  constructor(
    private readonly q: Q,
    private readonly siteKey: string,
  ) {}

  async get(itemId: string): Promise<PortalArticle | null> {
    if (!UUID.test(itemId)) return null;
    const rows = await this.q.query(`SELECT article FROM portal_articles WHERE site_key = $1 AND item_id = $2`, [this.siteKey, itemId]);
    return rows[0]?.article ?? null;
  }

  related(itemId: string, policyItemId: string | null): Promise<PortalArticle[]> {
    return this.relatedOf([itemId], policyItemId ? [policyItemId] : []);
  }

  async relatedOf(itemIds: string[], policyIds: string[]): Promise<PortalArticle[]> {
    // two index lookups (the primary key, the policy index): never a scan of the site's JSON
    const rows = await this.q.query(
      `SELECT ${SUMMARY} FROM portal_articles WHERE site_key = $1 AND NOT withdrawn AND item_id = ANY($3::uuid[])
       UNION
       SELECT ${SUMMARY} FROM portal_articles WHERE site_key = $1 AND NOT withdrawn AND policy_item_id = ANY($2::text[])`,
      [this.siteKey, itemIds, policyIds.filter((id) => UUID.test(id))],
    );
    return summaries(rows);
  }

  async save(a: PortalArticle): Promise<PlacedArticle> {
    const s = a.snapshot;
    const live = !a.withdrawn;
    const [old] = await this.q.query(
      `SELECT seq::int AS seq, category, col_seq::int AS "colSeq", withdrawn FROM portal_articles WHERE site_key = $1 AND item_id = $2 FOR UPDATE`,
      [this.siteKey, s.itemId],
    );
    const prev: PlacedArticle['prev'] = old ? { category: old.category, colSeq: old.colSeq, live: !old.withdrawn } : null;
    if (!old) {
      // a first publication: the site's next number, the column's next number and the row, in one statement
      const [row] = await this.q.query(
        `WITH s AS (UPDATE portal_sites SET max_seq = max_seq + 1 WHERE site_key = $1 RETURNING max_seq),
              c AS (INSERT INTO portal_columns (site_key, category, max_col_seq, live_count) SELECT $1::text, $6::text, 1, $8::bigint FROM s
                    ON CONFLICT (site_key, category) DO UPDATE SET max_col_seq = portal_columns.max_col_seq + 1, live_count = portal_columns.live_count + $8::bigint
                    RETURNING max_col_seq),
              a AS (INSERT INTO portal_articles (site_key, item_id, version_no, withdrawn, article, seq, category, col_seq, policy_item_id)
                    SELECT $1::text, $2::uuid, $3::int, $4::boolean, $5::jsonb, s.max_seq, $6::text, c.max_col_seq, $7::text FROM s, c RETURNING seq, col_seq)
         SELECT seq::int AS seq, col_seq::int AS "colSeq" FROM a`,
        [this.siteKey, s.itemId, s.versionNo, a.withdrawn, JSON.stringify(a), s.category, s.policyItemId || null, live ? 1 : 0],
      );
      if (!row) throw new Error(`portal site ${this.siteKey} is not claimed (portal_sites)`);
      return { seq: row.seq, category: s.category, colSeq: row.colSeq, live, prev: null };
    }
    const seq: number = old.seq;
    let colSeq: number;
    if (prev!.category === s.category) {
      colSeq = prev!.colSeq;
      const delta = (live ? 1 : 0) - (prev!.live ? 1 : 0);
      if (delta)
        await this.q.query(`UPDATE portal_columns SET live_count = live_count + $3 WHERE site_key = $1 AND category = $2`, [this.siteKey, s.category, delta]);
    } else {
      if (prev!.live)
        await this.q.query(`UPDATE portal_columns SET live_count = live_count - 1 WHERE site_key = $1 AND category = $2`, [this.siteKey, prev!.category]);
      const [col] = await this.q.query(
        `WITH c AS (INSERT INTO portal_columns (site_key, category, max_col_seq, live_count) VALUES ($1, $2, 1, $3)
           ON CONFLICT (site_key, category) DO UPDATE SET max_col_seq = portal_columns.max_col_seq + 1, live_count = portal_columns.live_count + $3
           RETURNING max_col_seq) SELECT max_col_seq::int AS n FROM c`,
        [this.siteKey, s.category, live ? 1 : 0],
      );
      colSeq = col.n;
    }
    await this.q.query(
      `UPDATE portal_articles SET version_no = $3, withdrawn = $4, article = $5, category = $6, col_seq = $7, policy_item_id = $8, updated_at = now()
        WHERE site_key = $1 AND item_id = $2`,
      [this.siteKey, s.itemId, s.versionNo, a.withdrawn, JSON.stringify(a), s.category, colSeq, s.policyItemId || null],
    );
    return { seq, category: s.category, colSeq, live, prev };
  }

  async setUploads(itemId: string, keys: string[]): Promise<string[]> {
    const dropped: { upload_key: string }[] = await this.q.query(
      // a SELECT around the DELETE: TypeORM answers a bare DELETE ... RETURNING with [rows, count]
      `WITH d AS (DELETE FROM portal_uploads WHERE site_key = $1 AND item_id = $2 AND NOT (upload_key = ANY($3::text[])) RETURNING upload_key) SELECT upload_key FROM d`,
      [this.siteKey, itemId, keys],
    );
    if (keys.length) {
      await this.q.query(`INSERT INTO portal_uploads (site_key, upload_key, item_id) SELECT $1, k, $2 FROM unnest($3::text[]) AS k ON CONFLICT DO NOTHING`, [
        this.siteKey,
        itemId,
        keys,
      ]);
    }
    if (!dropped.length) return [];
    const still: { upload_key: string }[] = await this.q.query(
      `SELECT DISTINCT upload_key FROM portal_uploads WHERE site_key = $1 AND upload_key = ANY($2::text[])`,
      [this.siteKey, dropped.map((d) => d.upload_key)],
    );
    const used = new Set(still.map((s) => s.upload_key));
    return [...new Set(dropped.map((d) => d.upload_key))].filter((k) => !used.has(k));
  }

  async layout(): Promise<number> {
    const rows = await this.q.query(`SELECT layout FROM portal_sites WHERE site_key = $1`, [this.siteKey]);
    return rows[0]?.layout ?? 0;
  }

  async setLayout(v: number): Promise<void> {
    await this.q.query(`UPDATE portal_sites SET layout = $2 WHERE site_key = $1`, [this.siteKey, v]);
  }

  async maxSeq(): Promise<number> {
    const rows = await this.q.query(`SELECT max_seq::int AS n FROM portal_sites WHERE site_key = $1`, [this.siteKey]);
    return rows[0]?.n ?? 0;
  }

  async columns(): Promise<PortalColumn[]> {
    return this.q.query(
      `SELECT category, max_col_seq::int AS "maxColSeq", live_count::int AS "liveCount" FROM portal_columns WHERE site_key = $1 ORDER BY category`,
      [this.siteKey],
    );
  }

  async heads(): Promise<{ maxSeq: number; columns: PortalColumn[] }> {
    const rows = await this.q.query(
      `SELECT s.max_seq::int AS "maxSeq",
              coalesce((SELECT json_agg(json_build_object('category', c.category, 'maxColSeq', c.max_col_seq, 'liveCount', c.live_count) ORDER BY c.category)
                          FROM portal_columns c WHERE c.site_key = s.site_key), '[]') AS columns
         FROM portal_sites s WHERE s.site_key = $1`,
      [this.siteKey],
    );
    return rows[0] ?? { maxSeq: 0, columns: [] };
  }

  async bySeq(from: number, to: number): Promise<PortalArticle[]> {
    const rows = await this.q.query(
      `SELECT ${SUMMARY} FROM portal_articles WHERE site_key = $1 AND NOT withdrawn AND seq BETWEEN $2 AND $3 ORDER BY seq DESC`,
      [this.siteKey, from, to],
    );
    return summaries(rows);
  }

  async byColSeq(category: string, from: number, to: number): Promise<PortalArticle[]> {
    const rows = await this.q.query(
      `SELECT ${SUMMARY} FROM portal_articles WHERE site_key = $1 AND category = $2 AND NOT withdrawn AND col_seq BETWEEN $3 AND $4 ORDER BY col_seq DESC`,
      [this.siteKey, category, from, to],
    );
    return summaries(rows);
  }

  async latest(n: number): Promise<PortalArticle[]> {
    const rows = await this.q.query(`SELECT ${SUMMARY} FROM portal_articles WHERE site_key = $1 AND NOT withdrawn ORDER BY seq DESC LIMIT $2`, [
      this.siteKey,
      n,
    ]);
    return summaries(rows);
  }

  async latestPerColumn(n: number): Promise<Map<string, PortalArticle[]>> {
    const rows: { category: string; article: PortalArticle }[] = await this.q.query(
      `SELECT c.category, x.article FROM portal_columns c
         CROSS JOIN LATERAL (SELECT ${SUMMARY}, col_seq FROM portal_articles a
                              WHERE a.site_key = c.site_key AND a.category = c.category AND NOT a.withdrawn ORDER BY a.col_seq DESC LIMIT $2) x
        WHERE c.site_key = $1 AND c.live_count > 0
        ORDER BY c.category, x.col_seq DESC`,
      [this.siteKey, n],
    );
    const out = new Map<string, PortalArticle[]>();
    for (const r of rows) out.set(r.category, [...(out.get(r.category) ?? []), ...summaries([r])]);
    return out;
  }

  async liveNewerThan(seq: number, limit: number): Promise<number> {
    const rows = await this.q.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM portal_articles WHERE site_key = $1 AND NOT withdrawn AND seq > $2 ORDER BY seq LIMIT $3) x`,
      [this.siteKey, seq, limit],
    );
    return rows[0].n;
  }

  async numbered(from: number, to: number): Promise<NumberedArticle[]> {
    return this.q.query(
      `SELECT seq::int AS seq, col_seq::int AS "colSeq", article FROM portal_articles WHERE site_key = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq`,
      [this.siteKey, from, to],
    );
  }
}

/** The portal state of one site in Postgres; the site lock is a transaction-scoped advisory lock on its key. */
export class PgPortalState implements PortalState {
  constructor(
    private readonly ds: DataSource,
    private readonly siteKey: string,
  ) {}

  locked<T>(fn: (st: PortalStateTx) => Promise<T>): Promise<T> {
    return this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`portal-site:${this.siteKey}`]);
      return fn(new PgTx(em, this.siteKey));
    });
  }

  get(itemId: string): Promise<PortalArticle | null> {
    return new PgTx(this.ds, this.siteKey).get(itemId);
  }

  related(itemId: string, policyItemId: string | null): Promise<PortalArticle[]> {
    return new PgTx(this.ds, this.siteKey).related(itemId, policyItemId);
  }

  layout(): Promise<number> {
    return new PgTx(this.ds, this.siteKey).layout();
  }
}
