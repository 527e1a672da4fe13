import { Injectable } from '@nestjs/common';
import { shanghaiDate } from '@app/compliance/deadlines/calendar-date';
import { DeadlineAlertsService, ScanRunResult } from '@app/compliance/deadlines/deadline-alerts.service';

/**
 * The hourly deadline and staleness scan (政策解读, 主动公开, new-media accounts, portal columns):
 * reconciles compliance_deadline_alerts so each problem carries when it was first seen and when it
 * was resolved. The API shows the live report; this keeps the history. `clock` is replaceable so
 * tests can run the scan for a fixed day. Scheduled by the worker's schedule registry
 * (schedule/tasks/deadline-scan.task.ts, COMPLIANCE_CRON).
 */
@Injectable()
export class DeadlineJob {
  private running: Promise<ScanRunResult> | null = null;
  clock: () => Date = () => new Date();

  constructor(private readonly alerts: DeadlineAlertsService) {}

  /** One scan for the clock's Beijing date; concurrent calls share it. */
  tick(): Promise<ScanRunResult> {
    if (!this.running) {
      const today = shanghaiDate(this.clock());
      this.running = this.alerts.run({ today }).finally(() => (this.running = null));
    }
    return this.running;
  }
}
