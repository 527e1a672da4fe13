// Pure TypeScript (no imports): the console (apps/console) imports this shape too, through the items
// API's audit trail. The AuditLog entity implements AuditLogRecord.

/** A row of `audit_logs` (append-only): who did what to which entity, when. */
export interface AuditLogRecord {
  /** bigint: node-postgres hands it over as a string. */
  id: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  itemId: string | null;
  organisationId: string | null;
  /** What the action recorded; its keys depend on the action. */
  details: Record<string, unknown>;
  at: Date;
}
