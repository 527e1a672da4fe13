import type { FieldProblem } from '../../common/src/errors/field-problem.types';

// Pure TypeScript (type imports of pure modules only, by relative path): the console (apps/console)
// imports these shapes too (GET channels, GET items/:id/previews). channel-adapter.ts re-exports them.

/** The kinds of value a declared field holds (the console renders one input per kind). */
export type ChannelFieldType =
  | 'string'
  | 'secret'
  | 'url'
  | 'number'
  | 'boolean'
  | 'select'
  | 'text'
  | 'list'
  // mostly per-item overrides: a date and time (ISO 8601), an image (URL of an upload), several of the
  // options (an array of their values), daily time spans ([{start:'08:30', end:'12:00'}])
  | 'datetime'
  | 'image'
  | 'multiselect'
  | 'timeRanges';

/**
 * One setting, credential or per-item override a channel declares (data, not code): the API validates
 * saved values against it and the console renders a labelled input from it. `key` is what the adapter
 * reads (settings.<key>, credentials.<key>, channelOverrides.<type>.<key>).
 */
export interface ChannelField {
  key: string;
  /** Chinese, shown beside the input */
  label: string;
  type: ChannelFieldType;
  required?: boolean;
  /** Chinese, shown under the input */
  help?: string;
  /** select / multiselect / list: the allowed values (label in Chinese). */
  options?: { value: string | number; label: string }[];
  /** number: bounds; list / multiselect: number of entries. */
  min?: number;
  max?: number;
  /** string / text / url / secret (each entry of a list): characters at most. */
  maxLength?: number;
  /** string / text / url / secret / list entries: a regular expression (JavaScript source) the value matches whole. */
  pattern?: string;
  /** Chinese: what the pattern means, said when a value does not match. */
  patternHelp?: string;
  /** number: whole numbers only. */
  integer?: boolean;
  /** string: a non-negative whole number is accepted too (WeChat's 群发对象: 'all' or a tag id). */
  alsoInteger?: boolean;
  default?: unknown;
  /** How text length is counted for maxLength: plain characters (default) or a named rule the console knows (e.g. a platform's own counting). */
  lengthRule?: string;
  /** select: what leaving it empty means (Chinese, e.g. 跟随账号设置), shown as the empty choice. */
  emptyLabel?: string;
  /** Options read from the chosen accounts' settings (e.g. a gazette's section titles: 'sections.title'). */
  optionsFromSettings?: string;
  /** Rarely changed (timeouts, tuning): the console folds it under 高级设置. */
  advanced?: boolean;
  /** Shown only when another field of the same form has one of these values (e.g. only for one protocol). */
  showWhen?: { key: string; values: (string | number | boolean)[] };
}

/** The statistics rows the templates know, or a channel's own (string & {} keeps the known ones suggested). */
export type ReportRow = 'gazette' | 'portal' | 'weibo' | 'wechat' | 'other' | (string & {});

/**
 * What generic code (fan-out, the delivery engine, previews, submit-time validation) knows of a channel:
 * it reads these instead of branching on a channel's name. GET channels sends one per channel type.
 */
export interface ChannelCapabilities {
  /** Stored in channel_accounts.channel_type and the ledger; also the queue suffix. */
  type: string;
  /** Name shown to users (Chinese). */
  label: string;
  /**
   * Report row the channel counts in (STATISTICS.md): gazette, portal, weibo, wechat, other — or a row
   * of its own, which the statistics list after the template rows; written onto each ledger row.
   */
  reportRow: ReportRow;
  /** Counts as 政务新媒体 (written onto each ledger row as new_media). */
  newMedia: boolean;
  /**
   * Inspection rule: how long an account may go without a publication before it is reported stale;
   * `per: 'column'` (default 'account') judges each of the account's columns (主题分类) on its own.
   */
  staleness?: { maxDays: number; label: string; per?: 'account' | 'column' };
  /** For the developers' tests and benches only: the console offers it nowhere (its accounts are made through the API). */
  forTests?: boolean;
  /** An account's settings (channel_accounts.settings), validated at save, rendered as the account form. */
  settingsSchema: ChannelField[];
  /** An account's credentials (write-only: stored encrypted, never sent back). */
  credentialsSchema: ChannelField[];
  /** What an editor may set per item (item.channelOverrides[type]), validated at save / submit. */
  overrideSchema: ChannelField[];
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
  /**
   * The channel hosts each item's public page, which other channels link to (Weibo must carry it,
   * WeChat's 阅读原文): `pagePath` (with `{itemId}`) below the base URL of the organisation's nearest
   * such account (engine/portal-urls.service.ts). Added by H1 (issue 14) so the engine names no channel.
   */
  publicPage?: { pagePath: string };
  limits: {
    titleMaxChars?: number;
    textMaxChars?: number;
    imageMaxBytes?: number;
    imageFormats?: string[];
    /** How the platform counts text when it is not plain characters (a rule the console knows by this name, e.g. Weibo's). */
    textLengthRule?: string;
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
