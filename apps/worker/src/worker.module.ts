import { DynamicModule, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, Type } from '@nestjs/common';
import { AppConfig } from '@app/common/config/app-config';
import { ConfigModule } from '@app/common/config/config.module';
import { componentLogger } from '@app/common/logging/logger';
import { appDatabaseModule } from '@app/composition/app-database';
import { ChannelsModule } from '@app/channels/channels.module';
import { DeliveryWorkerHost } from '@app/channels/engine/delivery-worker.service';
import { Sweeper } from '@app/channels/engine/sweeper.service';
import { WORKER_FEATURE_MODULES } from './worker-feature-modules';
import { ScheduleModule } from './schedule/schedule.module';

/**
 * Starts the delivery queue workers and runs one sweep at start; the periodic tasks (the sweeper among
 * them) run from the schedule registry (schedule/).
 */
@Injectable()
export class WorkerRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = componentLogger('worker');

  constructor(
    private readonly host: DeliveryWorkerHost,
    private readonly sweeper: Sweeper,
  ) {}

  async onApplicationBootstrap() {
    this.host.start();
    await this.sweeper.sweep().catch((e) => this.log.warn({ err: e.message }, 'initial sweep failed'));
  }

  async onApplicationShutdown() {
    await this.host.stop();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, extra: Type<unknown>[] = []): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), appDatabaseModule(), ChannelsModule, ...WORKER_FEATURE_MODULES, ScheduleModule, ...extra],
      providers: [WorkerRuntime],
    };
  }
}
