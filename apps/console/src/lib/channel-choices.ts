import type { ChannelCapabilities } from './types';

/**
 * The channel types a user may choose (a new account's channel, a filter): all but those whose
 * capabilities say they exist for the developers' tests (the test channel, `forTests`). Decided: the
 * console never offers them, the demo included; a developer makes such an account through the API, and
 * an account that exists is still listed under its channel's name wherever accounts are listed.
 */
export function userChannels(caps: readonly ChannelCapabilities[] | undefined): ChannelCapabilities[] {
  return (caps ?? []).filter((c) => !c.forTests);
}
