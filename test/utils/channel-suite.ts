import type { AxiosInstance } from 'axios';
import { ChannelSim, startChannelSim } from '@app/channel-sim/channel-sim';
import { startTestSystem, TestSystem } from './test-system';

/** A channel suite's running pieces: the simulators, the system pointed at them, the signed-in users. */
export interface ChannelSuite<U extends string = string> {
  sim: ChannelSim;
  sys: TestSystem;
  /** one API client per user asked for, keyed by username */
  users: Record<U, AxiosInstance>;
}

export interface ChannelSuiteOptions<U extends string> {
  /** usernames to sign in, in this order (e.g. ['editor', 'reviewer', 'admin']) */
  users?: readonly U[];
  /** startTestSystem's options; `simUrl` is the simulators' unless `simUrl: false` */
  system?: Parameters<typeof startTestSystem>[1];
  /** false: the system is not pointed at the simulators (suites that create their own accounts) */
  simUrl?: boolean;
  /** runs once the simulators are up, before the system starts */
  onSim?: (sim: ChannelSim) => unknown;
  /** runs after the suite, before the system and the simulators close */
  beforeClose?: () => unknown;
}

/**
 * The set-up every channel suite shares: starts the channel simulators, the system (its own database,
 * queues and portal directory) pointed at them, and signs the users in; closes both after the suite.
 * Call it inside a describe block: it registers that block's beforeAll and afterAll, and hands the
 * running suite to `ready` before any beforeAll declared after it runs.
 */
export function startChannelSuite<U extends string>(label: string, o: ChannelSuiteOptions<U>, ready: (s: ChannelSuite<U>) => unknown): void {
  let sim: ChannelSim | undefined;
  let sys: TestSystem | undefined;
  beforeAll(async () => {
    sim = await startChannelSim();
    await o.onSim?.(sim);
    sys = await startTestSystem(label, { ...(o.simUrl === false ? {} : { simUrl: sim.url }), ...o.system });
    const users = {} as Record<U, AxiosInstance>;
    for (const u of o.users ?? []) users[u] = await sys.login(u);
    await ready({ sim, sys, users });
  });
  afterAll(async () => {
    await o.beforeClose?.();
    await sys?.close();
    await sim?.close();
  });
}
