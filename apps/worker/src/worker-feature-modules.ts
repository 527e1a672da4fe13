import type { Type } from '@nestjs/common';
import { GazetteWorkerModule } from '@app/channels/gazette/gazette-worker.module';
import { LedWorkerModule } from '@app/channels/led/led-worker.module';
import { ComplianceWorkerModule } from './compliance/compliance-worker.module';
import { NotificationWebhookModule } from './notifications/notification-webhook.module';
import { SiteImportWorkerModule } from '@app/imports/site/site-import-worker.module';

/** Nest modules with worker-side jobs of later capabilities (schedules, deadline checks...). One line each. */
// prettier-ignore
export const WORKER_FEATURE_MODULES: Type<unknown>[] = [
  GazetteWorkerModule,
  LedWorkerModule,
  ComplianceWorkerModule,
  NotificationWebhookModule,
  SiteImportWorkerModule,
];
