import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { UserSessionEpoch1732005200000 } from './1732005200000-user-session-epoch';
import { RefuseTruncate1732005600000 } from './1732005600000-refuse-truncate';
import { UserHomeOrganisation1732005400000 } from './1732005400000-user-home-organisation';
import { AuthSessions1732005500000 } from './1732005500000-auth-sessions';
import { ReviewIntegrity1732005300000 } from './1732005300000-review-integrity';
import { DeliveryEventCounts1732005900000 } from './1732005900000-delivery-event-counts';
import { LedgerReportRow1732006000000 } from './1732006000000-ledger-report-row';
import { ReviewPolicy1732006200000 } from './1732006200000-review-policy';
import { EditorWorkflow1732007200000 } from './1732007200000-editor-workflow';
import { Notifications1732007300000 } from './1732007300000-notifications';
import { AuditLogFilters1732007400000 } from './1732007400000-audit-log-filters';
import { ListKeysetIndexes1732009100000 } from './1732009100000-list-keyset-indexes';
import { PeopleImport1732009400000 } from './1732009400000-people-import';
import { PublicationImported1732009300000 } from './1732009300000-publication-imported';
import { ItemSubmittedAt1732009700000 } from './1732009700000-item-submitted-at';
import { DeliveryTimeSortIndexes1732009800000 } from './1732009800000-delivery-time-sort-indexes';
import { LoginThrottlePending1732009900000 } from './1732009900000-login-throttle-pending';

/**
 * The migrations of libs/domain's own tables (organisations, users, items, deliveries, the ledger,
 * the audit log). Append new ones at the end, one line each (class names carry a timestamp, and
 * TypeORM runs them in timestamp order whatever the order here); never edit one that has shipped.
 *
 * Every library lists its own migrations and entities in its `<lib>.schema.ts` (libs/stats/src/stats.schema.ts,
 * libs/channels/src/channels.schema.ts, libs/compliance/src/compliance.schema.ts, ...). A library's migration
 * goes there, never here: libs/domain imports no library above it. The apps run the union, composed in
 * libs/composition/src/app-schema.ts (ALL_MIGRATIONS).
 */
// prettier-ignore
export const DOMAIN_MIGRATIONS = [
  InitialSchema1732000000000,
  UserSessionEpoch1732005200000,
  RefuseTruncate1732005600000,
  UserHomeOrganisation1732005400000,
  AuthSessions1732005500000,
  ReviewIntegrity1732005300000,
  DeliveryEventCounts1732005900000,
  LedgerReportRow1732006000000,
  ReviewPolicy1732006200000,
  EditorWorkflow1732007200000,
  Notifications1732007300000,
  AuditLogFilters1732007400000,
  ListKeysetIndexes1732009100000,
  PeopleImport1732009400000,
  PublicationImported1732009300000,
  ItemSubmittedAt1732009700000,
  DeliveryTimeSortIndexes1732009800000,
  LoginThrottlePending1732009900000,
];
