import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { DeadlineAlertsService } from '@app/compliance/deadlines/deadline-alerts.service';
import { DeadlineScanService } from '@app/compliance/deadlines/deadline-scan.service';
import { DeadlineJob } from './deadline.job';

/**
 * Worker side of compliance: the periodic deadline scan. The scan itself is the API's
 * DeadlineScanService (one implementation for the live report and the history).
 */
@Module({
  imports: [ChannelsModule],
  providers: [DeadlineScanService, DeadlineAlertsService, DeadlineJob],
  exports: [DeadlineJob],
})
export class ComplianceWorkerModule {}
