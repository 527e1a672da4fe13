/** Shapes of the monitor's APIs (apps/api/src/operator, gazette and led), as they arrive through JSON. */
import type { Jsonified } from '../../lib/types';
import type { AccountRestored as AccountRestoredReply } from '../../../../../libs/channels/src/engine/delivery-actions.types';
import type { GazetteWaiting as GazetteWaitingReply, IssuePublished, IssueView } from '../../../../../libs/channels/src/gazette/gazette-reads.types';
import type { GazetteSummary } from '../../../../api/src/gazette/gazette-rows.types';
import type { LedScreenDetail as LedScreenDetailReply, LedScreenListRow, LedSyncReply } from '../../../../api/src/led/led-rows.types';
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

/** GET gazette: a gazette with its latest issue and how much waits for the next. */
export type Gazette = Jsonified<GazetteSummary>;
/** An issue with its table of contents (GET gazette/:accountId/issues, POST …/issues/compile). */
export type GazetteIssue = Jsonified<IssueView>;
/** GET gazette/:accountId/waiting: deliveries and errata waiting for the next issue. */
export type GazetteWaiting = Jsonified<GazetteWaitingReply>;
/** POST gazette/issues/:issueId/publish. */
export type GazetteIssuePublished = Jsonified<IssuePublished>;

/** GET led/screens: a screen with its last push or fetch. */
export type LedScreen = Jsonified<LedScreenListRow>;
/** GET led/screens/:accountId: the screen's latest program, its frames and entries. */
export type LedScreenDetail = Jsonified<LedScreenDetailReply>;
/** POST led/screens/:accountId/sync. */
export type LedSync = Jsonified<LedSyncReply>;
