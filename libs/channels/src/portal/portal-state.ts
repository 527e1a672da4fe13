import type { PortalArticle } from './portal-templates';

/**
 * What a portal site shows, kept outside the site directory (issue 12: internal state lives in
 * Postgres, never under PORTAL_DIR): the articles (public fields only), their numbers in the site and in
 * their column (issue 17: the paged lists are ranges of these numbers), and which article uses which
 * public copy of an upload. Every read a list page needs is bounded by the page, never by the site.
 */
export interface PortalState {
  /** Runs `fn` while no other writer of this site, in any process, changes the site's state or writes its lists. */
  locked<T>(fn: (st: PortalStateTx) => Promise<T>): Promise<T>;
  get(itemId: string): Promise<PortalArticle | null>;
  related(itemId: string, policyItemId: string | null): Promise<PortalArticle[]>;
  /** The list layout the site's files were last fully written in (0 when never). */
  layout(): Promise<number>;
}

/** A column of the site: the last number given in it and how many live articles it shows. */
export interface PortalColumn {
  category: string;
  maxColSeq: number;
  liveCount: number;
}

/** Where an article sits in the lists after a save, and where it sat before (null: first publication). */
export interface PlacedArticle {
  seq: number;
  category: string;
  colSeq: number;
  live: boolean;
  prev: { category: string; colSeq: number; live: boolean } | null;
}

/** An article with its numbers (for full rebuilds). */
export interface NumberedArticle {
  seq: number;
  colSeq: number;
  article: PortalArticle;
}

/** Reads both a transaction and the state itself answer. */
export interface PortalReader {
  get(itemId: string): Promise<PortalArticle | null>;
  /** Live articles (bodies left out) that are the given policy or interpret the given item. */
  related(itemId: string, policyItemId: string | null): Promise<PortalArticle[]>;
  /** The same for many at once: live articles that are one of `policyIds` or interpret one of `itemIds`. */
  relatedOf(itemIds: string[], policyIds: string[]): Promise<PortalArticle[]>;
}

/** The reads of the list pages: each bounded by what one page shows. Articles come without bodies. */
export interface PortalListReader {
  /** The last number given in the site (0: none). */
  maxSeq(): Promise<number>;
  /** Every column of the site (a column stays once it had an article). */
  columns(): Promise<PortalColumn[]>;
  /** maxSeq() and columns() in one read. */
  heads(): Promise<{ maxSeq: number; columns: PortalColumn[] }>;
  /** Live articles numbered from..to in the site, newest first. */
  bySeq(from: number, to: number): Promise<PortalArticle[]>;
  /** Live articles numbered from..to in the column, newest first. */
  byColSeq(category: string, from: number, to: number): Promise<PortalArticle[]>;
  /** The newest `n` live articles of the site. */
  latest(n: number): Promise<PortalArticle[]>;
  /** The newest `n` live articles of each column. */
  latestPerColumn(n: number): Promise<Map<string, PortalArticle[]>>;
  /** How many live articles are newer than number `seq` (counting stops at `limit`). */
  liveNewerThan(seq: number, limit: number): Promise<number>;
  /** Articles numbered from..to, withdrawn ones too, with bodies (for full rebuilds). */
  numbered(from: number, to: number): Promise<NumberedArticle[]>;
}

export interface PortalStateTx extends PortalReader, PortalListReader {
  /** Saves the article; gives it its numbers at its first publication (and a new column number when its column changes). */
  save(a: PortalArticle): Promise<PlacedArticle>;
  /** Sets the uploads an article uses; returns the keys no article of the site uses any more. */
  setUploads(itemId: string, keys: string[]): Promise<string[]>;
  setLayout(v: number): Promise<void>;
}

interface MemoryRow {
  seq: number;
  colSeq: number;
  article: PortalArticle;
}

const summary = (a: PortalArticle): PortalArticle => ({ ...structuredClone(a), snapshot: { ...structuredClone(a.snapshot), bodyHtml: '' } });

/** In memory, for unit specs of the writer (one process, a promise chain as the lock). */
export class MemoryPortalState implements PortalState {
  readonly articles = new Map<string, PortalArticle>();
  readonly uploads = new Map<string, Set<string>>(); // itemId -> keys
  private readonly rows = new Map<string, MemoryRow>();
  private readonly cols = new Map<string, PortalColumn>();
  private max = 0;
  private layoutVersion = 0;
  private chain: Promise<unknown> = Promise.resolve();

