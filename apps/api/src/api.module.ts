import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { createSecretKey } from 'crypto';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@app/common/config/app-config';
import { ConfigModule } from '@app/common/config/config.module';
import { appDatabaseModule } from '@app/composition/app-database';
import { ChannelsModule } from '@app/channels/channels.module';
import { AdminModule } from './admin/admin.module';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesQueryService } from './deliveries/deliveries-query.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { ErrorShapeFilter } from './http/error-shape.filter';
import { ComplianceGate } from './items/compliance-gate.service';
import { ItemsController } from './items/items.controller';
import { ItemsService } from './items/items.service';
import { ItemReviewService } from './items/item-review.service';
import { ItemFindingsService } from './items/item-findings.service';
import { ItemWithdrawalService } from './items/item-withdrawal.service';
import { FEATURE_MODULES } from './feature-modules';
import { ReviewModule } from '@app/review/review.module';

/** The REST API. Feature modules of later capabilities (stats, operator tools...) are listed in feature-modules.ts. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, extra: Type<unknown>[] = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        appDatabaseModule(),
        ChannelsModule,
        // A KeyObject, not the string: jsonwebtoken otherwise tries (and fails) to parse the secret as
        // a PEM public key on every verify, which costs more than the HMAC itself.
        JwtModule.register({
          global: true,
          secret: createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8')) as unknown as string,
          signOptions: { algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        }),
        AdminModule,
        ReviewModule,
        ...FEATURE_MODULES,
        ...extra,
      ],
      controllers: [AuthController, ItemsController, DeliveriesController, HealthController],
      providers: [
        AuthService,
        ItemsService,
        ItemReviewService,
        ItemWithdrawalService,
        ItemFindingsService,
        ComplianceGate,
        DeliveriesQueryService,
        HealthService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorShapeFilter },
      ],
      exports: [AuthService],
    };
  }
}
