import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import * as cron from 'node-cron';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { SCHEDULE_QUEUE, SCHEDULE_JOB_RETENTION } from '@app/common/queue/queue-names';
import { producerConnection, workerConnection } from '@app/channels/engine/redis-connection';
import { SCHEDULED_TASKS, ScheduledTask } from './scheduled-task';
import { tickJobId, validateSchedule } from './schedule-validation';

interface TickData {
  slot: string;
}

/** A tick whose job Redis has not taken within this runs in the process instead. */
const ENQUEUE_TIMEOUT_MS = 3000;
/** How long shutdown waits for a task in progress. */
const SHUTDOWN_DRAIN_MS = 10_000;

/**
 * The worker's periodic tasks (schedule-list.ts), run as queue jobs. Every worker keeps a local
 * node-cron per task; at each tick it adds a job to the `schedule` queue whose id is the task and the
 * tick's slot, so the workers' adds of one tick collapse into one job and one worker runs it. The
 * clocks stay local so that losing Redis loses no schedule (the sweeper must run to refill it): a tick
 * whose job cannot be added runs in this process instead.
 */
@Injectable()
export class ScheduleRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = componentLogger('schedule');
  private readonly byName = new Map<string, ScheduledTask>();
  private clocks: cron.ScheduledTask[] = [];
  private queue: Queue<TickData> | null = null;
  private worker: Worker<TickData> | null = null;
  private connections: IORedis[] = [];
  private producer: IORedis | null = null;
  private readonly ticking = new Set<Promise<void>>();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(SCHEDULED_TASKS) private readonly tasks: ScheduledTask[],
  ) {
    validateSchedule(tasks);
    for (const t of tasks) this.byName.set(t.name, t);
  }

  /** The registered tasks with their expressions, in list order. */
  list(): { name: string; cron: string }[] {
    return this.tasks.map((t) => ({ name: t.name, cron: t.cron() }));
  }

  onApplicationBootstrap(): void {
    const url = this.config.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const producer = producerConnection(url);
    const consumer = workerConnection(url);
    this.connections = [producer, consumer];
    this.producer = producer;
    this.queue = new Queue<TickData>(SCHEDULE_QUEUE, { connection: producer, prefix: this.config.QUEUE_PREFIX });
    this.queue.on('error', (e) => this.log.warn({ err: e.message }, 'schedule queue error'));
    this.worker = new Worker<TickData>(SCHEDULE_QUEUE, (job) => this.process(job), {
      connection: consumer,
      prefix: this.config.QUEUE_PREFIX,
      // every task may be running at once: a long gazette compile never holds up the sweeper
      concurrency: Math.max(1, this.tasks.length),
      maxStalledCount: 1,
    });
    this.worker.on('error', (e) => this.log.warn({ err: e.message }, 'schedule worker error'));
    for (const t of this.tasks) {
      this.clocks.push(
        cron.schedule(
          t.cron(),
          (ctx) => {
            const p = this.tick(t, ctx.date).finally(() => this.ticking.delete(p));
            this.ticking.add(p);
            return p;
          },
          { name: t.name },
        ),
      );
    }
    this.log.info({ tasks: this.list() }, 'schedule started');
  }

  /** Stops the clocks and waits until the ticks already fired are queued (or run here). */
  async stopClocks(): Promise<void> {
    for (const c of this.clocks) await c.destroy();
    this.clocks = [];
    await Promise.all([...this.ticking]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopClocks();
    if (this.worker) {
      // Let a task in progress finish, unless Redis is gone (a graceful close then waits for it forever);
      // a task cut short is taken up again by another worker when its job's lock runs out.
      const graceful = this.connections[1]?.status === 'ready';
      const closed = this.worker.close(!graceful).catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), SHUTDOWN_DRAIN_MS)));
      if ((await Promise.race([closed, late]).finally(() => clearTimeout(timer))) === 'late') await this.worker.close(true).catch(() => undefined);
    }
    await this.queue?.close().catch(() => undefined);
    for (const c of this.connections) c.disconnect();
    this.worker = null;
    this.queue = null;
    this.connections = [];
    this.producer = null;
  }

  /** One tick of `task`: one job for every worker's tick of this slot; run here if Redis will not take it. */
  private async tick(task: ScheduledTask, slot: Date): Promise<void> {
    try {
      // BullMQ waits for a connection that is down instead of failing: do not queue behind an outage
      // (a connection still being opened at start-up gets the timeout below)
      const status = this.producer?.status ?? 'end';
      if (!['ready', 'wait', 'connecting', 'connect'].includes(status)) throw new Error(`redis connection ${status}`);
      const add = this.queue!.add(task.name, { slot: slot.toISOString() }, { jobId: tickJobId(task.name, slot), ...SCHEDULE_JOB_RETENTION });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not queued within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
      });
      await Promise.race([add, timeout]).finally(() => clearTimeout(timer));
    } catch (e) {
      this.log.warn({ err: (e as Error).message, task: task.name }, 'schedule tick not queued; running it in this process');
      await this.runTask(task);
    }
  }

  private async process(job: Job<TickData>): Promise<void> {
    const task = this.byName.get(job.name);
    if (!task) {
      // a task removed from the list while a tick of it was queued: nothing to run
      this.log.warn({ task: job.name, jobId: job.id }, 'schedule job of an unknown task dropped');
      return;
    }
    await this.runTask(task);
  }

  private async runTask(task: ScheduledTask): Promise<void> {
    try {
      await task.run();
    } catch (e) {
      this.log.warn({ err: (e as Error).message, task: task.name }, 'scheduled task failed');
    }
  }
}
