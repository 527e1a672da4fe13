import { AppError } from '@app/common/errors/app-error';
import { DELIVERY_STATE_LABELS, DELIVERY_STATES, DeliveryState } from '../enums/domain-enums';

/**
 * The delivery state machine as data: for each state, the states a delivery may move to from it. The
 * one writer of `deliveries.state` (libs/persistence/src/delivery) takes the source states of every
 * write from this table, so no statement can move a row along an edge that is not here, and a call
 * asking for one is refused before the database is touched. A state listed as its own successor is a
 * write that keeps the state while changing what goes with it (a retry of a waiting delivery, a lease
 * taken over, a publication recorded while the item is being withdrawn).
 *
 * New deliveries are created `pending` (the fan-out); nothing else creates them.
 */
export const DELIVERY_TRANSITIONS: Record<DeliveryState, readonly DeliveryState[]> = {
  // claimed by a worker; sent by hand; called off (operator, schedule, withdrawal); a callback's failure
  pending: ['processing', 'pending', 'published', 'cancelled', 'failed'],
  // the outcome of a step (or its lease taken over after a crash), or the item withdrawn meanwhile
  processing: ['processing', 'pending', 'awaiting_confirmation', 'awaiting_issue', 'unconfirmed', 'published', 'failed', 'withdrawing'],
  // polled (claimed), confirmed by a poll / callback / operator, refused by a callback, or withdrawn
  awaiting_confirmation: ['processing', 'awaiting_confirmation', 'published', 'failed', 'withdrawing'],
  // printed in a published issue, or superseded / called off before
  awaiting_issue: ['published', 'cancelled'],
  // looked up again (claimed), found published (lookup, callback, operator), refused, or withdrawn
  unconfirmed: ['processing', 'unconfirmed', 'published', 'failed', 'withdrawing'],
  // the item withdrawn (the channel takes it back), or an operator removed it by hand
  published: ['withdrawing', 'withdrawn'],
  // taken back; never got out (cancelled); the channel could not take it back (published); a publication
  // found during the withdrawal recorded (stays withdrawing)
  withdrawing: ['withdrawing', 'withdrawn', 'cancelled', 'published'],
  withdrawn: [],
  // an operator's retry (looked up first where the channel can be asked), hand publication, or cancel
  failed: ['pending', 'unconfirmed', 'published', 'cancelled'],
  cancelled: ['pending', 'unconfirmed'],
};

/** A write asked for a move the delivery state machine does not allow (a programming error: nothing was written). */
export class DeliveryTransitionError extends AppError {
  constructor(
    public readonly from: string,
    public readonly to: string,
  ) {
    super(
      409,
      'INVALID_DELIVERY_TRANSITION',
      `发送任务不能从「${DELIVERY_STATE_LABELS[from as DeliveryState] ?? from}」变为「${DELIVERY_STATE_LABELS[to as DeliveryState] ?? to}」`,
      [{ field: 'state', reason: `${from} -> ${to} is not an allowed transition` }],
    );
    this.name = 'DeliveryTransitionError';
  }
}

export function isDeliveryState(s: string): s is DeliveryState {
  return (DELIVERY_STATES as readonly string[]).includes(s);
}

export function canTransition(from: string, to: string): boolean {
  return isDeliveryState(from) && isDeliveryState(to) && DELIVERY_TRANSITIONS[from].includes(to);
}

/** Throws DeliveryTransitionError unless the table allows `from` → `to`. */
export function assertDeliveryTransition(from: string, to: string): void {
  if (!canTransition(from, to)) throw new DeliveryTransitionError(from, to);
}

/** Every one of `from` must be allowed to move to `to`; returns them (for a statement's guard). */
export function assertDeliveryTransitions(from: readonly string[], to: string): DeliveryState[] {
  for (const f of from) assertDeliveryTransition(f, to);
  return [...from] as DeliveryState[];
}

/** The states the table allows into `to` (a statement's guard when the caller names no source). */
export function sourcesOf(to: DeliveryState): DeliveryState[] {
  return DELIVERY_STATES.filter((s) => DELIVERY_TRANSITIONS[s].includes(to));
}
