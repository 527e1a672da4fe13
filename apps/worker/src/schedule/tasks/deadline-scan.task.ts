import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { DeadlineJob } from '../../compliance/deadline.job';
import type { ScheduledTask } from '../scheduled-task';

/** The compliance deadline and staleness scan, which keeps the alert history. */
@Injectable()
export class DeadlineScanTask implements ScheduledTask {
  readonly name = 'compliance-deadline-scan';

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly deadlines: DeadlineJob,
  ) {}

  cron(): string {
    return this.config.COMPLIANCE_CRON;
  }

  run() {
    return this.deadlines.tick();
  }
}
