import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { GovAppAdapter } from './govapp.adapter';

/** The one line that adds the channel to an app (here the suite's API and worker). */
@Module({ imports: [ChannelsModule.forRoot({ extraAdapters: [GovAppAdapter] })] })
export class GovAppChannelModule {}
