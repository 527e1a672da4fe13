import type { Request, Response } from 'express';
import type { SystemName } from '../records/sim-records';

// What a fault is: the spec a test or operator sends, the normalised fault the controller keeps, the
// hooks each simulator gives, and the request log. The behaviour is in fault-injector.ts.

export interface OutageSpec {
  /** epoch ms or ISO time on the simulated clock; default: now */
  from?: number | string;
  /** epoch ms or ISO time; default: forever, or from + forMs */
  to?: number | string;
  forMs?: number;
  /** `reset` destroys the connection (closest to "connection refused"); `503` answers 503 */
  mode?: 'reset' | '503';
}

export interface TimeoutAfterEffectSpec {
  /** `hang` keeps the socket open for holdMs then destroys it; `destroy` resets it as soon as the answer is ready */
  mode?: 'hang' | 'destroy';
  holdMs?: number;
}

export interface FaultSpec {
  /** one system, or '*' / absent for all */
  system?: SystemName | '*';
  /** path inside the system's mount, e.g. "/cgi-bin/freepublish/submit"; `*` matches any characters; absent = all */
  path?: string;
  method?: string;
  /** appid (WeChat), uid or token (Weibo), device id or sdkKey (Huidu), token (testchan) */
  account?: string;
  latencyMs?: number;
  error?: string | number;
  /** probability of `error` / `timeoutAfterEffect` firing on a matching call; default 1 */
  errorRate?: number;
  timeoutAfterEffect?: boolean | TimeoutAfterEffectSpec;
  outage?: OutageSpec;
  /** apply to the next N matching calls only, then the fault removes itself */
  count?: number;
  label?: string;
}

export interface Fault {
  id: string;
  label?: string;
  system: SystemName | '*';
  path?: string;
  method?: string;
  account?: string;
  latencyMs?: number;
  error?: string;
  errorRate: number;
  timeoutAfterEffect?: Required<TimeoutAfterEffectSpec>;
  outage?: { from: number; to: number; mode: 'reset' | '503' };
  /** calls left when `count` was given */
  remaining?: number;
  /** matching calls seen */
  hits: number;
  /** calls where the error / timeout / outage actually fired */
  fired: number;
  createdAt: string;
}

/** What a simulator tells the fault middleware about its own protocol. */
export interface FaultHooks {
  /** the account a request acts for, when it can be told (after body parsing) */
  accountOf(req: Request): string | string[] | undefined;
  /** answer with the system's own error format for `code` */
  renderError(code: string, req: Request, res: Response): void;
}

export class FaultSpecError extends Error {}

export interface RequestLogEntry {
  seq: number;
  at: string;
  system: SystemName;
  method: string;
  path: string;
  account?: string;
  /** HTTP status sent, when one was */
  status?: number;
  outcome: 'pending' | 'answered' | 'error-injected' | 'reset' | 'hang' | 'swallowed' | 'outage';
  faults: string[];
  ms?: number;
}
