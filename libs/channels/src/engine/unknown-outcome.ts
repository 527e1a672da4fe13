import type { ChannelAdapter, DeliveryContext } from '../channel-adapter';
import { backoffMs } from './backoff';

/**
 * An outcome the engine cannot see yet (the answer to a send was lost and the lookup fails, an
 * accepted publication whose status cannot be read) is bounded by time, not by attempts: it is checked
 * again with exponential backoff (seconds at first, then up to ten minutes), the checks do not use up
 * the send budget, and their events are coalesced (event-coalescing.ts). At the channel's give-up time
 * the delivery goes to a person (待人工核实: `unconfirmed`, manual-check.ts), never to `failed` — a
 * failed delivery invites a resend, and an outcome that cannot be proven is never resent on its own.
 */

/** Default give-up time when neither the account nor the adapter names one. */
export const UNKNOWN_GIVE_UP_MS = 24 * 3600_000;
const FIRST_CHECK_MS = 2000;
const LONGEST_CHECK_MS = 10 * 60_000;

/** Wait before check number `checks` (1-based): 1–2 s, 2–4 s, … up to 5–10 min. */
export function unknownCheckDelayMs(checks: number, random = Math.random): number {
  return backoffMs(Math.max(1, checks), FIRST_CHECK_MS, LONGEST_CHECK_MS, random);
}

/** The account's `unknownGiveUpMs` / `confirmGiveUpMs`, else the adapter's confirmGiveUpMs, else a day. */
export function unknownGiveUpMs(adapter: ChannelAdapter, ctx: Pick<DeliveryContext, 'account'> | undefined, which: 'unknown' | 'confirm'): number {
  const s = ctx?.account.settings ?? {};
  const own = Number(which === 'unknown' ? (s.unknownGiveUpMs ?? s.confirmGiveUpMs) : s.confirmGiveUpMs);
  if (own > 0) return own;
  return adapter.capabilities.confirmGiveUpMs ?? UNKNOWN_GIVE_UP_MS;
}

/** Checkpoint keys of one episode of an unknown outcome; cleared once the outside system answers. */
export const UNKNOWN_EPISODE_RESET = { unknownSince: null, unknownChecks: null } as const;

export function formatDuration(ms: number): string {
  if (ms >= 3600_000) return `${Math.round(ms / 3600_000)}小时`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)}分钟`;
  return `${Math.round(ms / 1000)}秒`;
}

/** The message a person reads when the engine stops checking on its own (Chinese: shown to operators). */
export function giveUpMessage(what: 'unknown' | 'confirm', giveUpMs: number, detail: string): string {
  const head =
    what === 'unknown'
      ? `发送结果已连续${formatDuration(giveUpMs)}无法核实（${detail}），系统不会自动重发，待人工核实`
      : `外部系统已受理，但${formatDuration(giveUpMs)}内未能确认是否发布（${detail}），系统不会自动重发，待人工核实`;
  return `${head}。请到该渠道后台查看：已发布的请“标记为已发布”，确认未发布的请“重试”`;
}
