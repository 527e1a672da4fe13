import { Module } from '@nestjs/common';
import { CHANNEL_ADAPTERS, ChannelRegistry } from './channel-registry';
import { AccountLimiter } from './engine/account-limiter.service';
import { AccountStore } from './engine/account-store.service';
import { DeliveryActions } from './engine/delivery-actions.service';
import { EngineMetrics } from './engine/engine-metrics.service';
import { DeliveryQueues } from './engine/delivery-queues.service';
import { DeliveryRunner } from './engine/delivery-runner.service';
import { DeliveryWorkerHost } from './engine/delivery-worker.service';
import { FanoutService } from './engine/fanout.service';
import { PortalUrls } from './engine/portal-urls.service';
import { Sweeper } from './engine/sweeper.service';
import { ADAPTER_CLASSES } from './adapter-list';
import { UploadStore } from './portal/upload-store';

/**
 * The channel layer: adapters, their registry, and the delivery engine (queues, runner, sweeper,
 * worker host). Needs a global AppConfig provider and TypeOrmModule.forRoot from the importing app.
 */
@Module({
  providers: [
    ...ADAPTER_CLASSES,
    {
      provide: CHANNEL_ADAPTERS,
      useFactory: (...adapters: unknown[]) => adapters,
      inject: ADAPTER_CLASSES,
    },
    ChannelRegistry,
    AccountStore,
    AccountLimiter,
    EngineMetrics,
    DeliveryActions,
    DeliveryQueues,
    DeliveryRunner,
    DeliveryWorkerHost,
    FanoutService,
    PortalUrls,
    Sweeper,
    UploadStore,
  ],
  exports: [UploadStore, ChannelRegistry, AccountStore, AccountLimiter, EngineMetrics, DeliveryActions, DeliveryQueues, DeliveryRunner, DeliveryWorkerHost, FanoutService, PortalUrls, Sweeper, ...ADAPTER_CLASSES],
})
export class ChannelsModule {}
