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
}
