import type { AdapterAccount } from '../channel-adapter';
import { MASS_QUOTA, MassQuota, massSettings, quotaMessage, quotaWindow } from './wechat-mass-settings';

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * An account's 群发 quota from Postgres (never from memory: several workers and api processes count
 * the same account): sends that went out (checkpoint.massSentAt) in the Beijing day (订阅号) or month
 * (服务号) holding `at`, plus sends whose answer is not known yet (massSendAttemptedAt without
 * massSentAt; the stricter reading counts them as used). `exceptDeliveryId`: the delivery asking.
 */
export async function massQuota(db: Queryable, account: AdapterAccount, at: Date = new Date(), exceptDeliveryId: string | null = null): Promise<MassQuota> {
  const { accountType } = massSettings(account);
  const { limit, per } = MASS_QUOTA[accountType];
  const { from, to } = quotaWindow(per, at);
  const rows: { used: string; in_flight: string }[] = await db.query(
    `SELECT count(*) FILTER (WHERE (checkpoint->>'massSentAt')::timestamptz >= $2 AND (checkpoint->>'massSentAt')::timestamptz < $3) AS used,
            count(*) FILTER (WHERE checkpoint->>'massSentAt' IS NULL AND state NOT IN ('failed', 'cancelled')
                               AND (checkpoint->>'massSendAttemptedAt')::timestamptz >= $2 AND (checkpoint->>'massSendAttemptedAt')::timestamptz < $3) AS in_flight
       FROM deliveries
      WHERE channel_account_id = $1::uuid AND channel_type = 'wechat' AND checkpoint->>'publishMode' = 'mass'
        AND ($4::uuid IS NULL OR id <> $4::uuid)`,
    [account.id, from.toISOString(), to.toISOString(), exceptDeliveryId],
  );
  const used = Number(rows[0]?.used ?? 0);
  const inFlight = Number(rows[0]?.in_flight ?? 0);
  const q = {
    accountType,
    per,
    limit,
    used,
    inFlight,
    remaining: Math.max(0, limit - used - inFlight),
    windowStart: from.toISOString(),
    windowEnd: to.toISOString(),
  };
  return { ...q, message: quotaMessage(q) };
}
