import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@app/common/config/app-config';
import { WorkerModule } from './worker.module';

export async function createWorkerApp(
  config: AppConfig,
  extra: Type<unknown>[] = [],
  opts: { shutdownHooks?: boolean } = {},
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, extra), { logger: ['error', 'warn'], abortOnError: false });
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}
