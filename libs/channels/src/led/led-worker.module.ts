import { Module } from '@nestjs/common';
import { LedModule } from './led.module';
import { LedScheduler } from './led-scheduler.service';

/** Worker side of the LED screens: the minute-by-minute program sync (run by the worker's schedule registry). */
@Module({
  imports: [LedModule],
  providers: [LedScheduler],
  exports: [LedScheduler],
})
export class LedWorkerModule {}
