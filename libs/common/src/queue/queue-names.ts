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
