// Pure TypeScript (no imports): the console (apps/console) imports these shapes too, for 测试连接.

/** One thing the account may or may not do. ok: null when it could not be determined. */
export interface AccountCapabilityCheck {
  key: string;
  /** Chinese, as the console shows it */
  label: string;
  ok: boolean | null;
  /** Chinese: what was found (and what to do about it) */
  detail: string;
}

export interface AccountCheckResult {
  /** true when everything the adapter's deliveries need is in place */
  ok: boolean;
  capabilities: AccountCapabilityCheck[];
  /** Chinese, one line per thing the operator should fix */
  problems: string[];
}

/** The reply of POST /channel-accounts/:id/check. */
export interface AccountCheckView extends AccountCheckResult {
  accountId: string;
  channelType: string;
  /** false: this channel has no check yet (ok is then false and capabilities empty) */
  supported: boolean;
  checkedAt: string;
}
