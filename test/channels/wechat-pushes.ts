import type { ChannelSim } from '@app/channel-sim/channel-sim';
import { waitFor } from '@app/test/utils/test-system';

/**
 * The simulator's pushes of an account's publish callbacks, once each has its answer. The simulator
 * records a push when it has read our answer, which can come after the delivery is published (the api
 * applies the callback before it answers), so a test that saw the delivery published waits for this.
 */
export async function answeredPushes(sim: ChannelSim, appid: string) {
  return (await waitFor(
    async () => {
      const c = sim.wechat.callbackDeliveries().filter((x) => x.appid === appid);
      return c.length && c.every((x) => x.lastStatus !== undefined) ? c : null;
    },
    10_000,
    'callback answered',
  ))!;
}
