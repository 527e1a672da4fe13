// Pure TypeScript (no imports): the console (apps/console) imports these shapes too (the editor's 群发
// quota, the reviewer's 手机预览).

export type PublishMode = 'freepublish' | 'mass';
export type AccountType = 'subscription' | 'service';

export interface MassQuota {
  accountType: AccountType;
  per: 'day' | 'month';
  limit: number;
  used: number;
  /** sends whose outcome is not known yet (counted as used: the stricter reading) */
  inFlight: number;
  remaining: number;
  windowStart: string;
  windowEnd: string;
  /** Chinese, when nothing is left */
  message: string | null;
}

/** GET /channel-accounts/:id/quota: a WeChat account's 群发 quota in the current Beijing day or month. */
export interface MassQuotaReply extends MassQuota {
  accountId: string;
  publishMode: PublishMode;
  /** 'all' (is_to_all) or a tag id */
  target: 'all' | number;
}

/** POST /items/:id/wechat-preview. */
export interface WechatPreviewReply {
  ok: boolean;
  towxname: string;
  msgId: string | null;
}
