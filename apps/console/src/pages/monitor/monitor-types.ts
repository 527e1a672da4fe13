/** Shapes of apps/api/src/operator (the operator console API), as they arrive through JSON. */
import type { Jsonified } from '../../lib/types';
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
