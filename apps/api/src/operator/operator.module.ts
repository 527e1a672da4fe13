import { Module } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { ChannelsModule } from '@app/channels/channels.module';
import { AuthService } from '../auth/auth.service';
import { BullBoardMount } from './bull-board.mount';
import { DeliveryStreamController } from './delivery-stream.controller';
import { DeliveryStream } from './delivery-stream.service';
import { EngineMetricsController } from './engine-metrics.controller';
import { OperatorController, ScheduleController } from './operator.controller';
import { OperatorService } from './operator.service';
import { DeliveryStateCounts } from './delivery-state-counts.service';
import { AccountStates } from './account-states.service';
import { BulkRetryController } from './bulk-retry.controller';
import { BulkRetryService } from './bulk-retry.service';

/**
 * The operator surface of the delivery engine: the operator API, scheduling, live updates (SSE),
 * Prometheus metrics and Bull Board. Registered in apps/api/src/feature-modules.ts.
 */
@Module({
  imports: [ChannelsModule],
  controllers: [OperatorController, ScheduleController, DeliveryStreamController, EngineMetricsController, BulkRetryController],
  providers: [
    OperatorService,
    DeliveryStateCounts,
    AccountStates,
    BulkRetryService,
    DeliveryStream,
    BullBoardMount,
    // The api module's AuthService is not exported to feature modules; it is stateless, so the board's
    // guard uses its own instance.
    {
      provide: AuthService,
      useFactory: (ds: DataSource, jwt: JwtService, config: AppConfig) => new AuthService(ds, jwt, config),
      inject: [getDataSourceToken(), JwtService, AppConfig],
    },
  ],
  exports: [DeliveryStream],
})
export class OperatorModule {}
