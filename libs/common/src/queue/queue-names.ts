/**
 * Queue names are persisted in Redis: renaming one strands its jobs. Add, never rename.
 * One delivery queue per channel type, named `deliver-<channelType>`.
 */
export const DELIVERY_QUEUE_PREFIX = 'deliver-';
export function deliveryQueueName(channelType: string): string {
  return `${DELIVERY_QUEUE_PREFIX}${channelType}`;
}

/** Bounded retention on every add, so Redis does not grow without end. */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 20000 },
} as const;

/** The worker's periodic tasks (apps/worker/src/schedule): one job per task and tick. */
export const SCHEDULE_QUEUE = 'schedule';

/**
 * Completed ticks stay an hour: a worker whose tick arrives late finds the job (same id) and adds
 * nothing, so the tick is not run twice.
 */
export const SCHEDULE_JOB_RETENTION = {
  removeOnComplete: { age: 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
} as const;

/** Copies of notifications POSTed to organisations' webhooks (apps/worker/src/notifications), one job per notification. */
export const NOTIFICATION_WEBHOOK_QUEUE = 'notification-webhook';

/** Site imports (libs/imports): one job per import run, its state and pages in Postgres (site_imports). */
export const SITE_IMPORT_QUEUE = 'site-import';
