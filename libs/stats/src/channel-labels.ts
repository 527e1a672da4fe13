/**
 * How the statistics print a channel type (channel counts, drill-down CSV, the 通报's 渠道 column). The
 * label is the channel's own declaration (its adapter's capabilities.label), which this library may not
 * read (it does not import libs/channels): the app that composes the features provides the source,
 * filled from its channel registry (apps/api/src/stats/stats-api.module.ts). A channel added tomorrow is
 * printed with its label without a change here or in config/reports.
 */
export interface ChannelLabelSource {
  /** The label a channel type declares; undefined when no adapter of this process declares the type. */
  channelLabel(channelType: string): string | undefined;
}

/** Nest provider token of the ChannelLabelSource (optional: without it types print as their ids). */
export const CHANNEL_LABELS = 'STATS_CHANNEL_LABELS';
