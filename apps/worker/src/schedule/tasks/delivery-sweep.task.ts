import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { Sweeper } from '@app/channels/engine/sweeper.service';
import type { ScheduledTask } from '../scheduled-task';

/** Makes sure every delivery the engine still has work on has a live job (Postgres is the truth). */
@Injectable()
export class DeliverySweepTask implements ScheduledTask {
  readonly name = 'delivery-sweep';

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly sweeper: Sweeper,
  ) {}

  cron(): string {
    return this.config.SWEEP_CRON;
  }

  run() {
    return this.sweeper.sweep();
  }
}
