import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { WechatCallbackController } from './wechat-callback.controller';
import { WechatCallbackService } from './wechat-callback.service';

/** Endpoints outside systems call back (WeChat's publish-finished events). No sign-in; each verifies its own signature. */
@Module({
  imports: [ChannelsModule],
  controllers: [WechatCallbackController],
  providers: [WechatCallbackService],
})
export class CallbacksModule {}
