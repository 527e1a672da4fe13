import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { Organisation } from '@app/domain/entities/organisation.entity';
import type { Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { effectivePolicySql, legacyReviewPolicy, policyOrDefault } from '@app/review/review-policy';
import { ReviewPolicyService } from '@app/review/review-policy.service';
import type { OrganisationListRow } from '@app/domain/entities/organisation.types';
import { validateScheme } from '../items/index-number';
import type { CreateOrganisationDto, UpdateOrganisationDto } from './admin.dto';
import { can, rolesFor } from '@app/common/auth/permissions';

const ANY: Role[] = rolesFor('org.view');

/**
 * The organisation tree. An admin creates organisations below its own; only an admin of a top-level
 * organisation (the root) creates another top-level one.
 */
@Injectable()
export class OrganisationsAdminService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly policies: ReviewPolicyService,
  ) {}

  /** The organisations the user sees, each with the review policy in force (its own or inherited). */
  async list(user: AuthUser): Promise<OrganisationListRow[]> {
    const ids = await this.scope.scopeOrgIds(user, ANY);
    if (!ids.length) return [];
    const { entities, raw } = await this.ds
      .getRepository(Organisation)
      .createQueryBuilder('o')
      .addSelect(effectivePolicySql('o'), 'in_force')
      .where('o.id IN (:...ids)', { ids })
      .orderBy('o.path')
      .getRawAndEntities();
    const inForce = new Map(
      raw.map((r: { o_id: string; in_force: OrganisationListRow['reviewPolicyInForce'] | null }) => [r.o_id, policyOrDefault(r.in_force)]),
    );
    return entities.map((o) => {
      const levels = inForce.get(o.id) ?? policyOrDefault(null);
      return Object.assign(o, { reviewPolicyInForce: levels, reviewLevels: levels.length });
    });
  }

  async create(user: AuthUser, dto: CreateOrganisationDto): Promise<Organisation> {
    if (dto.indexScheme) validateScheme(dto.indexScheme);
    let parent: Organisation | null = null;
    if (dto.parentId) parent = await this.scope.assertRole(user, dto.parentId, rolesFor('org.manage'));
    else if (!can(user, 'org.manage')) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    else if (!(await this.scope.isRootAdmin(user))) throw AppError.forbidden('FORBIDDEN_ROLE', '只有最上级机构的管理员可以新建顶级机构，请选择上级机构');
    if (await this.ds.getRepository(Organisation).existsBy({ code: dto.code }))
      throw AppError.conflict('DUPLICATE_CODE', `机构代码已存在：${dto.code}`, [{ field: 'code', reason: 'already exists' }]);
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(Organisation);
      const org = await repo.save(
        repo.create({
          parentId: parent?.id ?? null,
          code: dto.code,
          name: dto.name,
          level: dto.level ?? 'department',
          path: 'pending',
          reviewPolicy: null,
          indexScheme: dto.indexScheme ?? '{orgCode}/{yyyy}-{seq:5}',
          settings: {},
        }),
      );
      org.path = `${parent?.path ?? '/'}${org.id}/`;
      await repo.update({ id: org.id }, { path: org.path });
      // the old "number of levels": that many reviewer levels as its own policy (else it inherits)
      if (dto.reviewLevels !== undefined) await this.policies.write(em, user.id, org, (org.reviewPolicy = legacyReviewPolicy(dto.reviewLevels)));
      await this.audit.record(em, {
        actorId: user.id,
        action: 'organisation.create',
        entityType: 'organisation',
        entityId: org.id,
        organisationId: org.id,
        details: { code: org.code, parentId: org.parentId },
      });
      return org;
    });
  }

  async update(user: AuthUser, id: string, dto: UpdateOrganisationDto): Promise<Organisation> {
    const org = await this.scope.assertRole(user, id, rolesFor('org.manage'));
    if (dto.indexScheme) validateScheme(dto.indexScheme);
    await this.ds.transaction(async (em) => {
      await em.getRepository(Organisation).update(
        { id },
        {
          name: dto.name ?? org.name,
          indexScheme: dto.indexScheme ?? org.indexScheme,
          settings: dto.settings ? { ...org.settings, ...dto.settings } : org.settings,
        },
      );
      if (dto.reviewLevels !== undefined) await this.policies.write(em, user.id, org, legacyReviewPolicy(dto.reviewLevels));
      await this.audit.record(em, {
        actorId: user.id,
        action: 'organisation.update',
        entityType: 'organisation',
        entityId: id,
        organisationId: id,
        details: { ...dto },
      });
    });
    return this.scope.getOrg(id);
  }
}
