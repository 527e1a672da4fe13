import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { LedScheduler } from '@app/channels/led/led-scheduler.service';
import type { ScheduledTask } from '../scheduled-task';

/** Brings every enabled LED screen's program up to date (expiries, emergencies, failed pushes). */
@Injectable()
export class LedSyncTask implements ScheduledTask {
  readonly name = 'led-sync';

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly led: LedScheduler,
  ) {}

  cron(): string {
    return this.config.LED_SYNC_CRON;
  }

  run() {
    return this.led.tick();
  }
}
