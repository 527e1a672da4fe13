import { Module } from '@nestjs/common';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { LedgerQueryService } from './ledger-query.service';
import { ReportExportService } from './report-export.service';
import { ReportService } from './report.service';
import { StatsController } from './stats.controller';
import { TemplateRegistry } from './template-registry.service';

/**
 * Statistics: ledger counts, report templates, manual entries, freeze, exports. Needs a global
 * TypeOrmModule (the api app's) for @InjectDataSource(); the rollups live in the database
 * (trigger in the stats migration), so no other process has to do anything for them.
 */
@Module({
  controllers: [StatsController],
  providers: [OrgScopeService, LedgerQueryService, TemplateRegistry, ReportService, ReportExportService],
  exports: [LedgerQueryService, ReportService, ReportExportService, TemplateRegistry],
})
export class StatsModule {}
