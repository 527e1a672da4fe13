import { Module } from '@nestjs/common';
import { NotificationsController, NotificationWebhookController } from './notifications.controller';
import { NotificationWebhookService } from './notification-webhook.service';
import { WorkCountsService } from './work-counts.service';

/**
 * In-console notifications (read, mark read), the navigation's work counts and the organisations'
 * notification webhooks (registered in feature-modules.ts). The notifications are written by
 * NotificationsService (libs/persistence, global) where the news happens; the worker pushes the
 * webhook copies (apps/worker/src/notifications).
 */
@Module({
  controllers: [NotificationsController, NotificationWebhookController],
  providers: [WorkCountsService, NotificationWebhookService],
})
export class NotificationsModule {}
