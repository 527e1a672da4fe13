import { Organisation } from './entities/organisation.entity';
import { User } from './entities/user.entity';
import { UserRole } from './entities/user-role.entity';
import { Item } from './entities/item.entity';
import { ItemVersion } from './entities/item-version.entity';
import { ReviewDecision } from './entities/review-decision.entity';
import { ComplianceFinding } from './entities/compliance-finding.entity';
import { ChannelAccount } from './entities/channel-account.entity';
import { Delivery } from './entities/delivery.entity';
import { DeliveryEvent } from './entities/delivery-event.entity';
import { PublicationRecord, PublicationWithdrawal } from './entities/publication-record.entity';
import { AuditLog } from './entities/audit-log.entity';
import { DOMAIN_MIGRATIONS } from './migrations/migration-list';

/** The entities of libs/domain's tables. A new entity: one line at the end. */
// prettier-ignore
export const DOMAIN_ENTITIES = [
  Organisation,
  User,
  UserRole,
  Item,
  ItemVersion,
  ReviewDecision,
  ComplianceFinding,
  ChannelAccount,
  Delivery,
  DeliveryEvent,
  PublicationRecord,
  PublicationWithdrawal,
  AuditLog,
];

/**
 * What libs/domain brings to the database (a DbSchema of libs/persistence, which sits above domain and
 * so is not imported here); composed with the other libraries' in libs/composition.
 */
export const DOMAIN_SCHEMA = { entities: DOMAIN_ENTITIES, migrations: DOMAIN_MIGRATIONS };
