import type { Type } from '@nestjs/common';
import { UploadsModule } from './uploads/uploads.module';
import { ItemVersionsModule } from './item-versions/item-versions.module';
import { CallbacksModule } from './callbacks/callbacks.module';
import { GazetteApiModule } from './gazette/gazette-api.module';
import { LedApiModule } from './led/led-api.module';
import { OperatorModule } from './operator/operator.module';
import { ComplianceApiModule } from './compliance/compliance-api.module';
import { StatsModule } from '@app/stats/stats.module';
import { AuthSecurityModule } from './auth/auth-security.module';
import { WechatMassApiModule } from './wechat-mass/wechat-mass-api.module';

/**
 * Nest modules that add API routes for later capabilities (statistics, operator tools, gazette, LED,
 * compliance...). One line each; order does not matter.
 */
export const FEATURE_MODULES: Type<unknown>[] = [
  UploadsModule,
  ItemVersionsModule,
  CallbacksModule,
  OperatorModule,
  GazetteApiModule,
  LedApiModule,
  ComplianceApiModule,
  StatsModule,
  AuthSecurityModule,
  WechatMassApiModule,
];
