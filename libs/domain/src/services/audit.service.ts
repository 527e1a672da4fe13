import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditLog } from '../entities/audit-log.entity';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  itemId?: string | null;
  organisationId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends to the audit log inside the caller's transaction, so an action and its record land together. */
@Injectable()
export class AuditService {
  async record(em: EntityManager, e: AuditEntry): Promise<void> {
    await em.getRepository(AuditLog).insert({
      actorId: e.actorId,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId,
      itemId: e.itemId ?? null,
      organisationId: e.organisationId ?? null,
      details: (e.details ?? {}) as any,
    });
  }

  /**
   * The same row as `record`, as an INSERT to embed in a caller's statement (a data-modifying CTE),
   * appending its parameters to `params`: hot paths write the action and its audit row in one round trip.
   * `moreDetails`, an SQL jsonb expression, is merged into the details (values known only inside the
   * statement, such as the id of a row it inserts). `guard`: an SQL condition the row is written under.
   */
  insertSql(e: AuditEntry, params: unknown[], moreDetails?: string, guard = 'true'): string {
    const at = params.length;
    params.push(e.actorId, e.action, e.entityType, e.entityId, e.itemId ?? null, e.organisationId ?? null, JSON.stringify(e.details ?? {}));
    return `INSERT INTO audit_logs (actor_id, action, entity_type, entity_id, item_id, organisation_id, details)
            SELECT $${at + 1}::uuid, $${at + 2}::text, $${at + 3}::text, $${at + 4}::text, $${at + 5}::uuid, $${at + 6}::uuid,
                   $${at + 7}::jsonb${moreDetails ? ` || ${moreDetails}` : ''}
             WHERE ${guard}`;
  }
}
