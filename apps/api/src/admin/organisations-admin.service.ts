import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { Organisation } from '@app/domain/entities/organisation.entity';
import type { Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { validateScheme } from '../items/index-number';
import type { CreateOrganisationDto, UpdateOrganisationDto } from './admin.dto';

const ANY: Role[] = ['editor', 'reviewer', 'operator', 'statistician', 'admin'];

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
  ) {}

  async list(user: AuthUser): Promise<Organisation[]> {
    const ids = await this.scope.scopeOrgIds(user, ANY);
    if (!ids.length) return [];
    return this.ds.getRepository(Organisation).createQueryBuilder('o').where('o.id IN (:...ids)', { ids }).orderBy('o.path').getMany();
  }

  async create(user: AuthUser, dto: CreateOrganisationDto): Promise<Organisation> {
    if (dto.indexScheme) validateScheme(dto.indexScheme);
    let parent: Organisation | null = null;
    if (dto.parentId) parent = await this.scope.assertRole(user, dto.parentId, ['admin']);
    else if (!user.roles.some((r) => r.role === 'admin')) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    else if (!(await this.scope.isRootAdmin(user))) throw AppError.forbidden('FORBIDDEN_ROLE', '只有最上级机构的管理员可以新建顶级机构，请选择上级机构');
    if (await this.ds.getRepository(Organisation).existsBy({ code: dto.code })) throw AppError.conflict('DUPLICATE_CODE', `机构代码已存在：${dto.code}`, [{ field: 'code', reason: 'already exists' }]);
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(Organisation);
      const org = await repo.save(repo.create({ parentId: parent?.id ?? null, code: dto.code, name: dto.name, level: dto.level ?? 'department', path: 'pending', reviewLevels: dto.reviewLevels ?? 1, indexScheme: dto.indexScheme ?? '{orgCode}/{yyyy}-{seq:5}', settings: {} }));
      org.path = `${parent?.path ?? '/'}${org.id}/`;
      await repo.update({ id: org.id }, { path: org.path });
      await this.audit.record(em, { actorId: user.id, action: 'organisation.create', entityType: 'organisation', entityId: org.id, organisationId: org.id, details: { code: org.code, parentId: org.parentId } });
      return org;
    });
  }

  async update(user: AuthUser, id: string, dto: UpdateOrganisationDto): Promise<Organisation> {
    const org = await this.scope.assertRole(user, id, ['admin']);
    if (dto.indexScheme) validateScheme(dto.indexScheme);
    await this.ds.transaction(async (em) => {
      await em.getRepository(Organisation).update({ id }, { name: dto.name ?? org.name, reviewLevels: dto.reviewLevels ?? org.reviewLevels, indexScheme: dto.indexScheme ?? org.indexScheme, settings: dto.settings ? { ...org.settings, ...dto.settings } : org.settings });
      await this.audit.record(em, { actorId: user.id, action: 'organisation.update', entityType: 'organisation', entityId: id, organisationId: id, details: { ...dto } });
    });
    return this.scope.getOrg(id);
  }
}
