import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels.module';
import { GazetteAdapter } from './gazette.adapter';
import { GazetteIssueService } from './gazette-issue.service';

/** The gazette's issue service for the api and the worker: the adapter's own instance, one per process. */
@Module({
  imports: [ChannelsModule],
  providers: [{ provide: GazetteIssueService, useFactory: (a: GazetteAdapter) => a.issues, inject: [GazetteAdapter] }],
  exports: [GazetteIssueService],
})
export class GazetteModule {}
