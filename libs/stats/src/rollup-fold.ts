/** Where a fold runs: the data source, or any connection that answers a query with its rows. */
export interface FoldDb {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/** Pending ledger rows rolled up per transaction (stats_fold_pending, migration 1732010000000). */
export const FOLD_BATCH = 5000;

/**
 * Rolls the pending ledger rows up (migration 1732010000000), a batch per transaction, until none is
 * left. `wait`: queue behind a fold in progress (a read that must see every committed publication);
 * otherwise leave at once when another process is folding (the schedule: the other fold takes them).
 * Returns the rows folded here. Runs on its own connection's autocommit, never in a caller's
 * transaction: the rollups it writes must be committed for every other reader.
 */
export async function foldPending(db: FoldDb, wait: boolean, batch = FOLD_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const [{ n }] = (await db.query('SELECT stats_fold_pending($1, $2) AS n', [batch, wait])) as { n: number }[];
    if (n < 0) return total;
    total += n;
    if (n < batch) return total;
  }
}

/**
 * Folds before a read of the rollups, sharing folds between concurrent readers of one process without
 * ever letting a reader join a fold that began before it: callers that arrive while a fold runs share
 * the one that starts after it (a publication committed before the read is then folded, whatever the
 * running fold had already taken).
 */
export class FoldBeforeRead {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly db: FoldDb) {}

  settle(): Promise<void> {
    if (!this.running) {
      this.running = foldPending(this.db, true)
        .then(() => undefined)
        .finally(() => (this.running = null));
      return this.running;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.settle();
      });
    return this.next;
  }
}
