// Pure TypeScript (no imports): the console (apps/console) imports this shape too, through the
// operator API's event rows. The DeliveryEvent entity implements DeliveryEventRecord.

/** A row of `delivery_events`: an attempt or state change of a delivery (what was called, what came back). */
export interface DeliveryEventRecord {
  /** bigint: node-postgres hands it over as a string. */
  id: string;
  deliveryId: string;
  kind: string;
  fromState: string | null;
  toState: string | null;
  call: string | null;
  response: string | null;
  errorCode: string | null;
  message: string | null;
  durationMs: number | null;
  actorId: string | null;
  at: Date;
}
