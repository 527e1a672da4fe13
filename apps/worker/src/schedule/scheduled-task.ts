/**
 * A periodic task of the worker: one class per task, with a unique name, its cron expression (from
 * AppConfig) and `run()`. The classes are enumerated in schedule-list.ts; ScheduleRegistry validates
 * them at start-up and turns every tick into one job of the `schedule` queue, so one worker runs it
 * however many workers are up.
 */
export interface ScheduledTask {
  /** Unique and stable: the job name in the schedule queue and the `task` in logs (lower-case, dashes). */
  readonly name: string;
  /** node-cron expression (five fields, or six with seconds first). */
  cron(): string;
  /** One run. Must be safe to repeat and to overlap a run in another process: a tick can run twice when
   * Redis is unreachable (each worker then runs it itself) or when a worker dies during the run. */
  run(): Promise<unknown>;
}

/** Nest token of the enumerated tasks (ScheduledTask[]). */
export const SCHEDULED_TASKS = Symbol('SCHEDULED_TASKS');
