import { Injectable } from '@nestjs/common';
import { LedScreenService } from './led-screen.service';

/**
 * Worker side: every minute each enabled screen is brought up to date, so expired entries leave the
 * program, an emergency takes over when its window begins and hands back when it ends, and a push
 * that failed (controller offline) is retried. A screen whose program did not change costs a few
 * queries and no call to the controller. Scheduled by the worker's schedule registry (LED_SYNC_CRON).
 */
@Injectable()
export class LedScheduler {
  private running: ReturnType<LedScreenService['syncAll']> | null = null;

  constructor(private readonly screens: LedScreenService) {}

  /** One pass over every screen; concurrent calls share it. */
  tick(now = new Date()) {
    if (!this.running) this.running = this.screens.syncAll(now).finally(() => (this.running = null));
    return this.running;
  }
}
