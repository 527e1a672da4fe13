import type { Type } from '@nestjs/common';
import type { ScheduledTask } from './scheduled-task';
import { DeliverySweepTask } from './tasks/delivery-sweep.task';
import { LedSyncTask } from './tasks/led-sync.task';
import { GazetteScheduleTask } from './tasks/gazette-schedule.task';
import { DeadlineScanTask } from './tasks/deadline-scan.task';
import { NotificationWebhookTask } from './tasks/notification-webhook.task';
import { StatsFoldTask } from './tasks/stats-fold.task';

/** Every periodic task of the worker. A new one: a class in tasks/ and one line here. */
// prettier-ignore
export const SCHEDULE_LIST: Type<ScheduledTask>[] = [
  DeliverySweepTask,
  LedSyncTask,
  GazetteScheduleTask,
  DeadlineScanTask,
  NotificationWebhookTask,
  StatsFoldTask,
];
