import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, type Job, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { SITE_IMPORT_QUEUE } from '@app/common/queue/queue-names';
import { workerConnection } from '@app/channels/engine/redis-connection';
import { SiteImportQueue, type SiteImportJob } from './site-import.queue';
import { SiteImportRunner } from './site-import.runner';

const BUSY_RETRY_MS = 5_000;

/**
 * The worker side of site imports: runs the jobs one at a time per worker (an import is polite to one
 * old site; two imports of two sites may run on two workers), and at start puts back on the queue every
 * import left queued or running, so an import survives a restart even if Redis lost its job.
 */
@Injectable()
export class SiteImportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = componentLogger('site-import');
  private worker: Worker<SiteImportJob> | null = null;
  private connection: IORedis | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly runner: SiteImportRunner,
    private readonly queue: SiteImportQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.connection = workerConnection(this.config.REDIS_URL ?? 'redis://127.0.0.1:6379');
    this.worker = new Worker<SiteImportJob>(SITE_IMPORT_QUEUE, (job, token) => this.process(job, token), {
      connection: this.connection,
      prefix: this.config.QUEUE_PREFIX,
      concurrency: 1,
    });
    this.worker.on('error', (e) => this.log.warn({ err: e.message }, 'site import worker error'));
    const left: { id: string }[] = await this.ds.query(`SELECT id FROM site_imports WHERE state IN ('queued', 'running') ORDER BY created_at`);
    for (const r of left) await this.queue.enqueue(r.id).catch((e) => this.log.warn({ err: (e as Error).message }, 'site import re-enqueue failed'));
  }

  /** Another run holds the import (a job BullMQ thought stalled, given out twice): look again later, without using an attempt. */
  private async process(job: Job<SiteImportJob>, token?: string): Promise<void> {
    const r = await this.runner.run(job.data.importId);
    if (!r.busy) return;
    await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
    throw new DelayedError();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect();
  }
}
