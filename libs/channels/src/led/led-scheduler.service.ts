import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import * as cron from 'node-cron';
import { componentLogger } from '@app/common/logging/logger';
import { LedScreenService } from './led-screen.service';

/**
 * Worker side: every minute each enabled screen is brought up to date, so expired entries leave the
 * program, an emergency takes over when its window begins and hands back when it ends, and a push
 * that failed (controller offline) is retried. A screen whose program did not change costs a few
 * queries and no call to the controller.
 */
@Injectable()
export class LedScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  static CRON = '0 * * * * *';
  private readonly log = componentLogger('led-schedule');
  private task: cron.ScheduledTask | null = null;
  private running: ReturnType<LedScreenService['syncAll']> | null = null;

  constructor(private readonly screens: LedScreenService) {}

  onApplicationBootstrap() {
    this.task = cron.schedule(LedScheduler.CRON, () => {
      this.tick().catch((e) => this.log.warn({ err: (e as Error).message }, 'LED schedule failed'));
    });
  }

  onApplicationShutdown() {
    this.task?.stop();
    this.task = null;
  }

  /** One pass over every screen; concurrent calls share it. */
  tick(now = new Date()) {
    if (!this.running) this.running = this.screens.syncAll(now).finally(() => (this.running = null));
    return this.running;
  }
}
