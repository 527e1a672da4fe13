import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { WechatMassController } from './wechat-mass.controller';
import { WechatMassApiService } from './wechat-mass-api.service';

/** 群发 (mass send) for editors and reviewers: the account's quota and the phone preview. Registered in feature-modules.ts. */
@Module({
  imports: [ChannelsModule],
  controllers: [WechatMassController],
  providers: [WechatMassApiService],
})
export class WechatMassApiModule {}
