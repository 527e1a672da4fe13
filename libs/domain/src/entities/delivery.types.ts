import type { DeliveryState } from '../enums/domain-enums';

// Pure TypeScript (type imports of pure modules only): the console (apps/console) imports this shape
// too, through the API's delivery rows, which pick their columns from it (GET items/:id and
// items/:id/deliveries send those rows, never the entity with its checkpoint and lease). The Delivery
// entity implements DeliveryRecord.

/** A row of `deliveries`: one item version to one channel account. */
export interface DeliveryRecord {
  id: string;
  itemId: string;
  itemVersionId: string;
  versionNo: number;
  channelAccountId: string;
  channelType: string;
  organisationId: string;
  state: DeliveryState;
  dueAt: Date;
  attempts: number;
  /** Steps that took effect outside (media uploaded, draft created, submitted). */
  checkpoint: Record<string, any>;
  externalId: string | null;
  externalUrl: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  /** While `processing`: the worker's lease. */
  leaseUntil: Date | null;
  /** Next time the engine should look at it (retry backoff, confirmation poll). */
  nextAttemptAt: Date | null;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}
