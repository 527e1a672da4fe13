import { Module } from '@nestjs/common';
import { NotificationWebhookPusher } from './notification-webhook.pusher';

/** Worker side of notifications: pushing copies to the organisations' webhooks (the sweep is a scheduled task). */
@Module({
  providers: [NotificationWebhookPusher],
  exports: [NotificationWebhookPusher],
})
export class NotificationWebhookModule {}
