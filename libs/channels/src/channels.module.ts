import { DynamicModule, Module, Type } from '@nestjs/common';
import type { ChannelAdapter } from './channel-adapter';
import { CHANNEL_ADAPTERS, ChannelRegistry, EXTRA_CHANNEL_ADAPTERS } from './channel-registry';
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
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import { DeliveryFanoutRepository } from '@app/persistence/delivery/delivery-fanout.repository';

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
    DeliveryStateRepository,
    DeliveryFanoutRepository,
  ],
  exports: [
    UploadStore,
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
    DeliveryStateRepository,
    DeliveryFanoutRepository,
    ...ADAPTER_CLASSES,
  ],
})
export class ChannelsModule {
  /**
   * Adds adapters beside the built-in list (adapter-list.ts) without touching it: an app (or a test)
   * imports `ChannelsModule.forRoot({ extraAdapters: [MyAdapter] })` next to its other modules. The
   * returned module is global, so the one registry every feature module shares sees the extra adapters.
   */
  static forRoot(o: { extraAdapters?: Type<ChannelAdapter>[] } = {}): DynamicModule {
    const extra = o.extraAdapters ?? [];
    return {
      module: ChannelAdaptersExtension,
      global: true,
      imports: [ChannelsModule],
      providers: [...extra, { provide: EXTRA_CHANNEL_ADAPTERS, useFactory: (...adapters: ChannelAdapter[]) => adapters, inject: extra }],
      exports: [EXTRA_CHANNEL_ADAPTERS, ...extra],
    };
  }
}

/** The module ChannelsModule.forRoot() returns (its own class, so ChannelsModule itself stays one static module). */
@Module({})
export class ChannelAdaptersExtension {}
