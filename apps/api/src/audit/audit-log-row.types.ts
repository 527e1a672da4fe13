// Pure TypeScript (no imports): the console (apps/console) imports these shapes for its audit viewer.

/** One row of GET audit-logs: the audit entry with the names the viewer shows instead of ids. */
export interface AuditLogRow {
  /** bigint as a string; the keyset cursor (`before`) of the next page is the last row's id. */
  id: string;
  at: string;
  action: string;
  /** Who did it: null for the system (or a sign-in attempt before anybody is known). */
  actor: { id: string; name: string; username: string } | null;
  /** The actor belongs outside the organisations the viewer may audit: shown without a name. */
  actorHidden: boolean;
  entityType: string;
  entityId: string | null;
  /** What the entity is called (item title, user name, account name…), when the server can tell. */
  entityName: string | null;
  item: { id: string; title: string; indexNo: string } | null;
  organisation: { id: string; name: string } | null;
  /** What the action recorded; its keys depend on the action. */
  details: Record<string, unknown>;
}

/** GET audit-logs: newest first, one page; `nextCursor` is null on the last page. */
export interface AuditLogPage {
  entries: AuditLogRow[];
  nextCursor: string | null;
}
