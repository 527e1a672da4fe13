/** Shapes of the monitor's APIs (apps/api/src/operator), as they arrive through JSON. Channel panels keep theirs in apps/console/src/channels/<type>/. */
import type { Jsonified } from '../../lib/types';
import type { AccountRestored as AccountRestoredReply } from '../../../../../libs/channels/src/engine/delivery-actions.types';
import type {
  Matrix as MatrixReply,
  OperatorAccount as OperatorAccountRow,
  OperatorDelivery as OperatorDeliveryRow,
  OperatorDeliveryDetail as OperatorDeliveryDetailReply,
} from '../../../../api/src/operator/operator-rows.types';

export type { DeliveryChange } from '../../../../api/src/operator/delivery-change.types';

/** GET operator/matrix: items × the channel accounts they target. */
export type Matrix = Jsonified<MatrixReply>;
/** A delivery with its item, account and organisation (GET operator/withdrawals/unresolved, operator/deliveries). */
export type OperatorDelivery = Jsonified<OperatorDeliveryRow>;
/** GET operator/deliveries/:id: the delivery with its queue jobs and history. */
export type OperatorDeliveryDetail = Jsonified<OperatorDeliveryDetailReply>;
/** GET operator/accounts: a channel account with its backlog. */
export type OperatorAccount = Jsonified<OperatorAccountRow>;
/** POST operator/accounts/:id/restore: how many waiting deliveries went back on the queue. */
export type AccountRestored = Jsonified<AccountRestoredReply>;
