import IORedis, { RedisOptions } from 'ioredis';

/**
 * BullMQ connections. Workers need maxRetriesPerRequest=null (blocking commands); producers fail fast
 * when Redis is down (enableOfflineQueue=false) so an approval never hangs on Redis: the delivery is
 * already in Postgres and the sweeper enqueues it once Redis is back.
 */
export function workerConnection(url: string): IORedis {
  return quiet(new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true } as RedisOptions));
}

export function producerConnection(url: string): IORedis {
  return quiet(new IORedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 } as RedisOptions));
}

/**
 * Connection errors surface where they matter (a command fails, the queue's and worker's own 'error'
 * events are logged by their owners); without a listener ioredis would also print every failed
 * reconnect attempt of an outage to stderr as an "unhandled error event".
 */
function quiet(c: IORedis): IORedis {
  c.on('error', () => undefined);
  return c;
}

/**
 * Plain commands outside BullMQ (the account limiter, metrics): queue briefly while connecting, but
 * give up within a couple of seconds so a Redis outage never hangs a delivery.
 */
export function commandConnection(url: string): IORedis {
  // Auto-pipelining: the limiter's calls of many concurrent jobs share one socket write per tick.
  return quiet(
    new IORedis(url, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2000,
      commandTimeout: 3000,
      enableAutoPipelining: true,
    } as RedisOptions),
  );
}
