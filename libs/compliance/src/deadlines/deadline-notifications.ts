import type { NewNotification } from '@app/persistence/notifications/notification.types';
import type { NotificationsService } from '@app/persistence/notifications/notifications.service';
import type { DeadlineAlert } from './deadline-report.types';

const TITLES: Record<DeadlineAlert['kind'], string> = {
  interpretation: '政策解读逾期',
  disclosure: '主动公开逾期',
  'stale-account': '政务新媒体账号长期未更新',
  'stale-column': '网站栏目长期未更新',
};

/** What a deadline alert tells its organisation's editors and operators (the deadline scan's notifications). */
export function deadlineNotification(a: DeadlineAlert, coming: boolean): NewNotification {
  const title = coming ? '政策解读即将到期' : TITLES[a.kind];
  const subject = a.kind === 'interpretation' ? a.policyTitle : a.kind === 'disclosure' ? a.title : a.accountName;
  const link = a.kind === 'interpretation' ? `/items/${a.policyItemId}` : a.kind === 'disclosure' ? `/items/${a.itemId}` : null;
  const due = a.kind === 'interpretation' || a.kind === 'disclosure' ? `:${a.dueDate}` : '';
  return {
    kind: 'deadline',
    organisationId: a.organisation.id,
    title: `${title}：${subject}`,
    body: a.message,
    link,
    // one notification per person for the same deadline (every scan sees it again)
    dedupeKey: `deadline:${coming ? 'due' : a.kind}:${a.key}${due}`,
  };
}

/**
 * Tells the holders of `notification.deadline` about the deadlines coming and the problems a scan saw
 * for the first time (each once per person). Never fails the scan.
 */
export async function notifyDeadlines(notifications: NotificationsService | undefined, coming: DeadlineAlert[], opened: DeadlineAlert[]): Promise<void> {
  if (!notifications) return;
  for (const [alerts, isComing] of [
    [coming, true],
    [opened, false],
  ] as const) {
    for (const a of alerts) await notifications.toPermission(null, 'notification.deadline', deadlineNotification(a, isComing));
  }
}
