import type { AccountCapabilityCheck as AccountCapabilityCheckRecord, AccountCheckView } from '../../../../libs/channels/src/account-check.types';
import type { MassQuotaReply as MassQuotaRecord, WechatPreviewReply as WechatPreviewRecord } from '../../../../libs/channels/src/wechat/wechat-mass.types';
import type { Jsonified } from './types';

// The replies of the platform endpoints, declared once on the server in pure *.types.ts modules.

/** One thing the account may or may not do; ok null: could not be determined. */
export type AccountCapabilityCheck = Jsonified<AccountCapabilityCheckRecord>;
/** POST channel-accounts/:id/check (测试连接). */
export type AccountCheck = Jsonified<AccountCheckView>;
/** GET channel-accounts/:id/quota: a WeChat account's 群发 quota in the current Beijing day or month. */
export type MassQuotaReply = Jsonified<MassQuotaRecord>;
/** POST items/:id/wechat-preview. */
export type WechatPreviewReply = Jsonified<WechatPreviewRecord>;

/** The publish mode a WeChat target uses for an item: the item's override, else the account's setting. */
export function wechatModeOf(settings: Record<string, unknown> | undefined, override: unknown): 'freepublish' | 'mass' {
  if (override === 'mass' || override === 'freepublish') return override;
  return settings?.publishMode === 'mass' ? 'mass' : 'freepublish';
}
