import type { DeliveryState } from '../../../../libs/domain/src/enums/domain-enums';

// Pure TypeScript (type imports of pure modules only, by relative path): the console (apps/console)
// reads these events too.

/**
 * One change of a delivery, as the `delivery_changed` trigger publishes it (in arrays of up to 20)
 * and GET deliveries/events forwards it as a `delivery` server-sent event.
 */
export interface DeliveryChange {
  id: string;
  itemId: string;
  state: DeliveryState;
  channelType: string;
  channelAccountId: string;
  organisationId: string;
  versionNo: number;
  at: string;
}
