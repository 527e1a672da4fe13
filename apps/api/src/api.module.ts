import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { createSecretKey } from 'crypto';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '@app/common/config/app-config';
import { ConfigModule } from '@app/common/config/config.module';
import { DatabaseModule } from '@app/domain/database.module';
import { ChannelsModule } from '@app/channels/channels.module';
import { AdminModule } from './admin/admin.module';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { HealthController } from './health/health.controller';
import { ErrorShapeFilter } from './http/error-shape.filter';
import { ComplianceGate } from './items/compliance-gate.service';
import { ItemsController } from './items/items.controller';
import { ItemsService } from './items/items.service';
import { ItemReviewService } from './items/item-review.service';
import { FEATURE_MODULES } from './feature-modules';

/** The REST API. Feature modules of later capabilities (stats, operator tools...) are listed in feature-modules.ts. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, extra: Type<unknown>[] = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
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
        ...FEATURE_MODULES,
        ...extra,
      ],
      controllers: [AuthController, ItemsController, DeliveriesController, HealthController],
      providers: [
        AuthService,
        ItemsService,
        ItemReviewService,
        ComplianceGate,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorShapeFilter },
      ],
      exports: [AuthService],
    };
  }
}
