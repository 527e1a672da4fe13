import { Injectable } from '@nestjs/common';
import { AccountLimiter } from '@app/channels/engine/account-limiter.service';
import { DeliveryRunner } from '@app/channels/engine/delivery-runner.service';
import type { AccountStateInfo } from './operator-rows.types';

/** What an account's state is computed from: its row. */
export interface AccountStateInput {
  id: string;
  channelType: string;
  enabled: boolean;
  status: string;
}

/**
 * Each account's sending state for the operator, in words the console shows: 已停用 (switched off),
 * 需处理 (stopped until someone fixes it), 已暂停 (the outside system imposed a pause, with its reason and
 * when it ends), 限流中 (the account's own rate limit is used up until a call leaves the window), 正常.
 * The pause and the rate window live in Redis (AccountLimiter); when Redis cannot answer the account
 * reads 正常 as far as they are concerned (the limiter lets calls through then too).
 */
@Injectable()
export class AccountStates {
  constructor(
    private readonly limiter: AccountLimiter,
    private readonly runner: DeliveryRunner,
  ) {}

  async of(accounts: AccountStateInput[]): Promise<Map<string, AccountStateInfo>> {
    const live = accounts.filter((a) => a.enabled && a.status === 'active');
    const limits = new Map<string, { max: number; durationMs: number }>();
    for (const a of live) {
      const rl = await this.runner
        .limitsFor(a.id, a.channelType)
        .then((l) => l.rateLimit)
        .catch(() => undefined);
      if (rl && rl.max > 0 && rl.durationMs > 0) limits.set(a.id, rl);
    }
    const [pauses, windows] = await Promise.all([
      this.limiter.pauses(live.map((a) => a.id)).catch(() => new Map<string, { reason: string; resumesAt: Date }>()),
      this.limiter.rateLimitedUntil(limits).catch(() => new Map<string, Date>()),
    ]);
    const out = new Map<string, AccountStateInfo>();
    for (const a of accounts) {
      const p = pauses.get(a.id);
      const until = windows.get(a.id) ?? null;
      const state: AccountStateInfo['state'] = !a.enabled
        ? 'disabled'
        : a.status !== 'active'
          ? 'needs_attention'
          : p
            ? 'paused'
            : until
              ? 'rate_limited'
              : 'active';
      out.set(a.id, { state, pauseReason: p?.reason ?? null, resumesAt: p?.resumesAt ?? null, rateLimitedUntil: state === 'rate_limited' ? until : null });
    }
    return out;
  }
}
