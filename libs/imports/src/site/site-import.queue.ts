import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { AppConfig } from '@app/common/config/app-config';
import { SITE_IMPORT_QUEUE } from '@app/common/queue/queue-names';
import { producerConnection } from '@app/channels/engine/redis-connection';

export interface SiteImportJob {
  importId: string;
}

/**
 * Puts an import on the worker's queue. One job per import (the job id is the import's id), removed when
 * it ends: the state lives in Postgres, and adding the job again while it waits or runs adds nothing.
 */
@Injectable()
export class SiteImportQueue implements OnApplicationShutdown {
  private queue: Queue<SiteImportJob> | null = null;
  private connection: IORedis | null = null;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  private get q(): Queue<SiteImportJob> {
    if (!this.queue) {
      this.connection = producerConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
      this.queue = new Queue<SiteImportJob>(SITE_IMPORT_QUEUE, {
        connection: this.connection,
        prefix: this.config.QUEUE_PREFIX,
        defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: true },
      });
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }

  async enqueue(importId: string): Promise<void> {
    await this.q.add('site-import', { importId }, { jobId: importId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
    this.connection?.disconnect();
  }
}
