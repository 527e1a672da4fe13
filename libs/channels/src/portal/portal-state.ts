import type { DataSource, EntityManager } from 'typeorm';
import type { PortalArticle } from './portal-templates';

/**
 * What a portal site shows, kept outside the site directory (issue 12: internal state lives in
 * Postgres, never under PORTAL_DIR): the articles (public fields only) and which article uses which
 * public copy of an upload.
 */
export interface PortalState {
  /** Runs `fn` while no other writer of this site, in any process, changes the site's state. */
  locked<T>(fn: (st: PortalStateTx) => Promise<T>): Promise<T>;
  get(itemId: string): Promise<PortalArticle | null>;
  /** Every article of the site (withdrawn ones too), bodies left out: enough for the lists. */
  summaries(): Promise<PortalArticle[]>;
  /** Changes whenever an article is added, revised or withdrawn. */
  signature(): Promise<string>;
  related(itemId: string, policyItemId: string | null): Promise<PortalArticle[]>;
}

/** Reads both a transaction and the state itself answer. */
export interface PortalReader {
  get(itemId: string): Promise<PortalArticle | null>;
  /** Live articles (bodies left out) that are the given policy or interpret the given item. */
  related(itemId: string, policyItemId: string | null): Promise<PortalArticle[]>;
}

export interface PortalStateTx extends PortalReader {
  save(a: PortalArticle): Promise<void>;
  /** Sets the uploads an article uses; returns the keys no article of the site uses any more. */
  setUploads(itemId: string, keys: string[]): Promise<string[]>;
}

type Q = Pick<EntityManager, 'query'>;

class PgTx implements PortalStateTx {
  constructor(
    private readonly q: Q,
    private readonly siteKey: string,
  ) {}

  async get(itemId: string): Promise<PortalArticle | null> {
    const rows = await this.q.query(`SELECT article FROM portal_articles WHERE site_key = $1 AND item_id = $2`, [this.siteKey, itemId]);
    return rows[0]?.article ?? null;
  }

  async related(itemId: string, policyItemId: string | null): Promise<PortalArticle[]> {
    const rows = await this.q.query(
      `SELECT article #- '{snapshot,bodyHtml}' AS article FROM portal_articles
        WHERE site_key = $1 AND NOT withdrawn AND (item_id::text = $3 OR article->'snapshot'->>'policyItemId' = $2)`,
      [this.siteKey, itemId, policyItemId ?? ''],
    );
    return rows.map((r: { article: PortalArticle }) => ({ ...r.article, snapshot: { ...r.article.snapshot, bodyHtml: '' } }));
  }

  async save(a: PortalArticle): Promise<void> {
    await this.q.query(
      `INSERT INTO portal_articles (site_key, item_id, version_no, withdrawn, article) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (site_key, item_id) DO UPDATE SET version_no = EXCLUDED.version_no, withdrawn = EXCLUDED.withdrawn, article = EXCLUDED.article, updated_at = now()`,
      [this.siteKey, a.snapshot.itemId, a.snapshot.versionNo, a.withdrawn, JSON.stringify(a)],
    );
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
}

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

  async summaries(): Promise<PortalArticle[]> {
    const rows = await this.ds.query(`SELECT article #- '{snapshot,bodyHtml}' AS article FROM portal_articles WHERE site_key = $1`, [this.siteKey]);
    return rows.map((r: { article: PortalArticle }) => ({ ...r.article, snapshot: { ...r.article.snapshot, bodyHtml: '' } }));
  }

  async signature(): Promise<string> {
    const rows = await this.ds.query(
      `SELECT coalesce(string_agg(item_id || ':' || version_no || ':' || withdrawn::int, ',' ORDER BY item_id), '') AS s FROM portal_articles WHERE site_key = $1`,
      [this.siteKey],
    );
    return rows[0].s;
  }
}

/** In memory, for unit specs of the writer (one process, a promise chain as the lock). */
export class MemoryPortalState implements PortalState {
  readonly articles = new Map<string, PortalArticle>();
  readonly uploads = new Map<string, Set<string>>(); // itemId -> keys
  private chain: Promise<unknown> = Promise.resolve();

  locked<T>(fn: (st: PortalStateTx) => Promise<T>): Promise<T> {
    const run = this.chain.then(() => fn(this.tx()));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private tx(): PortalStateTx {
    return {
      get: async (id) => structuredClone(this.articles.get(id) ?? null),
      related: (id, policy) => this.related(id, policy),
      save: async (a) => void this.articles.set(a.snapshot.itemId, structuredClone(a)),
      setUploads: async (id, keys) => {
        const before = this.uploads.get(id) ?? new Set<string>();
        this.uploads.set(id, new Set(keys));
        const used = new Set([...this.uploads.values()].flatMap((s) => [...s]));
        return [...before].filter((k) => !used.has(k));
      },
    };
  }

  async get(itemId: string) {
    return structuredClone(this.articles.get(itemId) ?? null);
  }

  async related(itemId: string, policyItemId: string | null) {
    return (await this.summaries()).filter((a) => !a.withdrawn && (a.snapshot.itemId === policyItemId || a.snapshot.policyItemId === itemId));
  }

  async summaries() {
    return [...this.articles.values()].map((a) => ({ ...structuredClone(a), snapshot: { ...a.snapshot, bodyHtml: '' } }));
  }

  async signature() {
    return [...this.articles.values()]
      .map((a) => `${a.snapshot.itemId}:${a.snapshot.versionNo}:${a.withdrawn ? 1 : 0}`)
      .sort()
      .join(',');
  }
}
