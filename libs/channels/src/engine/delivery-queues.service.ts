import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { deliveryQueueName, JOB_RETENTION } from '@app/common/queue/queue-names';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelRegistry } from '../channel-registry';
import { producerConnection } from './redis-connection';

/** Job payloads carry ids only; the delivery row is the truth. */
export interface DeliveryJobData {
  deliveryId: string;
  /** 'deliver' (publish / confirm / reconcile) or 'withdraw'. */
  op: 'deliver' | 'withdraw';
}

export interface EnqueueRequest {
  deliveryId: string;
  channelType: string;
  op?: 'deliver' | 'withdraw';
  runAt?: Date | null;
}

const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/** One BullMQ queue per channel type; jobId = delivery id (withdrawals: "w-" + delivery id). */
@Injectable()
export class DeliveryQueues implements OnModuleDestroy {
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

  /**
   * Adds jobs after the transaction that created the deliveries committed. Never throws: a failure
   * here only delays the deliveries until the sweeper's next pass.
   */
  async enqueue(reqs: EnqueueRequest[]): Promise<{ enqueued: number; failed: number }> {
    const byType = new Map<string, EnqueueRequest[]>();
    for (const r of reqs) byType.set(r.channelType, [...(byType.get(r.channelType) ?? []), r]);
    let enqueued = 0;
    let failed = 0;
    for (const [type, list] of byType) {
      for (let i = 0; i < list.length; i += 1000) {
        const chunk = list.slice(i, i + 1000);
        try {
          await this.queue(type).addBulk(
            chunk.map((r) => ({
              name: r.op ?? 'deliver',
              data: { deliveryId: r.deliveryId, op: r.op ?? 'deliver' },
              opts: { jobId: DeliveryQueues.jobId(r), delay: r.runAt ? Math.max(0, r.runAt.getTime() - Date.now()) : 0 },
            })),
          );
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
   * Makes sure a live job exists for the delivery: a finished job with the same id (kept for
   * retention) is removed first, since BullMQ ignores an add whose jobId exists.
   */
  async ensureJob(r: EnqueueRequest): Promise<'exists' | 'added'> {
    const q = this.queue(r.channelType);
    const id = DeliveryQueues.jobId(r);
    const job = await Job.fromId(q, id);
    if (job) {
      const state = await job.getState();
      if (LIVE_STATES.has(state)) return 'exists';
      await job.remove().catch(() => undefined);
    }
    await q.add(r.op ?? 'deliver', { deliveryId: r.deliveryId, op: r.op ?? 'deliver' }, {
      jobId: id,
      delay: r.runAt ? Math.max(0, r.runAt.getTime() - Date.now()) : 0,
    });
    return 'added';
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

  async onModuleDestroy() {
    for (const q of this.queues.values()) await q.close().catch(() => undefined);
    this.queues.clear();
    if (this.connection) {
      this.connection.disconnect();
      this.connection = null;
    }
  }
}
