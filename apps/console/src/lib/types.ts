/**
 * Shapes returned by the API (see apps/api/src/*), imported type-only from the pure modules where the
 * server declares them (the `*.types.ts` modules beside their owners in libs and apps/api), so nothing
 * of the server is bundled and the console cannot drift from what the server sends.
 */
import type { Role } from '../../../../libs/domain/src/enums/domain-enums';
import type { ChannelAccountView } from '../../../../libs/domain/src/entities/channel-account.types';
import type { FindingRecord } from '../../../../libs/domain/src/entities/compliance-finding.types';
import type { ItemRecord } from '../../../../libs/domain/src/entities/item.types';
import type { OrganisationListRow } from '../../../../libs/domain/src/entities/organisation.types';
import type { DeliveryList as DeliveryListReply, ItemDeliveryRow } from '../../../api/src/deliveries/delivery-row.types';
import type {
  ApproveResult as ApproveReply,
  AuditEntry as AuditEntryRow,
  ItemDetail as ItemDetailReply,
  ItemList as ItemListReply,
  ItemVersionDetail,
} from '../../../api/src/items/item-reads.types';

export type { Role };
export type { Attachment, ChannelOverrides } from '../../../../libs/domain/src/entities/item.types';
export type { AuthUser as User, RoleGrant } from '../../../../libs/common/src/auth/auth-user.types';
export type { LoginResult } from '../../../api/src/auth/login-result.types';
export type { UserRow } from '../../../api/src/admin/user-row.types';
export type { ChannelCapabilities } from '../../../../libs/channels/src/channel-adapter.types';
export type { AccountPreview } from '../../../api/src/items/item-reads.types';

/**
 * T as it arrives through JSON: a Date becomes its ISO string (the API sends entities as they are,
 * and JSON.stringify turns their timestamps into strings).
 */
export type Jsonified<T> = 0 extends 1 & T
  ? T
  : T extends Date
    ? string
    : T extends readonly (infer U)[]
      ? Jsonified<U>[]
      : T extends object
        ? { [K in keyof T]: Jsonified<T[K]> }
        : T;

/** An organisation as GET organisations sends it (with the review policy in force). */
export type Organisation = Jsonified<OrganisationListRow>;
export type { ReviewLevelSpec } from '../../../../libs/domain/src/entities/organisation.types';
export type { ReviewPolicyView } from '../../../../libs/review/src/review-policy.types';

/** A compliance finding as the items API sends it (a `compliance_findings` row). */
export type Finding = Jsonified<FindingRecord>;

/** An item as the items API sends it: the `items` row, timestamps as ISO strings. */
export type Item = Jsonified<ItemRecord>;

/** GET items/:id: the item with its findings, review decisions (ReviewDecisionRecord), deliveries and versions. */
export type ItemDetail = Jsonified<ItemDetailReply>;

/** GET items: one page. */
export type ItemList = Jsonified<ItemListReply>;

/** A channel account as the admin API sends it (the secret replaced by `hasCredentials`). */
export type ChannelAccount = Jsonified<ChannelAccountView>;

/** One of an item's deliveries (GET items/:id/deliveries). */
export type ItemDelivery = Jsonified<ItemDeliveryRow>;

/** GET deliveries: deliveries across items, with their item's title. */
export type DeliveryList = Jsonified<DeliveryListReply>;

/** One entry of an item's audit trail (GET items/:id/audit). */
export type AuditEntry = Jsonified<AuditEntryRow>;

/** POST items/:id/approve: the item after this level, with the version the last level froze (else null). */
export type Approval = Jsonified<ApproveReply>;

/** GET items/:id/versions/:versionNo: one frozen version with its snapshot. */
export type ItemVersion = Jsonified<ItemVersionDetail>;

/** GET audit-logs: one page of the audit log (the admin's viewer). */
export type { AuditLogPage, AuditLogRow } from '../../../api/src/audit/audit-log-row.types';
