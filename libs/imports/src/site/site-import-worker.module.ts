import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { SiteImportQueue } from './site-import.queue';
import { SiteImportRunner } from './site-import.runner';
import { SiteImportWorker } from './site-import.worker';

/** Site imports in the worker: the job runner and its BullMQ worker. */
@Module({
  imports: [ChannelsModule],
  providers: [SiteImportQueue, SiteImportRunner, SiteImportWorker],
  exports: [SiteImportRunner],
})
export class SiteImportWorkerModule {}
