import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { SiteImportQueue } from '@app/imports/site/site-import.queue';
import { SiteImportController } from './site-import.controller';
import { SiteImportService } from './site-import.service';

/** Site import routes (issue 18.1): start an import, read its progress, pause and resume it. The worker runs it. */
@Module({
  imports: [ChannelsModule],
  controllers: [SiteImportController],
  providers: [SiteImportService, SiteImportQueue],
})
export class SiteImportApiModule {}
