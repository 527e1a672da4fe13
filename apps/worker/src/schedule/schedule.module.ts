import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { WORKER_FEATURE_MODULES } from '../worker-feature-modules';
import { SCHEDULE_LIST } from './schedule-list';
import { SCHEDULED_TASKS, ScheduledTask } from './scheduled-task';
import { ScheduleRegistry } from './schedule-registry.service';

/** The worker's schedule: the enumerated tasks and the registry that runs them as queue jobs. */
@Module({
  imports: [ChannelsModule, ...WORKER_FEATURE_MODULES],
  providers: [...SCHEDULE_LIST, { provide: SCHEDULED_TASKS, useFactory: (...tasks: ScheduledTask[]) => tasks, inject: SCHEDULE_LIST }, ScheduleRegistry],
  exports: [ScheduleRegistry],
})
export class ScheduleModule {}
