import type { Type } from '@nestjs/common';
import { AuditApiModule } from './audit/audit-api.module';
import { UploadsModule } from './uploads/uploads.module';
import { ItemVersionsModule } from './item-versions/item-versions.module';
import { CallbacksModule } from './callbacks/callbacks.module';
import { GazetteApiModule } from './channels/gazette/gazette-api.module';
import { LedApiModule } from './channels/led/led-api.module';
import { OperatorModule } from './operator/operator.module';
import { ComplianceApiModule } from './compliance/compliance-api.module';
import { StatsApiModule } from './stats/stats-api.module';
import { AuthSecurityModule } from './auth/auth-security.module';
import { WechatMassApiModule } from './channels/wechat/wechat-mass-api.module';
import { ReviewApiModule } from './review/review-api.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ItemAutosavesModule } from './items/item-autosaves.module';
import { SelfCheckApiModule } from './self-check/self-check-api.module';
import { SiteImportApiModule } from './imports/site/site-import-api.module';
import { PeopleImportModule } from './imports/people/people-import.module';

/**
 * Nest modules that add API routes for later capabilities (statistics, operator tools, gazette, LED,
 * compliance...). One line each; order does not matter.
 */
// prettier-ignore
export const FEATURE_MODULES: Type<unknown>[] = [
  UploadsModule,
  ItemVersionsModule,
  CallbacksModule,
  OperatorModule,
  GazetteApiModule,
  LedApiModule,
  ComplianceApiModule,
  StatsApiModule,
  AuthSecurityModule,
  WechatMassApiModule,
  ReviewApiModule,
  ItemAutosavesModule,
  AuditApiModule,
  NotificationsModule,
  SelfCheckApiModule,
  PeopleImportModule,
  SiteImportApiModule,
];
