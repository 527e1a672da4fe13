import type { DataSource } from 'typeorm';
import type { NewNotification } from '@app/persistence/notifications/notification.types';
import type { NotificationsService } from '@app/persistence/notifications/notifications.service';
import { componentLogger } from '@app/common/logging/logger';
import type { DeadlineScanService } from '../deadlines/deadline-scan.service';
import { inspectWith } from './inspection.service';
import type { TargetResult } from './inspection.types';

const log = componentLogger('inspection-reminders');

export interface ReminderRunResult {
  asOf: string;
  organisations: number;
  /** Targets with a step due today. */
  due: number;
  /** Notifications written (one per recipient, each step once: the dedupe key holds the anchor and step). */
  sent: number;
}

/** What a due reminder step says. */
export function reminderNotification(t: TargetResult): NewNotification {
  const r = t.reminder!;
  const lead = r.to === 'lead';
  const left = t.daysLeft! > 0 ? `，还剩${t.daysLeft}天（其中工作日${t.workingDaysLeft}天）` : '';
  return {
    kind: 'deadline',
    organisationId: t.organisationId,
    title: `${lead ? '【升级提醒】' : ''}${t.kind === 'column' ? `${t.accountName}：` : ''}${t.forecast}`.slice(0, 300),
    body: `${t.message}${left}。第${r.step}次提醒（第${r.day}天${lead ? '，已同时告知负责人' : ''}）。依据：国办秘函〔2019〕19号 政府网站与政务新媒体检查指标。`,
    link: `/inspection?org=${t.organisationId}`,
    // once per step of this anchor: a new publication moves the anchor and starts the steps again
    dedupeKey: `inspection:${t.key}:${t.anchorDate}:${r.step}`,
  };
}

/**
 * Sends the reminder steps due on `today` for every organisation with channel accounts: each column and
 * account whose forecast breach is near gets the highest step reached (an earlier step missed while the
 * worker was down is not sent late), to the holders of notification.inspection, and from a 'lead' step
 * on also to notification.inspection-lead. Each copy also goes to the organisation's webhook (the
 * notifications outbox). Run by the deadline scan (deadline-alerts.service.ts) and
 * POST /compliance/inspection/remind. Never throws: a reminder failing must not fail the scan.
 */
export async function runInspectionReminders(
  ds: DataSource,
  scanner: Pick<DeadlineScanService, 'registry' | 'cal'>,
  notifications: NotificationsService | undefined,
  today: string,
): Promise<ReminderRunResult> {
  const result: ReminderRunResult = { asOf: today, organisations: 0, due: 0, sent: 0 };
  if (!notifications) return result;
  const orgs: { id: string }[] = await ds.query(`SELECT DISTINCT organisation_id AS id FROM channel_accounts WHERE enabled ORDER BY 1`);
  for (const { id } of orgs) {
    try {
      const r = await inspectWith(ds, scanner, [id], today);
      result.organisations++;
      for (const t of [...r.columns, ...r.accounts]) {
        if (!t.reminder || !t.anchorDate) continue;
        result.due++;
        const n = reminderNotification(t);
        result.sent += await notifications.toPermission(null, 'notification.inspection', n);
        if (t.reminder.to === 'lead') result.sent += await notifications.toPermission(null, 'notification.inspection-lead', n);
      }
    } catch (e) {
      log.warn({ err: (e as Error).message, organisationId: id }, 'inspection reminders not sent');
    }
  }
  return result;
}
