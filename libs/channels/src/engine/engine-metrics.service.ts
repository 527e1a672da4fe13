import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { commandConnection } from './redis-connection';

/** Upper bounds (seconds) of the attempt latency histogram. */
export const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface AttemptHistogram {
  channel: string;
  /** cumulative counts per bucket bound, then +Inf */
  buckets: { le: string; count: number }[];
  sum: number;
  count: number;
}

/**
 * Attempt latencies and outcomes, measured in the worker processes and read by whichever api process
 * Prometheus scrapes. Kept in Redis hashes (so every worker adds to one histogram), aggregated in
 * memory and flushed every second so the hot path pays no extra round trip.
 */
@Injectable()
export class EngineMetrics implements OnApplicationShutdown {
  private redis: IORedis | null = null;
  private pendingAttempts = new Map<string, number>();
  private pendingOutcomes = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  private conn(): IORedis {
    if (!this.redis) this.redis = commandConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
    return this.redis;
  }

  private get attemptsKey() {
    return `${this.config.QUEUE_PREFIX}:metrics:attempts`;
  }
  private get outcomesKey() {
    return `${this.config.QUEUE_PREFIX}:metrics:outcomes`;
  }

  /** One call to an outside system (deliver / confirm / reconcile / withdraw) took `ms`. */
  observeAttempt(channel: string, ms: number): void {
    const s = ms / 1000;
    const i = ATTEMPT_BUCKETS.findIndex((b) => s <= b);
    const bucket = i === -1 ? '+Inf' : String(ATTEMPT_BUCKETS[i]);
    this.bump(this.pendingAttempts, `${channel}|b|${bucket}`, 1);
    this.bump(this.pendingAttempts, `${channel}|count`, 1);
    this.bump(this.pendingAttempts, `${channel}|sum_us`, Math.round(ms * 1000));
    this.schedule();
  }

  /** A step ended: published, failed, retry, rate_limited, credentials, unconfirmed, awaiting_confirmation... */
  countOutcome(channel: string, outcome: string): void {
    this.bump(this.pendingOutcomes, `${channel}|${outcome}`, 1);
    this.schedule();
  }

  private bump(m: Map<string, number>, k: string, n: number) {
    m.set(k, (m.get(k) ?? 0) + n);
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, 1000);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (!this.pendingAttempts.size && !this.pendingOutcomes.size) return;
    const a = this.pendingAttempts;
    const o = this.pendingOutcomes;
    this.pendingAttempts = new Map();
    this.pendingOutcomes = new Map();
    const p = this.conn().pipeline();
    for (const [k, v] of a) p.hincrby(this.attemptsKey, k, v);
    for (const [k, v] of o) p.hincrby(this.outcomesKey, k, v);
    await p.exec().catch(() => undefined);
  }

  async readHistograms(): Promise<AttemptHistogram[]> {
    const raw = await this.conn().hgetall(this.attemptsKey);
    const byChannel = new Map<string, Record<string, number>>();
    for (const [k, v] of Object.entries(raw)) {
      const [channel, ...rest] = k.split('|');
      const m = byChannel.get(channel) ?? {};
      m[rest.join('|')] = Number(v);
      byChannel.set(channel, m);
    }
    const out: AttemptHistogram[] = [];
    for (const [channel, m] of byChannel) {
      let cum = 0;
      const buckets = ATTEMPT_BUCKETS.map((b) => {
        cum += m[`b|${b}`] ?? 0;
        return { le: String(b), count: cum };
      });
      const count = m.count ?? 0;
      buckets.push({ le: '+Inf', count });
      out.push({ channel, buckets, sum: (m.sum_us ?? 0) / 1e6, count });
    }
    return out;
  }

  async readOutcomes(): Promise<{ channel: string; outcome: string; count: number }[]> {
    const raw = await this.conn().hgetall(this.outcomesKey);
    return Object.entries(raw).map(([k, v]) => {
      const [channel, outcome] = k.split('|');
      return { channel, outcome, count: Number(v) };
    });
  }

  async onApplicationShutdown() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush().catch(() => undefined);
    this.redis?.disconnect();
    this.redis = null;
  }
}
