import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { SCHEDULE_QUEUE } from '@app/common/queue/queue-names';
import { uniqueQueuePrefix } from '@app/test/utils/test-db';
import { readTestState } from '@app/test/utils/test-env';
import { ScheduleRegistry } from '../../apps/worker/src/schedule/schedule-registry.service';
import type { ScheduledTask } from '../../apps/worker/src/schedule/scheduled-task';

/**
 * The schedule registry: every worker keeps its own clock, each tick becomes one job of the schedule
 * queue, so with two workers up each tick runs once; with Redis unreachable a tick runs in the process.
 */
async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function countingTask(name: string, cron: string): ScheduledTask & { runs: number } {
  return {
    name,
    runs: 0,
    cron: () => cron,
    async run() {
      this.runs++;
    },
  };
}

function registry(redisUrl: string, prefix: string, tasks: ScheduledTask[]): { reg: ScheduleRegistry; slots: number[]; jobsRun: string[] } {
  const reg = new ScheduleRegistry({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix } as AppConfig, tasks);
  const slots: number[] = [];
  const jobsRun: string[] = [];
  // record the queue jobs this registry's worker ran
  const internals = reg as unknown as { process: (job: { id?: string }) => Promise<void> };
  const processJob = internals.process.bind(reg);
  internals.process = (job) => {
    jobsRun.push(String(job.id));
    return processJob(job);
  };
  // record the slots this registry's clock fired for
  const tick = (reg as unknown as { tick: (t: ScheduledTask, slot: Date) => Promise<void> }).tick.bind(reg);
  (reg as unknown as { tick: typeof tick }).tick = (t, slot) => {
    slots.push(slot.getTime());
    return tick(t, slot);
  };
  return { reg, slots, jobsRun };
}

describe('ScheduleRegistry', () => {
  it('refuses a schedule with a duplicate name or an invalid expression at construction', () => {
    expect(() => new ScheduleRegistry({} as AppConfig, [countingTask('a', '* * * * *'), countingTask('a', '* * * * *')])).toThrow('"a" is registered twice');
    expect(() => new ScheduleRegistry({} as AppConfig, [countingTask('a', 'soon')])).toThrow('"soon" is not a cron expression');
  });

  it('runs each tick once although two workers fire it', async () => {
    const { redisUrl } = readTestState();
    const prefix = uniqueQueuePrefix('sched');
    const task = countingTask('every-second', '* * * * * *');
    const a = registry(redisUrl, prefix, [task]);
    const b = registry(redisUrl, prefix, [task]);
    a.reg.onApplicationBootstrap();
    b.reg.onApplicationBootstrap();
    try {
      // both clocks have fired for at least three common slots
      await waitFor('three ticks fired by both workers', () => a.slots.filter((s) => b.slots.includes(s)).length >= 3);
      await a.reg.stopClocks();
      await b.reg.stopClocks();
      // every tick fired is queued by now; wait until the workers have run them
      await waitFor('the queued ticks to run', () => task.runs >= new Set([...a.slots, ...b.slots]).size);
    } finally {
      await a.reg.onApplicationShutdown();
      await b.reg.onApplicationShutdown();
    }
    const fired = new Set([...a.slots, ...b.slots]);
    const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(SCHEDULE_QUEUE, { connection, prefix });
    try {
      const done = await queue.getJobs(['completed']);
      expect(done.map((j) => j.name).every((n) => n === 'every-second')).toBe(true);
      // the two workers' ticks of a slot became one job: at most one job per slot fired, though both
      // fired each of the common slots (a tick Redis is slow to take runs locally, so fewer is possible)
      expect(done.length).toBeGreaterThan(0);
      expect(done.length).toBeLessThanOrEqual(fired.size);
      // and each job ran once, on one of the workers
      const ran = [...a.jobsRun, ...b.jobsRun];
      expect(ran.sort()).toEqual(done.map((j) => String(j.id)).sort());
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });

  it('runs the tick in the process when Redis will not take the job', async () => {
    const task = countingTask('local-fallback', '* * * * * *');
    // nothing listens on port 1: every add fails at once
    const { reg, slots } = registry('redis://127.0.0.1:1', uniqueQueuePrefix('schedoff'), [task]);
    reg.onApplicationBootstrap();
    try {
      await waitFor('two ticks run in the process', () => task.runs >= 2);
    } finally {
      await reg.onApplicationShutdown();
    }
    expect(task.runs).toBeLessThanOrEqual(slots.length);
  });
});
