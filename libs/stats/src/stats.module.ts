import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { CHANNEL_LABELS, type ChannelLabelSource } from './channel-labels';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { LedgerQueryService } from './ledger-query.service';
import { ReportExportService } from './report-export.service';
import { ReportService } from './report.service';
import { ReportReopenService } from './report-reopen.service';
import { StatsCatalogue } from './stats-catalogue';
import { StatsController } from './stats.controller';
import { TemplateRegistry } from './template-registry.service';
import { BUNDLE_CONTROLLERS, BUNDLE_PROVIDERS } from './bundles/bundles.providers';

/**
 * Statistics: ledger counts, report templates, manual entries, freeze, exports. Needs a global
 * TypeOrmModule (the api app's) for @InjectDataSource(); the rollups live in the database
 * (trigger in the stats migration), so no other process has to do anything for them.
 */
@Module({
  controllers: [StatsController, ...BUNDLE_CONTROLLERS],
  providers: [
    OrgScopeService,
    StatsCatalogue,
    LedgerQueryService,
    TemplateRegistry,
    ReportService,
    ReportExportService,
    ReportReopenService,
    ...BUNDLE_PROVIDERS,
  ],
  exports: [LedgerQueryService, ReportService, ReportExportService, TemplateRegistry, StatsCatalogue],
})
export class StatsModule {
  /**
   * The module with the labels of channel types from the app (CHANNEL_LABELS): `imports` are the modules
   * whose providers `useFactory` injects (the app's channel registry). Without it a channel type prints
   * as its id.
   */
  static withChannelLabels(o: {
    imports?: ModuleMetadata['imports'];
    inject?: (string | symbol | Function)[];
    useFactory: (...deps: any[]) => ChannelLabelSource;
  }): DynamicModule {
    return { module: StatsModule, imports: o.imports ?? [], providers: [{ provide: CHANNEL_LABELS, useFactory: o.useFactory, inject: o.inject ?? [] }] };
  }
}
