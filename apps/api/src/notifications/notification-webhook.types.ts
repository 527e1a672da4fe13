import type { NotificationKind, WebhookState } from '../../../../libs/persistence/src/notifications/notification.types';

// Pure TypeScript: GET/PUT organisations/:id/notification-webhook, which the console's notification page reads.

/** One notification's copy to the webhook (the latest ones of the organisation's subtree). */
export interface WebhookPush {
  notificationId: string;
  kind: NotificationKind;
  title: string;
  /** Display name of the person the notification is for. */
  recipient: string;
  state: WebhookState;
  attempts: number;
  /** The last failure, in Chinese (null when it went through). */
  error: string | null;
  /** When it was last tried. */
  at: Date | null;
  createdAt: Date;
}

/** The organisation's webhook (its own, or the one it inherits from an ancestor) and its latest pushes. */
export interface WebhookView {
  organisationId: string;
  /** The organisation's own setting (the secret is never sent back). */
  own: { url: string; enabled: boolean; updatedAt: Date } | null;
  /** An ancestor's setting in force when the organisation has none. */
  inherited: { organisationId: string; organisationName: string; url: string; enabled: boolean } | null;
  /** How copies are signed, for the gateway's developer. */
  signature: { header: string; algorithm: string };
  recent: WebhookPush[];
}
