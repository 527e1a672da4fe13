import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SUMMARY_SETTLED } from './operator-summary.sql';

export interface DeliveryStateCount {
  state: string;
  channel: string;
  n: number;
}

/** How long the settled states' counts are reused (a scrape every 15 s would otherwise count them each time). */
export const SETTLED_COUNTS_MS = 60_000;

const SETTLED = SUMMARY_SETTLED.map((s) => `'${s}'`).join(', ');

/**
 * Deliveries by state and channel type for the metrics gauges (the whole installation). The states still
 * moving are counted exactly at every scrape through the partial index deliveries_summary_open_idx (its
 * WHERE lists the same settled states, so the count reads only deliveries that are not settled). The
 * settled states (published, withdrawn, cancelled, failed: millions after a few years) are counted
 * exactly too, through deliveries_summary_idx, but at most once a minute per process: the gauge
 * `gd_deliveries_settled_age_seconds` says how old those numbers are.
 */
@Injectable()
export class DeliveryStateCounts {
  private settled: { at: number; rows: Promise<DeliveryStateCount[]> } | null = null;
  private inflight: Promise<{ rows: DeliveryStateCount[]; settledAgeSeconds: number }> | null = null;

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The counts; callers asking while a count runs (the gauges of one scrape) share it. */
  counts(): Promise<{ rows: DeliveryStateCount[]; settledAgeSeconds: number }> {
    if (!this.inflight) {
      const p = this.count().finally(() => {
        if (this.inflight === p) this.inflight = null;
      });
      this.inflight = p;
    }
    return this.inflight;
  }

  private async count(): Promise<{ rows: DeliveryStateCount[]; settledAgeSeconds: number }> {
    const open: Promise<DeliveryStateCount[]> = this.ds.query(
      `SELECT state, channel_type AS channel, count(*)::int AS n FROM deliveries WHERE state NOT IN (${SETTLED}) GROUP BY 1, 2`,
    );
    if (!this.settled || Date.now() - this.settled.at >= SETTLED_COUNTS_MS) {
      const rows: Promise<DeliveryStateCount[]> = this.ds.query(
        `SELECT state, channel_type AS channel, count(*)::int AS n FROM deliveries WHERE state IN (${SETTLED}) GROUP BY 1, 2`,
      );
      const entry = { at: Date.now(), rows };
      this.settled = entry;
      // a failed count is not kept: the next scrape counts again
      rows.catch(() => {
        if (this.settled === entry) this.settled = null;
      });
    }
    const { at, rows } = this.settled;
    const [o, s] = await Promise.all([open, rows]);
    return { rows: [...o, ...s], settledAgeSeconds: Math.max(0, (Date.now() - at) / 1000) };
  }
}
