import type { FieldProblem } from '@app/common/errors/app-error';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import type { ChannelCapabilities, ChannelPreview } from './channel-adapter.types';

export type { ChannelCapabilities, ChannelPreview, PreviewImage } from './channel-adapter.types';
export type { AccountCapabilityCheck, AccountCheckResult } from './account-check.types';
import type { AccountCheckResult } from './account-check.types';

/** Account as an adapter sees it: credentials decrypted, in memory only. */
export interface AdapterAccount {
  id: string;
  organisationId: string;
  name: string;
  baseUrl: string;
  settings: Record<string, any>;
  credentials: Record<string, any>;
}

export interface AttemptLog {
  call: string;
  response?: string;
  durationMs?: number;
  errorCode?: string;
  message?: string;
}

/** Everything a delivery step needs. Persisting checkpoints and events is the engine's job. */
export interface DeliveryContext {
  deliveryId: string;
  attempt: number;
  version: ItemSnapshot;
  versionId: string;
  account: AdapterAccount;
  /** Steps that already took effect outside (read). */
  checkpoint: Readonly<Record<string, any>>;
  /** Records a step that took effect outside, durably, before the next step runs. */
  saveCheckpoint(patch: Record<string, any>): Promise<void>;
  /** Appends an event row the operator can read (what was called, what came back). */
  logAttempt(entry: AttemptLog): Promise<void>;
  /** Public URL of the item's portal page (links from Weibo / WeChat point there). */
  portalUrl: string;
  externalId: string | null;
  externalUrl: string | null;
  /**
   * For a revision: this account's publication of an earlier version of the item, which an adapter
   * that can update in place updates instead of publishing anew.
   */
  previous?: { versionNo: number; externalId: string | null; externalUrl: string | null } | null;
}

export type DeliverResult =
  | { status: 'published'; externalId: string; externalUrl?: string | null; publishedAt?: Date }
  | { status: 'awaiting_confirmation'; externalId?: string | null; pollAfterMs?: number }
  | { status: 'awaiting_issue' };

export type ConfirmResult =
  { status: 'published'; externalId: string; externalUrl?: string | null; publishedAt?: Date } | { status: 'pending'; pollAfterMs?: number };

export type ReconcileResult = { found: true; status: 'published' | 'pending'; externalId: string; externalUrl?: string | null } | { found: false };

/**
 * The contract every outside system's adapter implements. Generic code (fan-out, the delivery engine,
 * previews, submit-time validation) reads `capabilities` and calls these methods; it never branches on
 * a channel's name. The shapes the console reads too (capabilities, previews) live in the pure
 * channel-adapter.types.ts.
 */
export interface ChannelAdapter {
  readonly capabilities: ChannelCapabilities;
  /** Submit-time validation (before review, so the editor can fix it). Empty: deliverable. */
  validate(version: ItemSnapshot, account: AdapterAccount): Promise<FieldProblem[]>;
  preview(version: ItemSnapshot, account: AdapterAccount, portalUrl: string): Promise<ChannelPreview>;
  /** Sends the version. Must be idempotent given ctx.checkpoint: never repeat a step that took effect. */
  deliver(ctx: DeliveryContext): Promise<DeliverResult>;
  /** For asyncConfirmation channels: asks the outside system whether the publication went through. */
  confirm?(ctx: DeliveryContext): Promise<ConfirmResult>;
  /** Looks the publication up after an unknown outcome, before anything is sent again. */
  reconcile?(ctx: DeliveryContext): Promise<ReconcileResult>;
  /** Takes a publication back (capabilities.canWithdraw). */
  withdraw?(ctx: DeliveryContext): Promise<void>;
  /**
   * After a refreshable CredentialsError: drop cached tokens / fetch new ones. The engine calls it once
   * and retries the step; a second credentials failure stops the account.
   */
  refreshCredentials?(account: AdapterAccount): Promise<void>;
  /**
   * Account check ("测试连接"): harmless reads only (never publishes or sends), reporting in Chinese
   * what the account may do. Optional: channels without it have no check yet.
   */
  checkAccount?(ctx: AccountCheckContext): Promise<AccountCheckResult>;
  /** Problems with an account's settings / credentials, refused when the account is saved (field: settings.x / credentials.x). */
  accountProblems?(settings: Record<string, unknown>, credentials?: Record<string, unknown>): FieldProblem[];
  /**
   * Channels whose accounts write files under PORTAL_DIR (a site, a gazette folder): where an account
   * writes, so the admin API lets one organisation own each location.
   */
  readonly siteClaim?: AccountSite;
  /**
   * The platform calls us back (a publication finished): the API's one generic route
   * (/api/v1/callbacks/<type>/:accountId) hands the raw request to these and applies what they return.
   */
  readonly callbacks?: ChannelCallbacks;
}

