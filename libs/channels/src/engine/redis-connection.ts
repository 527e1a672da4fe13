import IORedis, { RedisOptions } from 'ioredis';

/**
 * BullMQ connections. Workers need maxRetriesPerRequest=null (blocking commands); producers fail fast
 * when Redis is down (enableOfflineQueue=false) so an approval never hangs on Redis: the delivery is
 * already in Postgres and the sweeper enqueues it once Redis is back.
 */
export function workerConnection(url: string): IORedis {
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true } as RedisOptions);
}

export function producerConnection(url: string): IORedis {
  return new IORedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 } as RedisOptions);
}
