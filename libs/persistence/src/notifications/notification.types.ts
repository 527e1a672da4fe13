// Pure TypeScript (no imports): the console reads these shapes too.

/** Why a person is told: rejected (to the editor who submitted), a delivery failed or waits for a person (to the operators), a deadline coming. */
export const NOTIFICATION_KINDS = ['rejected', 'delivery_failed', 'manual_check', 'deadline'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  rejected: '退回修改',
  delivery_failed: '发布失败',
  manual_check: '待人工核实',
  deadline: '期限提醒',
};

/** Where a notification's copy to the organisation's webhook stands (null: no webhook was set). */
export type WebhookState = 'pending' | 'sent' | 'failed';
export const WEBHOOK_STATE_LABELS: Record<WebhookState, string> = { pending: '等待推送', sent: '已推送', failed: '推送失败' };

/** What is said, to whom it is decided by the caller. */
export interface NewNotification {
  kind: NotificationKind;
  /** The organisation the news is about (its webhook, or an ancestor's, gets a copy). */
  organisationId: string;
  title: string;
  body: string;
  /** A console path (e.g. /items/<id>), or null. */
  link: string | null;
  /** Same key, same person: one notification (a deadline seen by every scan). */
  dedupeKey?: string;
}

/** One notification as its recipient reads it (GET notifications). */
export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
}

/** GET notifications: one page, newest first, with how many are unread in all. */
export interface NotificationList {
  notifications: NotificationRow[];
  total: number;
  unread: number;
  page: number;
  pageSize: number;
}

/** The header carrying a webhook copy's signature: `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the secret. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Gd-Signature';
/** The header carrying the Unix time (seconds) the copy was signed at, part of what is signed (replays can be refused). */
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Gd-Timestamp';
