import type { FieldProblem } from '../../common/src/errors/field-problem.types';

// Pure TypeScript (type imports of pure modules only, by relative path): the console (apps/console)
// imports these shapes too (GET channels, GET items/:id/previews). channel-adapter.ts re-exports them.

/**
 * What generic code (fan-out, the delivery engine, previews, submit-time validation) knows of a channel:
 * it reads these instead of branching on a channel's name. GET channels sends one per channel type.
 */
export interface ChannelCapabilities {
  /** Stored in channel_accounts.channel_type and the ledger; also the queue suffix. */
  type: string;
  /** Name shown to users (Chinese). */
  label: string;
  /** Report row the channel counts in (STATISTICS.md): gazette, portal, weibo, wechat, other. */
  reportRow: 'gazette' | 'portal' | 'weibo' | 'wechat' | 'other';
  canUpdate: boolean;
  canWithdraw: boolean;
  /**
   * The channel cannot take a publication back, but withdraw() records a correction in a later
   * publication instead (the gazette's 勘误 in the next issue); the delivery then counts as withdrawn.
   */
  withdrawsByCorrection?: boolean;
  /** The outside system accepts first and publishes later (confirm() is polled). */
  asyncConfirmation: boolean;
  /** Deliveries wait for an issue to be compiled and published (the gazette). */
  collectsIntoIssues: boolean;
  limits: {
    titleMaxChars?: number;
    textMaxChars?: number;
    imageMaxBytes?: number;
    imageFormats?: string[];
  };
  /** Jobs of one account processed at once, and the account's rate limit. */
  concurrencyPerAccount: number;
  rateLimit?: { max: number; durationMs: number };
  /** Item kinds the channel takes by default (undefined: all kinds). */
  defaultKinds?: string[];
  /** Retryable failures allowed before the delivery fails (engine default: 8). */
  maxAttempts?: number;
  /** How long an accepted publication may wait for confirmation before it fails (engine default: 24 h). */
  confirmGiveUpMs?: number;
}

/** An image of a preview (a cover, an LED frame), inline. */
export interface PreviewImage {
  name: string;
  contentType: string;
  base64: string;
  width?: number;
  height?: number;
}

/** A per-channel preview shown in the console, from the same renderer the delivery uses. */
export interface ChannelPreview {
  channelType: string;
  html?: string;
  text?: string;
  images?: PreviewImage[];
  meta?: Record<string, unknown>;
  problems: FieldProblem[];
}
