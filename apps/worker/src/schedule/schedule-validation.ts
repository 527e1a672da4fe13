import { validate as isCronExpression } from 'node-cron';
import type { ScheduledTask } from './scheduled-task';

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Start-up check of the enumerated tasks: every name well-formed and unique, every expression valid.
 * Throws one error listing every problem, so a wrong schedule stops the worker instead of never firing.
 */
export function validateSchedule(tasks: readonly Pick<ScheduledTask, 'name' | 'cron'>[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const t of tasks) {
    if (!NAME.test(t.name)) problems.push(`task name "${t.name}" must be lower-case letters, digits and dashes`);
    if (seen.has(t.name)) problems.push(`task name "${t.name}" is registered twice`);
    seen.add(t.name);
    let expr: string;
    try {
      expr = t.cron();
    } catch (e) {
      problems.push(`task ${t.name}: no cron expression (${(e as Error).message})`);
      continue;
    }
    if (typeof expr !== 'string' || !isCronExpression(expr)) problems.push(`task ${t.name}: "${expr}" is not a cron expression`);
  }
  if (problems.length) throw new Error(`invalid schedule:\n  ${problems.join('\n  ')}`);
}

/** The BullMQ job id of one tick: the same in every worker (node-cron hands each the slot it fired for). */
export function tickJobId(task: string, slot: Date): string {
  // BullMQ refuses ':' in custom ids
  return `${task}-${slot.getTime()}`;
}
