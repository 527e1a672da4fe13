import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { GazetteScheduler } from '@app/channels/gazette/gazette-scheduler.service';
import type { ScheduledTask } from '../scheduled-task';

/** Compiles (and, when configured, publishes) each gazette's issue once per period. */
@Injectable()
export class GazetteScheduleTask implements ScheduledTask {
  readonly name = 'gazette-schedule';

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly gazette: GazetteScheduler,
  ) {}

  cron(): string {
    return this.config.GAZETTE_CRON;
  }

  run() {
    return this.gazette.tick();
  }
}