  locked<T>(fn: (st: PortalStateTx) => Promise<T>): Promise<T> {
    const run = this.chain.then(() => fn(this.tx()));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private live(): MemoryRow[] {
    return [...this.rows.values()].filter((r) => !r.article.withdrawn);
  }

  private tx(): PortalStateTx {
    return {
      get: (id) => this.get(id),
      related: (id, policy) => this.related(id, policy),
      relatedOf: async (ids, policies) =>
        this.live()
          .map((r) => r.article)
          .filter((a) => policies.includes(a.snapshot.itemId) || (!!a.snapshot.policyItemId && ids.includes(a.snapshot.policyItemId)))
          .map(summary),
      save: async (a) => this.save(a),
      setUploads: async (id, keys) => {
        const before = this.uploads.get(id) ?? new Set<string>();
        this.uploads.set(id, new Set(keys));
        const used = new Set([...this.uploads.values()].flatMap((s) => [...s]));
        return [...before].filter((k) => !used.has(k));
      },
      setLayout: async (v) => void (this.layoutVersion = v),
      maxSeq: async () => this.max,
      columns: async () => [...this.cols.values()].map((c) => ({ ...c })),
      heads: async () => ({ maxSeq: this.max, columns: [...this.cols.values()].map((c) => ({ ...c })) }),
      bySeq: async (from, to) =>
        this.live()
          .filter((r) => r.seq >= from && r.seq <= to)
          .sort((a, b) => b.seq - a.seq)
          .map((r) => summary(r.article)),
      byColSeq: async (category, from, to) =>
        this.live()
          .filter((r) => r.article.snapshot.category === category && r.colSeq >= from && r.colSeq <= to)
          .sort((a, b) => b.colSeq - a.colSeq)
          .map((r) => summary(r.article)),
      latest: async (n) =>
        this.live()
          .sort((a, b) => b.seq - a.seq)
          .slice(0, n)
          .map((r) => summary(r.article)),
      latestPerColumn: async (n) => {
        const out = new Map<string, PortalArticle[]>();
        for (const r of this.live().sort((a, b) => b.colSeq - a.colSeq)) {
          const list = out.get(r.article.snapshot.category) ?? [];
          if (list.length < n) list.push(summary(r.article));
          out.set(r.article.snapshot.category, list);
        }
        return out;
      },
      liveNewerThan: async (seq, limit) => Math.min(limit, this.live().filter((r) => r.seq > seq).length),
      numbered: async (from, to) =>
        [...this.rows.values()]
          .filter((r) => r.seq >= from && r.seq <= to)
          .sort((a, b) => a.seq - b.seq)
          .map((r) => ({ seq: r.seq, colSeq: r.colSeq, article: structuredClone(r.article) })),
    };
  }

  private column(category: string): PortalColumn {
    let c = this.cols.get(category);
    if (!c) this.cols.set(category, (c = { category, maxColSeq: 0, liveCount: 0 }));
    return c;
  }

  private save(a: PortalArticle): PlacedArticle {
    const id = a.snapshot.itemId;
    const old = this.rows.get(id);
    const category = a.snapshot.category;
    const live = !a.withdrawn;
    const prev = old ? { category: old.article.snapshot.category, colSeq: old.colSeq, live: !old.article.withdrawn } : null;
    const seq = old?.seq ?? ++this.max;
    if (prev) this.column(prev.category).liveCount -= prev.live ? 1 : 0;
    const col = this.column(category);
    const colSeq = prev && prev.category === category ? prev.colSeq : ++col.maxColSeq;
    col.liveCount += live ? 1 : 0;
    this.rows.set(id, { seq, colSeq, article: structuredClone(a) });
    this.articles.set(id, structuredClone(a));
    return { seq, category, colSeq, live, prev };
  }

  async get(itemId: string) {
    return structuredClone(this.rows.get(itemId)?.article ?? null);
  }

  async related(itemId: string, policyItemId: string | null) {
    return this.live()
      .map((r) => r.article)
      .filter((a) => a.snapshot.itemId === policyItemId || a.snapshot.policyItemId === itemId)
      .map(summary);
  }

  async layout() {
    return this.layoutVersion;
  }
}
