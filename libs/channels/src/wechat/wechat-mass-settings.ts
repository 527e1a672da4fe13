import * as crypto from 'crypto';
import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { AdapterAccount } from '../channel-adapter';

/**
 * 发布 (freepublish) or 群发 (mass send), per account and per item. 发布 does not reach followers'
 * chats (platform staff, PLATFORM.md §2); most 政务公众号 群发. Pure functions: the admin API, the
 * adapter and the console read the same rules.
 */
export type { AccountType, MassQuota, PublishMode } from './wechat-mass.types';
import type { AccountType, MassQuota, PublishMode } from './wechat-mass.types';
export const PUBLISH_MODES: readonly PublishMode[] = ['freepublish', 'mass'];

export const PUBLISH_MODE_LABELS: Record<PublishMode, string> = { freepublish: '发布', mass: '群发' };

/**
 * 群发 quotas (official Batch_Sends text, quoted in hexdocs.pm/wechat_sdk/WeChat.BatchSends.html):
 * 认证订阅号 1 successful call a day; 服务号: a follower receives at most 4 a calendar month. Days and
 * months are Beijing time (the platform's quotas reset at 00:00 Beijing).
 */
export const MASS_QUOTA: Record<AccountType, { limit: number; per: 'day' | 'month' }> = {
  subscription: { limit: 1, per: 'day' },
  service: { limit: 4, per: 'month' },
};

export interface MassSettings {
  /** 'all' (is_to_all) or a tag id */
  target: 'all' | number;
  accountType: AccountType;
  sendIgnoreReprint: 0 | 1;
}

export function massSettings(account: AdapterAccount): MassSettings {
  const s = account.settings ?? {};
  const tag = Number(s.massTarget);
  return {
    target: s.massTarget === undefined || s.massTarget === null || s.massTarget === 'all' || !Number.isInteger(tag) || tag < 0 ? 'all' : tag,
    accountType: s.accountType === 'service' ? 'service' : 'subscription',
    sendIgnoreReprint: s.massSendIgnoreReprint === true || s.massSendIgnoreReprint === 1 ? 1 : 0,
  };
}

/** The item's override (channelOverrides.wechat.publishMode) or the account's default. */
export function publishModeOf(v: Pick<ItemSnapshot, 'channelOverrides'>, account: AdapterAccount): PublishMode {
  const o = (v.channelOverrides?.wechat ?? {}) as Record<string, unknown>;
  if (o.publishMode === 'mass' || o.publishMode === 'freepublish') return o.publishMode;
  return account.settings?.publishMode === 'mass' ? 'mass' : 'freepublish';
}

/** Submit-time check of the editor's override: a bounded value, named by field. */
export function publishModeOverrideProblems(v: Pick<ItemSnapshot, 'channelOverrides'>): FieldProblem[] {
  const o = (v.channelOverrides?.wechat ?? {}) as Record<string, unknown>;
  if (o.publishMode === undefined || o.publishMode === null || PUBLISH_MODES.includes(o.publishMode as PublishMode)) return [];
  return [{ field: 'channelOverrides.wechat.publishMode', reason: '微信发布方式只能是“freepublish”（发布）或“mass”（群发）' }];
}

/** Admin-side validation of the account settings this feature reads (only keys being changed). */
export function massSettingsProblems(next: Record<string, unknown>, prev: Record<string, unknown> = {}): FieldProblem[] {
  const changed = (k: string) => k in next && JSON.stringify(next[k]) !== JSON.stringify(prev[k]);
  const out: FieldProblem[] = [];
  if (changed('publishMode') && !PUBLISH_MODES.includes(next.publishMode as PublishMode))
    out.push({ field: 'settings.publishMode', reason: '发布方式应为 freepublish（发布）或 mass（群发）' });
  // a tag id may come as a number or as the digits a form field holds (massSettings reads both)
  const tag = typeof next.massTarget === 'string' && /^\d{1,10}$/.test(next.massTarget) ? Number(next.massTarget) : next.massTarget;
  if (changed('massTarget') && next.massTarget !== 'all' && !(Number.isInteger(tag) && (tag as number) >= 0 && (tag as number) < 2 ** 31)) {
    out.push({ field: 'settings.massTarget', reason: '群发对象应为 all（全部粉丝）或标签编号（非负整数）' });
  }
  if (changed('accountType') && next.accountType !== 'subscription' && next.accountType !== 'service')
    out.push({ field: 'settings.accountType', reason: '账号类型应为 subscription（订阅号）或 service（服务号）' });
  if (changed('massSendIgnoreReprint') && typeof next.massSendIgnoreReprint !== 'boolean')
    out.push({ field: 'settings.massSendIgnoreReprint', reason: '应为“是”或“否”' });
  return out;
}

/**
 * The delivery's clientmsgid: the platform refuses a second send with the same key for 24 h (45065,
 * answering the first msg_id). 32 hex characters: a 36-character UUID has been answered 45067
 * (PLATFORM.md §1.2), so the dashes go. A later generation (an operator's retry after a failed send)
 * gets a key of its own.
 */
export function clientMsgIdFor(deliveryId: string, generation = 0): string {
  if (generation === 0) {
    const hex = deliveryId.replace(/-/g, '').toLowerCase();
    if (/^[0-9a-f]{32}$/.test(hex)) return hex;
  }
  return crypto.createHash('sha256').update(`${deliveryId}:${generation}`).digest('hex').slice(0, 32);
}

const BEIJING_MS = 8 * 3600_000;

/** Start and end (UTC instants) of the Beijing day or month holding `at`. */
export function quotaWindow(per: 'day' | 'month', at: Date): { from: Date; to: Date } {
  const b = new Date(at.getTime() + BEIJING_MS);
  const y = b.getUTCFullYear();
  const m = b.getUTCMonth();
  const d = b.getUTCDate();
  const from = per === 'day' ? Date.UTC(y, m, d) : Date.UTC(y, m, 1);
  const to = per === 'day' ? Date.UTC(y, m, d + 1) : Date.UTC(y, m + 1, 1);
  return { from: new Date(from - BEIJING_MS), to: new Date(to - BEIJING_MS) };
}

/** The editor-facing sentence when nothing is left (Chinese), else null. */
export function quotaMessage(q: Omit<MassQuota, 'message'>): string | null {
  if (q.remaining > 0) return null;
  const taken = q.used + q.inFlight;
  return q.per === 'day'
    ? `今日群发次数已用完（${Math.min(taken, q.limit)}/${q.limit}），明日 0 点后可再发`
    : `本月群发次数已用完（${Math.min(taken, q.limit)}/${q.limit}），下月 1 日 0 点后可再发`;
}
