import type { ChannelCapabilities } from './types';

/**
 * The channel types a user may choose: all but those whose capabilities say they exist for the
 * developers' tests (the test channel, `forTests`). Decided: the console never offers such a type for
 * a new account, the demo included (a developer makes one through the API); a filter over existing
 * things (the monitor's channel filter) still offers it once an account of that type exists (`present`),
 * since its deliveries are then real rows to find. An account that exists is always listed under its
 * channel's name wherever accounts are listed.
 */
export function userChannels(caps: readonly ChannelCapabilities[] | undefined, present: readonly string[] = []): ChannelCapabilities[] {
  return (caps ?? []).filter((c) => !c.forTests || present.includes(c.type));
}
