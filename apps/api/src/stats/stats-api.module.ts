import { Module } from '@nestjs/common';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { ChannelsModule } from '@app/channels/channels.module';
import type { ChannelLabelSource } from '@app/stats/channel-labels';
import { StatsModule } from '@app/stats/stats.module';

/** The statistics' channel labels: whatever each adapter of this process declares, read when printed. */
export function channelLabelSource(registry: ChannelRegistry): ChannelLabelSource {
  return { channelLabel: (type) => (registry.has(type) ? registry.get(type).capabilities.label : undefined) };
}

/**
 * Statistics as the api composes them: libs/stats knows no channel, so the labels it prints for channel
 * types come from the channel registry here (built-in adapters and any added by
 * ChannelsModule.forRoot({ extraAdapters })).
 */
@Module({
  imports: [StatsModule.withChannelLabels({ imports: [ChannelsModule], inject: [ChannelRegistry], useFactory: channelLabelSource })],
  // the statistics services with these labels, for app modules that compose them (self-check/)
  exports: [StatsModule],
})
export class StatsApiModule {}
