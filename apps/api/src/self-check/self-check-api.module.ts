import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { StatsApiModule } from '../stats/stats-api.module';
import { SelfCheckController } from './self-check.controller';
import { SelfCheckService } from './self-check.service';

/**
 * The monthly 自查 (issue 16.3): libs/stats' 通报 and report services (through StatsApiModule, which exports
 * them) composed with the channels' capabilities (which channel is a portal, which is 政务新媒体); libs/stats
 * knows no channel, so the composition lives in the app.
 */
@Module({
  imports: [StatsApiModule, ChannelsModule],
  controllers: [SelfCheckController],
  providers: [OrgScopeService, SelfCheckService],
})
export class SelfCheckApiModule {}
