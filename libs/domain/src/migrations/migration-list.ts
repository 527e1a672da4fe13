import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { StatsSchema1732000500000 } from '@app/stats/migrations/1732000500000-stats-schema';
import { DeliveryEngine1732000700000 } from '@app/channels/engine/migrations/1732000700000-delivery-engine';
import { GazetteLedSchema1732004100000 } from './1732004100000-gazette-led-schema';
import { ComplianceSchema1732004700000 } from './1732004700000-compliance-schema';
import { StatsRollupPerStatement1732005000000 } from '@app/stats/migrations/1732005000000-stats-rollup-per-statement';
import { DeliveryNotifyPerStatement1732005100000 } from '@app/channels/engine/migrations/1732005100000-delivery-notify-per-statement';
import { UserSessionEpoch1732005200000 } from './1732005200000-user-session-epoch';
import { RefuseTruncate1732005600000 } from './1732005600000-refuse-truncate';
import { UserHomeOrganisation1732005400000 } from './1732005400000-user-home-organisation';
import { AuthSessions1732005500000 } from './1732005500000-auth-sessions';
import { PrivateUploadsPortalState1732005700000 } from '@app/channels/portal/migrations/1732005700000-private-uploads-portal-state';
import { ReviewIntegrity1732005300000 } from './1732005300000-review-integrity';
import { DeliveryEventCounts1732005900000 } from './1732005900000-delivery-event-counts';

/**
 * Every migration, in order. Add new ones at the end (class names carry a timestamp); never edit one
 * that has shipped. Libraries that own tables (stats, compliance, channels) put their migrations here too.
 */
export const ALL_MIGRATIONS = [
  InitialSchema1732000000000,
  StatsSchema1732000500000,
  DeliveryEngine1732000700000,
  GazetteLedSchema1732004100000,
  ComplianceSchema1732004700000,
  StatsRollupPerStatement1732005000000,
  DeliveryNotifyPerStatement1732005100000,
  UserSessionEpoch1732005200000,
  RefuseTruncate1732005600000,
  UserHomeOrganisation1732005400000,
  AuthSessions1732005500000,
  PrivateUploadsPortalState1732005700000,
  ReviewIntegrity1732005300000,
  DeliveryEventCounts1732005900000,
];
