import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { deliveryQueueName, JOB_RETENTION } from '@app/common/queue/queue-names';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelRegistry } from '../channel-registry';
import { Batcher } from './batcher';
import { producerConnection } from './redis-connection';

/** Job payloads carry ids only; the delivery row is the truth. */
export interface DeliveryJobData {
  deliveryId: string;
  /** 'deliver' (publish / confirm / reconcile) or 'withdraw'. */
  op: 'deliver' | 'withdraw';
  /** The delivery's channel account, so the per-account limiter can act before Postgres is asked. */
  accountId?: string;
}

export interface EnqueueRequest {
  deliveryId: string;
  channelType: string;
  op?: 'deliver' | 'withdraw';
  runAt?: Date | null;
  accountId?: string;
}

/** One BullMQ queue per channel type; jobId = delivery id (withdrawals: "w-" + delivery id). */
@Injectable()
export class DeliveryQueues implements OnApplicationShutdown {
  private readonly log = componentLogger('delivery-queues');
  private readonly queues = new Map<string, Queue<DeliveryJobData>>();
  private connection: IORedis | null = null;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly registry: ChannelRegistry,
  ) {}

  private conn(): IORedis {
    if (!this.connection) this.connection = producerConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
    return this.connection;
  }

  queue(channelType: string): Queue<DeliveryJobData> {
    this.registry.get(channelType);
    let q = this.queues.get(channelType);
    if (!q) {
      q = new Queue<DeliveryJobData>(deliveryQueueName(channelType), {
        connection: this.conn(),
        prefix: this.config.QUEUE_PREFIX,
        defaultJobOptions: { attempts: 1, ...JOB_RETENTION },
      });
      q.on('error', (e) => this.log.warn({ err: e.message, channelType }, 'queue error'));
      this.queues.set(channelType, q);
    }
    return q;
  }

  allQueues(): Queue<DeliveryJobData>[] {
    return this.registry.types().map((t) => this.queue(t));
  }

  static jobId(r: { deliveryId: string; op?: string }): string {
    return r.op === 'withdraw' ? `w-${r.deliveryId}` : r.deliveryId;
  }

  private static job(r: EnqueueRequest) {
    const op = r.op ?? 'deliver';
    return {
      name: op,
      data: { deliveryId: r.deliveryId, op, ...(r.accountId ? { accountId: r.accountId } : {}) } as DeliveryJobData,
      opts: { jobId: DeliveryQueues.jobId(r), delay: r.runAt ? Math.max(0, r.runAt.getTime() - Date.now()) : 0 },
    };
  }

  private static byType(reqs: EnqueueRequest[]): Map<string, EnqueueRequest[]> {
    const m = new Map<string, EnqueueRequest[]>();
    for (const r of reqs) {
      const l = m.get(r.channelType);
      if (l) l.push(r);
      else m.set(r.channelType, [r]);
    }
    return m;
  }

  /**
   * Adds jobs after the transaction that created the deliveries committed. Never throws: a failure
   * here only delays the deliveries until the sweeper's next pass. (BullMQ ignores an add whose jobId
   * exists; new deliveries have new ids, and re-enqueueing goes through ensureJobs.)
   */
  async enqueue(reqs: EnqueueRequest[]): Promise<{ enqueued: number; failed: number }> {
    // Small enqueues (an approval's handful of deliveries) share one addBulk with those made within a
    // few milliseconds: an addBulk costs about ten jobs' worth before its first job, so a morning
    // batch of approvals costs one Redis transaction per several approvals instead of one each.
    if (reqs.length && reqs.length <= 50) {
      const ok = await Promise.all(reqs.map((r) => this.adder.submit(r)));
      const enqueued = ok.filter(Boolean).length;
      return { enqueued, failed: reqs.length - enqueued };
    }
    return this.addNow(reqs);
  }

  private readonly adder = new Batcher<EnqueueRequest, boolean>(
    async (reqs) => {
      const byId = new Map<EnqueueRequest, boolean>();
      for (const [type, list] of DeliveryQueues.byType(reqs)) {
        try {
          await this.queue(type).addBulk(list.map(DeliveryQueues.job));
          for (const r of list) byId.set(r, true);
        } catch (e) {
          this.log.warn({ err: (e as Error).message, channelType: type, count: list.length }, 'enqueue failed; the sweeper will retry');
          for (const r of list) byId.set(r, false);
        }
      }
      return reqs.map((r) => byId.get(r) ?? false);
    },
    500,
    2,
    { lingerMs: 5, fullAt: 40 },
  );

  private async addNow(reqs: EnqueueRequest[]): Promise<{ enqueued: number; failed: number }> {
    let enqueued = 0;
    let failed = 0;
    for (const [type, list] of DeliveryQueues.byType(reqs)) {
      for (let i = 0; i < list.length; i += 1000) {
        const chunk = list.slice(i, i + 1000);
        try {
          await this.queue(type).addBulk(chunk.map(DeliveryQueues.job));
          enqueued += chunk.length;
        } catch (e) {
          failed += chunk.length;
          this.log.warn({ err: (e as Error).message, channelType: type, count: chunk.length }, 'enqueue failed; the sweeper will retry');
        }
      }
    }
    return { enqueued, failed };
  }

  /**
   * Makes sure a live job exists for each request, in a few round trips per thousand: one pipeline
   * reads whether each job hash exists and has finished; finished ones (kept for retention, which
   * would swallow an add with the same id) are removed; missing ones are added in bulk.
   */
  async ensureJobs(reqs: EnqueueRequest[]): Promise<{ added: number; existing: number }> {
    let added = 0;
    let existing = 0;
    for (const [type, list] of DeliveryQueues.byType(reqs)) {
      const q = this.queue(type);
      await q.waitUntilReady();
      for (let i = 0; i < list.length; i += 1000) {
        const chunk = list.slice(i, i + 1000);
        const p = this.conn().pipeline();
        for (const r of chunk) p.hmget(q.toKey(DeliveryQueues.jobId(r)), 'timestamp', 'finishedOn');
        const res = (await p.exec()) ?? [];
        const toAdd: EnqueueRequest[] = [];
        for (let j = 0; j < chunk.length; j++) {
          const [err, v] = res[j] ?? [];
          if (err) throw err;
          const [ts, finishedOn] = (v as (string | null)[]) ?? [];
          if (ts && !finishedOn) {
            existing++;
            continue;
          }
          if (ts && finishedOn) await q.remove(DeliveryQueues.jobId(chunk[j])).catch(() => 0);
          toAdd.push(chunk[j]);
        }
        if (toAdd.length) await q.addBulk(toAdd.map(DeliveryQueues.job));
        added += toAdd.length;
      }
    }
    return { added, existing };
  }

  async ensureJob(r: EnqueueRequest): Promise<'exists' | 'added'> {
    const { added } = await this.ensureJobs([r]);
    return added ? 'added' : 'exists';
  }

  /**
   * A delivery's time changed (rescheduled, retried now): replace its waiting / delayed job by one at
   * the new time. An active job is left alone: the runner re-reads the row when it finishes.
   */
  async reschedule(r: EnqueueRequest): Promise<void> {
    const q = this.queue(r.channelType);
    const id = DeliveryQueues.jobId(r);
    const state = await q.getJobState(id);
    if (state === 'active') return;
    if (state !== 'unknown') await q.remove(id).catch(() => 0);
    await q.add(DeliveryQueues.job(r).name, DeliveryQueues.job(r).data, DeliveryQueues.job(r).opts);
  }

  /** Drops a waiting / delayed job (a cancelled delivery). Harmless if it runs anyway: the row says cancelled. */
  async removeJob(r: { deliveryId: string; channelType: string; op?: 'deliver' | 'withdraw' }): Promise<void> {
    await this.queue(r.channelType)
      .remove(DeliveryQueues.jobId(r))
      .catch(() => 0);
  }

  async counts(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const t of this.registry.types()) {
      out[t] = await this.queue(t).getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed', 'prioritized');
    }
    return out;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.conn().ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown() {
    for (const q of this.queues.values()) await q.close().catch(() => undefined);
    this.queues.clear();
    if (this.connection) {
      this.connection.disconnect();
      this.connection = null;
    }
  }
}
