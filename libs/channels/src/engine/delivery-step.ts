import { Delivery } from '@app/domain/entities/delivery.entity';
import type { DeliveryState } from '@app/domain/enums/domain-enums';

/** What the queue processor should do with the job after one step. */
export type StepOutcome = { done: true } | { done: false; runAt: Date };

/** A delivery claimed by this process: `token` fences every write against a takeover. */
export interface Claim {
  d: Delivery;
  prev: DeliveryState;
  token: string;
  /** Rate-limited accounts: moves this step's mark in the account's rate window to now, before each outside call. */
  atCall?: () => Promise<void>;
  /** The outside system answered a check this step: an unknown outcome's episode (checks, since) ends. */
  answered?: boolean;
  /**
   * The step makes no more outside calls: the account's slot goes back now instead of after the step's
   * writes (the slot bounds the calls an outside system sees at once, not our own Postgres work).
   * Called only on paths that end in writes alone; a second call does nothing.
   */
  callsDone?: () => void;
}

export type Phase = 'reconcile' | 'confirm' | 'deliver' | 'withdraw';

/** A raw `deliveries` row (snake_case, from RETURNING / SELECT *) as the entity. */
export function rowToDelivery(r: any): Delivery {
  const d = new Delivery();
  d.id = r.id;
  d.itemId = r.item_id;
  d.itemVersionId = r.item_version_id;
  d.versionNo = r.version_no;
  d.channelAccountId = r.channel_account_id;
  d.channelType = r.channel_type;
  d.organisationId = r.organisation_id;
  d.state = r.state;
  d.dueAt = new Date(r.due_at);
  d.attempts = r.attempts;
  d.checkpoint = r.checkpoint ?? {};
  d.externalId = r.external_id;
  d.externalUrl = r.external_url;
  d.lastErrorCode = r.last_error_code;
  d.lastErrorMessage = r.last_error_message;
  d.leaseUntil = r.lease_until ? new Date(r.lease_until) : null;
  d.nextAttemptAt = r.next_attempt_at ? new Date(r.next_attempt_at) : null;
  d.publishedAt = r.published_at ? new Date(r.published_at) : null;
  d.createdAt = new Date(r.created_at);
  d.updatedAt = new Date(r.updated_at);
  return d;
}
