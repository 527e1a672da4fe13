import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { NotificationWebhookPusher } from '../../notifications/notification-webhook.pusher';
import type { ScheduledTask } from '../scheduled-task';

/** Queues the notifications whose webhook copy is still pending (the outbox sweep), at the sweeper's pace. */
@Injectable()
export class NotificationWebhookTask implements ScheduledTask {
  readonly name = 'notification-webhook-sweep';

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly pusher: NotificationWebhookPusher,
  ) {}

  cron(): string {
    return this.config.SWEEP_CRON;
  }

  run() {
    return this.pusher.sweep();
  }
}
