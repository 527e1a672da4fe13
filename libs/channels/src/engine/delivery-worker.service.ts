import { Inject, Injectable, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { DelayedError, Job, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { hostname } from 'os';
import { AppConfig } from '@app/common/config/app-config';
import { deliveryQueueName } from '@app/common/queue/queue-names';
import { componentLogger } from '@app/common/logging/logger';
import type { ChannelCapabilities } from '../channel-adapter';
import { ChannelRegistry } from '../channel-registry';
import type { DeliveryJobData } from './delivery-queues.service';
import { DeliveryRunner, StepOutcome } from './delivery-runner.service';
import { workerConnection } from './redis-connection';

/** Per-queue settings in code, never BullMQ's implicit defaults. */
export interface QueueWorkerConfig {
  /** Jobs of this queue one worker process runs at once (all accounts of the channel type together). */
  concurrency: number;
  /** BullMQ's job lock (ms). */
  lockDuration: number;
  /** A job whose worker died this many times is failed in BullMQ; the sweeper re-adds it from Postgres. */
  maxStalledCount: number;
  stalledInterval: number;
}

/**
 * Queue concurrency comes from the adapter's per-account concurrency: enough slots for several
 * accounts of the type to run at full speed at once, while the per-account limiter (Redis) keeps each
 * account within what its outside system allows.
 */
export function workerConfigFor(cap: Pick<ChannelCapabilities, 'concurrencyPerAccount'>, override?: number): QueueWorkerConfig {
  return {
    concurrency: override && override > 0 ? override : Math.min(64, Math.max(8, cap.concurrencyPerAccount * 8)),
    // Short: the lock is renewed while a job runs, so it only decides how soon a SIGKILLed worker's
    // jobs run again (≤ lockDuration + 2 stall checks; with the 10 s live lease, lease-heartbeat.ts,
    // another worker resumes them within about 15 s). A false stall (a long event-loop block) is
    // harmless: the Postgres lease decides.
    lockDuration: 8_000,
    maxStalledCount: 3,
    stalledInterval: 3_000,
  };
}

/**
 * This process's name as BullMQ records it on every job it takes (`processedBy`, shown by Bull Board):
 * which worker ran each step, so how evenly processes share the work can be counted (bench:scale).
 */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

/** How long graceful shutdown waits for jobs in flight before closing anyway. */
export const SHUTDOWN_DRAIN_MS = 10_000;

/**
 * Hosts one BullMQ worker per channel queue. A job is one step of a delivery; when the runner says
 * "again at T" the job moves to delayed (same jobId = delivery id) instead of finishing.
 */
@Injectable()
export class DeliveryWorkerHost implements OnModuleDestroy, OnApplicationShutdown {
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
    const override = this.config.DELIVERY_QUEUE_CONCURRENCY;
    for (const cap of this.registry.capabilities()) {
      const cfg = workerConfigFor(cap, override);
      const w = new Worker<DeliveryJobData>(deliveryQueueName(cap.type), (job, token) => this.process(cap.type, job, token), {
        connection: this.connection,
        prefix: this.config.QUEUE_PREFIX,
        name: WORKER_NAME,
        ...cfg,
      });
      w.on('error', (e) => this.log.warn({ err: e.message, queue: cap.type }, 'worker error'));
      w.on('failed', (job, e) => this.log.warn({ err: e?.message, jobId: job?.id }, 'job failed'));
      this.workers.push(w);
    }
    this.log.info({ queues: this.registry.types() }, 'delivery workers started');
  }

  private async process(channelType: string, job: Job<DeliveryJobData>, token?: string): Promise<void> {
    const { deliveryId, op, accountId } = job.data;
    let outcome: StepOutcome;
    try {
      // A job BullMQ took back from a dead worker stands for a step that may have been in flight.
      const hint = { accountId, channelType, takeover: (job.stalledCounter ?? 0) > 0 };
      outcome = op === 'withdraw' ? await this.runner.runWithdraw(deliveryId, hint) : await this.runner.run(deliveryId, hint);
    } catch (e) {
      if ((e as Error)?.name === 'EntityNotFoundError') {
        // The job names a delivery or account this database does not have (a Redis shared with another
        // installation, or restored from elsewhere): nothing to do, and retrying would loop forever.
        this.log.warn({ err: (e as Error).message, deliveryId, jobId: job.id }, 'job refers to rows that do not exist; dropped');
        return;
      }
      // Postgres or Redis failed under us. The delivery row still says what is left to do (a claimed
      // one waits for its lease, then is reconciled): look again shortly.
      this.log.warn({ err: (e as Error).message, deliveryId }, 'delivery step interrupted; retrying shortly');
      outcome = { done: false, runAt: new Date(Date.now() + 2000 + Math.random() * 2000) };
    }
    if (!outcome.done) {
      await job.moveToDelayed(outcome.runAt.getTime(), token);
      throw new DelayedError();
    }
  }

  /** Graceful: stop taking jobs, let in-flight ones finish (bounded), then disconnect. */
  async stop(timeoutMs = SHUTDOWN_DRAIN_MS): Promise<void> {
    if (!this.workers.length) return;
    const workers = this.workers;
    this.workers = [];
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(workers.map((w) => w.close())).then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!drained) {
      // Jobs still running lose their lock and are retried elsewhere; their deliveries' leases expire
      // and the next claim reconciles before sending anything again.
      this.log.warn({ timeoutMs }, 'shutdown drain timed out; closing with jobs in flight');
      await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
    }
    this.connection?.disconnect();
    this.connection = null;
  }

  /** Drains first (Nest's first shutdown phase), while Postgres and Redis connections are still open. */
  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
