import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, Type } from '@nestjs/common';
import * as cron from 'node-cron';
import { AppConfig } from '@app/common/config/app-config';
import { ConfigModule } from '@app/common/config/config.module';
import { componentLogger } from '@app/common/logging/logger';
import { DatabaseModule } from '@app/domain/database.module';
import { ChannelsModule } from '@app/channels/channels.module';
import { DeliveryWorkerHost } from '@app/channels/engine/delivery-worker.service';
import { Sweeper } from '@app/channels/engine/sweeper.service';
import { WORKER_FEATURE_MODULES } from './worker-feature-modules';

/** Starts the queue workers and the periodic sweeper (node-cron), and runs one sweep at start. */
@Injectable()
export class WorkerRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = componentLogger('worker');
  private task: cron.ScheduledTask | null = null;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly host: DeliveryWorkerHost,
    private readonly sweeper: Sweeper,
  ) {}

  async onApplicationBootstrap() {
    this.host.start();
    await this.sweeper.sweep().catch((e) => this.log.warn({ err: e.message }, 'initial sweep failed'));
    this.task = cron.schedule(this.config.SWEEP_CRON, () => {
      this.sweeper.sweep().catch((e) => this.log.warn({ err: e.message }, 'sweep failed'));
    });
  }

  async onApplicationShutdown() {
    this.task?.stop();
    await this.host.stop();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, extra: Type<unknown>[] = []): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, ChannelsModule, ...WORKER_FEATURE_MODULES, ...extra],
      providers: [WorkerRuntime],
    };
  }
}
