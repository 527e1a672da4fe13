import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { deliveryQueueName } from '@app/common/queue/queue-names';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelRegistry } from '../channel-registry';
import type { DeliveryJobData } from './delivery-queues.service';
import { DeliveryRunner } from './delivery-runner.service';
import { workerConnection } from './redis-connection';

/** Per-queue settings in code, never BullMQ's implicit defaults. */
export interface QueueWorkerConfig {
  concurrency: number;
  lockDuration: number;
  maxStalledCount: number;
  stalledInterval: number;
}

export function workerConfigFor(concurrencyPerAccount: number): QueueWorkerConfig {
  return {
    concurrency: Math.max(4, concurrencyPerAccount * 4),
    lockDuration: 60_000,
    maxStalledCount: 3,
    stalledInterval: 30_000,
  };
}

/**
 * Hosts one BullMQ worker per channel queue. A job is one step of a delivery; when the runner says
 * "again at T" the job moves to delayed (same jobId = delivery id) instead of finishing.
 */
@Injectable()
export class DeliveryWorkerHost implements OnApplicationShutdown {
  private readonly log = componentLogger('delivery-worker');
  private workers: Worker<DeliveryJobData>[] = [];
  private connection: IORedis | null = null;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly registry: ChannelRegistry,
    private readonly runner: DeliveryRunner,
  ) {}

  start(): void {
    if (this.workers.length) return;
    this.connection = workerConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
    for (const cap of this.registry.capabilities()) {
      const cfg = workerConfigFor(cap.concurrencyPerAccount);
      const w = new Worker<DeliveryJobData>(deliveryQueueName(cap.type), (job, token) => this.process(job, token), {
        connection: this.connection,
        prefix: this.config.QUEUE_PREFIX,
        ...cfg,
      });
      w.on('error', (e) => this.log.warn({ err: e.message, queue: cap.type }, 'worker error'));
      w.on('failed', (job, e) => this.log.warn({ err: e?.message, jobId: job?.id }, 'job failed'));
      this.workers.push(w);
    }
    this.log.info({ queues: this.registry.types() }, 'delivery workers started');
  }

  private async process(job: Job<DeliveryJobData>, token?: string): Promise<void> {
    const { deliveryId, op } = job.data;
    const outcome = op === 'withdraw' ? await this.runner.runWithdraw(deliveryId) : await this.runner.run(deliveryId);
    if (!outcome.done) {
      await job.moveToDelayed(outcome.runAt.getTime(), token);
      throw new DelayedError();
    }
  }

  /** Graceful: stop taking jobs, let in-flight ones finish (bounded), then disconnect. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const closing = Promise.all(this.workers.map((w) => w.close()));
    await Promise.race([closing, new Promise((r) => setTimeout(r, timeoutMs))]);
    if (this.workers.some((w) => w.isRunning())) await Promise.all(this.workers.map((w) => w.close(true)));
    this.workers = [];
    this.connection?.disconnect();
    this.connection = null;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
