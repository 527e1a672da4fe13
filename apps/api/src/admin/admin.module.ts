import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { ReviewModule } from '@app/review/review.module';
import { AdminController } from './admin.controller';
import { ChannelAccountCheckController } from './channel-account-check.controller';
import { ChannelAccountsAdminService } from './channel-accounts-admin.service';
import { OrganisationsAdminService } from './organisations-admin.service';
import { UsersAdminService } from './users-admin.service';

/** The admin API: organisations, channel accounts, users and roles (registered in api.module.ts). */
@Module({
  imports: [ChannelsModule, ReviewModule],
  controllers: [AdminController, ChannelAccountCheckController],
  providers: [OrganisationsAdminService, ChannelAccountsAdminService, UsersAdminService],
})
export class AdminModule {}
