import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as cron from 'node-cron';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { shanghaiDate } from '@app/compliance/deadlines/calendar-date';
import { DeadlineAlertsService, ScanRunResult } from '../../../api/src/compliance/deadlines/deadline-alerts.service';

/**
 * The hourly deadline and staleness scan (政策解读, 主动公开, new-media accounts, portal columns):
 * reconciles compliance_deadline_alerts so each problem carries when it was first seen and when it
 * was resolved. The API shows the live report; this keeps the history. `clock` is replaceable so
 * tests can run the scan for a fixed day.
 */
@Injectable()
export class DeadlineJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = componentLogger('compliance-deadlines');
  private task: cron.ScheduledTask | null = null;
  private running: Promise<ScanRunResult> | null = null;
  clock: () => Date = () => new Date();

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly alerts: DeadlineAlertsService,
  ) {}

  onApplicationBootstrap() {
    this.task = cron.schedule(this.config.COMPLIANCE_CRON, () => {
      this.tick().catch((e) => this.log.warn({ err: (e as Error).message }, 'deadline scan failed'));
    });
  }

  onApplicationShutdown() {
    this.task?.stop();
    this.task = null;
  }

  /** One scan for the clock's Beijing date; concurrent calls share it. */
  tick(): Promise<ScanRunResult> {
    if (!this.running) {
      const today = shanghaiDate(this.clock());
      this.running = this.alerts.run({ today }).finally(() => (this.running = null));
    }
    return this.running;
  }
}
