import { Module } from '@nestjs/common';
import { ChannelsModule } from '@app/channels/channels.module';
import { ComplianceEngine } from './compliance-engine.service';
import { ComplianceController } from './compliance.controller';
import { ContentScanner } from './content/content-scanner.service';
import { DeadlineAlertsService } from '@app/compliance/deadlines/deadline-alerts.service';
import { DeadlineScanService } from '@app/compliance/deadlines/deadline-scan.service';
import { DeadlinesService } from './deadlines/deadlines.service';
import { LexiconsService } from './lexicons/lexicons.service';
import { InspectionApiService } from './inspection/inspection-api.service';
import { InspectionController } from './inspection/inspection.controller';
import { InspectionService } from '@app/compliance/inspection/inspection.service';

/**
 * libs/compliance wired into the product: the process's ComplianceChecker (lexicons from
 * config/lexicons plus the admin's edits), the item content scanner the review gate
 * (items/compliance-gate.service.ts) uses, the lexicon admin API and the deadline report.
 * Registered in apps/api/src/feature-modules.ts; the worker's hourly scan reuses the deadline services.
 */
@Module({
  imports: [ChannelsModule],
  controllers: [ComplianceController, InspectionController],
  providers: [
    ComplianceEngine,
    ContentScanner,
    LexiconsService,
    DeadlineScanService,
    DeadlineAlertsService,
    DeadlinesService,
    InspectionService,
    InspectionApiService,
  ],
  exports: [ComplianceEngine, ContentScanner, DeadlineScanService, DeadlineAlertsService, InspectionService],
})
export class ComplianceApiModule {}
