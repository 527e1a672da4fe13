import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { componentLogger } from '@app/common/logging/logger';
import { AuditService } from '@app/domain/services/audit.service';
import { returning } from '@app/domain/services/sql';
import { NotificationsService } from '@app/persistence/notifications/notifications.service';
import { notifyDeadlines } from './deadline-notifications';
import { runInspectionReminders } from '../inspection/inspection-reminders';
import type { DeadlineAlert, DeadlineReport } from './deadline-report.types';
import { DeadlineScanService } from './deadline-scan.service';

export interface ScanRunResult {
  asOf: string;
  open: number;
  opened: number;
  resolved: number;
  counts: DeadlineReport['counts'];
}

/**
 * The periodic scan's memory: compliance_deadline_alerts holds every problem with when it was first
 * seen, last seen and resolved, so the operator's page can say "overdue since" and an assessment can
 * see what was late during a period. Run hourly by the worker (apps/worker/src/compliance) and on
 * demand from the API; concurrent runs serialise on an advisory lock.
 */
@Injectable()
export class DeadlineAlertsService {
  private readonly log = componentLogger('compliance-deadlines');

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scanner: DeadlineScanService,
    private readonly audit: AuditService,
    @Optional() private readonly notifications?: NotificationsService,
  ) {}

  /** Scans every organisation for `today` and reconciles the alerts table with the result. */
  async run(opts: { today?: string; actorId?: string | null } = {}): Promise<ScanRunResult> {
    const orgIds: string[] = (await this.ds.query(`SELECT id FROM organisations`)).map((r: { id: string }) => r.id);
    const report = await this.scanner.scan(orgIds, { today: opts.today });
    const alerts: DeadlineAlert[] = [...report.interpretations, ...report.disclosures, ...report.staleAccounts, ...report.staleColumns];
    const openedAlerts: DeadlineAlert[] = [];
    const result = await this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('compliance_deadline_alerts'))`);
      let opened = 0;
      for (const a of alerts) {
        const { dueDate, status, daysLate } = alertColumns(a);
        const rows = await returning<{ inserted: boolean }>(
          em,
          `INSERT INTO compliance_deadline_alerts (kind, subject_key, organisation_id, status, due_date, days_late, message, details)
           VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8::jsonb)
           ON CONFLICT (kind, subject_key) WHERE resolved_at IS NULL
           DO UPDATE SET organisation_id = EXCLUDED.organisation_id, status = EXCLUDED.status, due_date = EXCLUDED.due_date,
                         days_late = EXCLUDED.days_late, message = EXCLUDED.message, details = EXCLUDED.details, last_seen_at = now()
           RETURNING (xmax = 0) AS inserted`,
          [a.kind, a.key, a.organisation.id, status, dueDate, daysLate, a.message, JSON.stringify(a)],
        );
        if (rows[0]?.inserted) {
          opened++;
          openedAlerts.push(a);
        }
      }
      const keys = alerts.map((a) => `${a.kind}|${a.key}`);
      const resolved = await returning(
        em,
        `UPDATE compliance_deadline_alerts SET resolved_at = now()
          WHERE resolved_at IS NULL AND NOT ((kind || '|' || subject_key) = ANY($1::text[])) RETURNING id`,
        [keys],
      );
      const resolvedCount = resolved.length;
      if (opts.actorId !== undefined) {
        await this.audit.record(em, {
          actorId: opts.actorId,
          action: 'compliance.deadline_scan',
          entityType: 'compliance',
          entityId: report.asOf,
          details: { opened, resolved: resolvedCount, open: alerts.length },
        });
      }
      return { asOf: report.asOf, open: alerts.length, opened, resolved: resolvedCount, counts: report.counts };
    });
    // the editors and operators are told of deadlines coming, and of problems seen for the first time
    await notifyDeadlines(this.notifications, report.interpretationsDue, openedAlerts);
    // the inspection's escalating reminders (columns and accounts nearing their update deadline), each step once
    const reminders = await runInspectionReminders(this.ds, this.scanner, this.notifications, report.asOf);
    this.log.info({ ...result, reminders }, 'deadline scan');
    return result;
  }

  /** first_seen_at of the open alerts among `alerts`, set on them in place. */
  async annotate(alerts: DeadlineAlert[]): Promise<void> {
    if (!alerts.length) return;
    const rows: { kind: string; subject_key: string; first_seen_at: Date }[] = await this.ds.query(
      `SELECT kind, subject_key, first_seen_at FROM compliance_deadline_alerts WHERE resolved_at IS NULL AND (kind || '|' || subject_key) = ANY($1::text[])`,
      [alerts.map((a) => `${a.kind}|${a.key}`)],
    );
    const seen = new Map(rows.map((r) => [`${r.kind}|${r.subject_key}`, new Date(r.first_seen_at).toISOString()]));
    for (const a of alerts) a.firstSeenAt = seen.get(`${a.kind}|${a.key}`) ?? null;
  }
}

function alertColumns(a: DeadlineAlert): { dueDate: string | null; status: string; daysLate: number | null } {
  switch (a.kind) {
    case 'interpretation':
    case 'disclosure':
      return { dueDate: a.dueDate, status: a.status, daysLate: a.workingDaysLate };
    case 'stale-account':
    case 'stale-column':
      return { dueDate: null, status: 'stale', daysLate: a.idleDays };
  }
}
