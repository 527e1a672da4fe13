import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import type { Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { ComplianceGate } from './compliance-gate.service';
import type { FindingDecisionDto } from './item.dto';
import { recordContribution } from './item-contributions';
import { lockItem } from './item-lock';

/**
 * A reviewer's (or, for a redaction, an editor's) decision on a compliance finding: keep it with a
 * reason (not the author), or redact the span (recorded as a contribution that bars nobody).
 */
@Injectable()
export class ItemFindingsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly gate: ComplianceGate,
  ) {}

  async decideFinding(user: AuthUser, itemId: string, findingId: string, dto: FindingDecisionDto) {
    return this.ds.transaction(async (em) => {
      const item = await lockItem(em, itemId);
      const roles: Role[] = rolesFor(dto.decision === 'redact' ? 'finding.redact' : 'finding.keep');
      await this.scope.assertRole(user, item.organisationId, roles);
      const f = await em.getRepository(ComplianceFinding).findOneBy({ id: findingId, itemId });
      if (!f) throw AppError.notFound('审查发现', findingId);
      if (f.severity === 'block') throw AppError.conflict('BLOCKING_NOT_OVERRIDABLE', '密级标志不可保留，只能修改原文后重新提交');
      if (dto.decision === 'keep') {
        if (!dto.reason?.trim()) throw AppError.validation([{ field: 'reason', reason: '保留时必须说明理由' }]);
        if (item.authorId === user.id) throw AppError.forbidden('SELF_REVIEW', '不能对自己撰写的信息作保留决定');
      } else {
        await this.gate.redact(em, item, f, user.id, dto.reason ?? null);
        await recordContribution(em, { itemId: item.id, baseVersion: item.currentVersionNo, userId: user.id, action: 'redact', fields: [f.field] });
      }
      await em
        .getRepository(ComplianceFinding)
        .update({ id: f.id }, { status: dto.decision === 'keep' ? 'kept' : 'redacted', decidedBy: user.id, decisionReason: dto.reason ?? null });
      await this.audit.record(em, {
        actorId: user.id,
        action: `finding.${dto.decision}`,
        entityType: 'compliance_finding',
        entityId: f.id,
        itemId,
        organisationId: item.organisationId,
        details: { rule: f.rule, field: f.field, reason: dto.reason ?? null },
      });
      return em.getRepository(ComplianceFinding).findOneBy({ id: f.id });
    });
  }
}
