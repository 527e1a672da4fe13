import { Module } from '@nestjs/common';
import { GazetteModule } from './gazette.module';
import { GazetteScheduler } from './gazette-scheduler.service';

/** Worker side of the gazette: the compile schedule (run by the worker's schedule registry). */
@Module({
  imports: [GazetteModule],
  providers: [GazetteScheduler],
  exports: [GazetteScheduler],
})
export class GazetteWorkerModule {}
