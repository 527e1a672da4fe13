import { EventEmitter } from 'events';

export type SystemName = 'wechat' | 'weibo' | 'huidu' | 'testchan' | 'novastar';
export const SYSTEM_NAMES: readonly SystemName[] = ['wechat', 'weibo', 'huidu', 'testchan', 'novastar'];

/**
 * One publication an outside system ACCEPTED (not a request, not an attempt). Integration tests use
 * these as the judge: "exactly one WeChat article with this title", "no Weibo post twice".
 */
export interface SimRecord {
  seq: number;
  system: SystemName;
  /** appid (WeChat), uid (Weibo), device id (Huidu), bearer token (testchan) */
  account: string;
  /** article_id (WeChat), status id (Weibo), program uuid (Huidu), post id (testchan) */
  externalId: string;
  /** article index inside a WeChat publication (1-based); absent elsewhere */
  index?: number;
  title?: string;
  text?: string;
  url?: string;
  /** ISO time on the simulated clock */
  at: string;
  deleted: boolean;
  deletedAt?: string;
  deletedReason?: string;
  /** what kind of acceptance: publish, append, update, replace */
  action?: string;
  meta?: Record<string, unknown>;
}

export type NewSimRecord = Omit<SimRecord, 'seq' | 'at' | 'deleted' | 'deletedAt' | 'deletedReason'> & { at?: string };

export interface RecordFilter {
  system?: SystemName;
  account?: string;
  externalId?: string;
  /** default true: deleted records are part of the history */
  includeDeleted?: boolean;
}

/** In-memory ledger of what the simulated systems accepted. */
export class SimRecords {
  private items: SimRecord[] = [];
  private seq = 0;
  private readonly events = new EventEmitter();

  constructor(private readonly now: () => number = Date.now) {
    this.events.setMaxListeners(0);
  }

  add(r: NewSimRecord): SimRecord {
    const rec: SimRecord = { ...r, seq: ++this.seq, at: r.at ?? new Date(this.now()).toISOString(), deleted: false };
    this.items.push(rec);
    this.events.emit('change', rec);
    return rec;
  }

  /** Marks matching live records deleted; returns how many changed. */
  markDeleted(pred: (r: SimRecord) => boolean, reason = 'deleted'): number {
    let n = 0;
    const at = new Date(this.now()).toISOString();
    for (const r of this.items) {
      if (!r.deleted && pred(r)) {
        r.deleted = true;
        r.deletedAt = at;
        r.deletedReason = reason;
        n++;
        this.events.emit('change', r);
      }
    }
    return n;
  }

  list(filter: RecordFilter = {}): SimRecord[] {
    return this.items
      .filter(
        (r) =>
          (!filter.system || r.system === filter.system) &&
          (filter.account === undefined || r.account === filter.account) &&
          (filter.externalId === undefined || r.externalId === filter.externalId) &&
          (filter.includeDeleted !== false || !r.deleted),
      )
      .map((r) => ({ ...r }));
  }

  /** Live (not deleted) records, the usual question of a test. */
  live(filter: Omit<RecordFilter, 'includeDeleted'> = {}): SimRecord[] {
    return this.list({ ...filter, includeDeleted: false });
  }

  /**
   * Resolves with the first record matching `pred` (existing or future), or rejects after timeoutMs.
   * For asynchronous publication (WeChat freepublish, testchan async tokens).
   */
  waitFor(pred: (r: SimRecord) => boolean, timeoutMs = 5000): Promise<SimRecord> {
    const existing = this.items.find(pred);
    if (existing) return Promise.resolve({ ...existing });
    return new Promise((resolve, reject) => {
      const onChange = (r: SimRecord) => {
        if (pred(r)) {
          clearTimeout(timer);
          this.events.off('change', onChange);
          resolve({ ...r });
        }
      };
      const timer = setTimeout(() => {
        this.events.off('change', onChange);
        reject(new Error(`no matching simulator record within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('change', onChange);
    });
  }

  clear(): void {
    this.items = [];
    this.seq = 0;
  }
}
