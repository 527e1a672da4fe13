/**
 * Leases live as long as their holder's heartbeat. A claim holds a delivery (Postgres lease) and a
 * slot of its account (Redis) for a short time, renewed every third of it while the step runs; a
 * SIGKILLed worker stops renewing, so another worker takes its deliveries and slots over within one
 * lease (≤ 10 s; the BullMQ job's stall detection, ≤ 14 s, is the other half of the failover), instead of after
 * DELIVERY_LEASE_SECONDS. DELIVERY_LEASE_SECONDS caps the live lease (tests shorten it); production's
 * 300 s no longer decides how long a crashed worker freezes a concurrency-1 account. A Postgres restart
 * while a step writes its outcome likewise leaves the delivery `processing` for one short lease at most.
 *
 * A step whose event loop stalls longer than a lease loses it; its later writes are fenced by the
 * lease token, and the worker that takes over reconciles before anything is sent again.
 */
export const LIVE_LEASE_MAX_SECONDS = 10;

export function liveLeaseSeconds(configuredSeconds: number): number {
  return Math.max(1, Math.min(configuredSeconds, LIVE_LEASE_MAX_SECONDS));
}

/** Renews the delivery's lease (fenced by its token: DeliveryStateRepository.renewLease) and the account slot until the returned stop is called. */
export function startHeartbeat(o: { leaseSeconds: number; renewLease: () => Promise<void>; renewSlot?: () => Promise<void> }): () => void {
  const beat = () => {
    o.renewLease().catch(() => undefined);
    o.renewSlot?.().catch(() => undefined);
  };
  const t = setInterval(beat, Math.max(300, (o.leaseSeconds * 1000) / 3));
  t.unref();
  return () => clearInterval(t);
}
