import { BundleAggregateService } from './bundle-aggregate.service';
import { BundleExportService } from './bundle-export.service';
import { BundleStoreService } from './bundle-store.service';
import { BundlesController } from './bundles.controller';
import { InstallationKeyService } from './installation-key.service';

/** What upward reporting adds to StatsModule (one spread each there). */
export const BUNDLE_CONTROLLERS = [BundlesController];
export const BUNDLE_PROVIDERS = [InstallationKeyService, BundleExportService, BundleStoreService, BundleAggregateService];
