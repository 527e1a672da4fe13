// Pure TypeScript (no imports): what DeliveryActions answers to the operator API, which the console
// (apps/console/src/pages/monitor) reads too.

/** POST operator/accounts/:id/restore: the account sends again, its open deliveries queued at once. */
export interface AccountRestored {
  id: string;
  status: 'active';
  /** Open deliveries of the account put back on the queue (0 when none was waiting). */
  resumed: number;
}
