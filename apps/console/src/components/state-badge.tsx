import { DELIVERY_STATE_LABELS, STATUS_LABELS } from '../lib/labels';

/** Delivery state in colour and in words (colour is never the only signal). */
export function StateBadge({ state }: { state: string }) {
  return (
    <span className={`badge state-${state}`} data-state={state}>
      {DELIVERY_STATE_LABELS[state] ?? state}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}