export interface AccountSite {
  /** The setting an ownership conflict is reported on (settings.x). */
  field: string;
  /** The location relative to PORTAL_DIR ('' is its root), or null for a setting accountProblems refuses anyway. */
  location(a: { baseUrl: string; settings: Record<string, unknown>; orgCode: string }, portalBaseUrl: string): string | null;
}

/** What a callback said about one of our deliveries, and how to find that delivery. */
export type CallbackEvent =
  | { kind: 'ignored' }
  | {
      kind: 'outcome';
      /** The delivery of this account it is about: the first rule that matches (checkpoint values as text, or external_id). */
      match: { checkpoint?: Record<string, string>; externalId?: string }[];
      result: CallbackOutcome;
      /**
       * Recorded in the delivery's checkpoint when the result is a failure (before the outcome is applied),
       * if the delivery still holds the first match rule's checkpoint values.
       */
      failedCheckpoint?: Record<string, string>;
      /** For the log: the platform's own id of the event. */
      ref: string;
    };

export type CallbackOutcome = ConfirmResult | { status: 'failed'; code: string; message: string };

/**
 * A channel's side of its platform's callbacks. Each refuses with an AppError (400 / 403, Chinese
 * message) anything the platform cannot have sent, before anything is written.
 */
export interface ChannelCallbacks {
  /** GET on the callback URL (the platform checks the URL when it is configured): the text to answer. */
  verify?(account: AdapterAccount, query: Record<string, string | undefined>): string;
  /** POST: the checked (signature, decryption) and parsed event. */
  parse(account: AdapterAccount, query: Record<string, string | undefined>, body: string): CallbackEvent;
  /** What the platform expects as the answer to a POST it may otherwise retry. */
  readonly reply: string;
}

export interface AccountCheckContext {
  account: AdapterAccount;
  logAttempt?: (entry: AttemptLog) => Promise<void>;
}

// ---- typed outcomes: adapters throw these; the engine maps them to states and retries ----

export abstract class ChannelError extends Error {
  abstract readonly kind: 'retryable' | 'rate_limited' | 'credentials' | 'permanent' | 'unknown' | 'manual_check';
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Try again later with backoff (busy, 5xx, connection refused before sending). */
export class RetryableError extends ChannelError {
  readonly kind = 'retryable' as const;
}

/** The outside system asks us to wait; retryAfterMs is its window when it names one. */
export class RateLimitedError extends ChannelError {
  readonly kind = 'rate_limited' as const;
  constructor(
    code: string,
    message: string,
    public readonly retryAfterMs: number,
  ) {
    super(code, message);
  }
}

/** Credentials are wrong or expired. `refreshable`: the engine refreshes once and retries. */
export class CredentialsError extends ChannelError {
  readonly kind = 'credentials' as const;
  constructor(
    code: string,
    message: string,
    public readonly refreshable = false,
  ) {
    super(code, message);
  }
}

/** Will never succeed as sent: fail with the outside system's own code and message. */
export class PermanentError extends ChannelError {
  readonly kind = 'permanent' as const;
}

/** The call may have taken effect (timeout after sending, connection reset): reconcile first. */
export class UnknownOutcomeError extends ChannelError {
  readonly kind = 'unknown' as const;
}

/**
 * The outcome of an earlier send can no longer be proven either way (the outside system does not show
 * enough to tell): never resent automatically. The delivery stays `unconfirmed` and waits for a person,
 * with the message as what to check; the operator records the publication (mark published) or sends it
 * again (retry, audited), which the engine then lets through this check once. Thrown by reconcile (or
 * by deliver / confirm when an answer proves the publication exists but not where).
 */
export class ManualCheckError extends ChannelError {
  readonly kind = 'manual_check' as const;
}
