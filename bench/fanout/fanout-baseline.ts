import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { JOB_RETENTION } from '@app/common/queue/queue-names';

/** The bench's baseline: plain BullMQ no-op jobs per second on the same Redis, at the engine's concurrency. */
export async function baseline(redisUrl: string, jobs: number, concurrency: number): Promise<number> {
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = 'bench-baseline';
  const q = new Queue('noop', { connection, prefix, defaultJobOptions: { attempts: 1, ...JOB_RETENTION } });
  const workerConn = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const w = new Worker(
    'noop',
    async () => {
      if (++done === jobs) finished();
    },
    { connection: workerConn, prefix, concurrency },
  );
  await w.waitUntilReady();
  const t0 = Date.now();
  for (let i = 0; i < jobs; i += 1000) {
    await q.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, (_, j) => ({
        name: 'noop',
        data: { deliveryId: `${i + j}`, op: 'deliver' },
        opts: { jobId: `j${i + j}` },
      })),
    );
  }
  await all;
  const secs = (Date.now() - t0) / 1000;
  await w.close();
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
  connection.disconnect();
  workerConn.disconnect();
  return jobs / secs;
}
