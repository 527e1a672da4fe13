import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { ChannelCallbackController } from './channel-callback.controller';
import { ChannelCallbackService } from './channel-callback.service';

/** Endpoints outside systems call back (e.g. WeChat's publish-finished events). No sign-in; each channel verifies its own signature. */
@Module({
  imports: [ChannelsModule],
  controllers: [ChannelCallbackController],
  providers: [ChannelCallbackService],
})
export class CallbacksModule {}
