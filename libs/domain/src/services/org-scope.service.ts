import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import type { AuthUser } from '@app/common/auth/auth-user';
import type { Role } from '../enums/domain-enums';
import { Organisation } from '../entities/organisation.entity';
import { grantOrgIds } from '@app/common/auth/permissions';
import { ROLE_LABELS } from '@app/common/auth/roles';

/**
 * Answers "may this user act with this role on this organisation?". A role held in an organisation
 * applies to its whole subtree (a county reviewer reviews its departments' items).
 */
@Injectable()
export class OrgScopeService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async getOrg(orgId: string): Promise<Organisation> {
    if (!isUuid(orgId)) throw AppError.notFound('机构', orgId);
    const org = await this.ds.getRepository(Organisation).findOne({ where: { id: orgId } });
    if (!org) throw AppError.notFound('机构', orgId);
    return org;
  }

  /** Ids of the organisation and its ancestors. */
  ancestorIds(org: Organisation): string[] {
    return org.path.split('/').filter(Boolean);
  }

  async assertRole(user: AuthUser, orgId: string, roles: Role[]): Promise<Organisation> {
    return this.requireRole(user, await this.getOrg(orgId), roles);
  }

  /** assertRole for an organisation the caller has already loaded (in the same statement as its other reads). */
  requireRole(user: AuthUser, org: Organisation, roles: Role[]): Organisation {
    const chain = new Set(this.ancestorIds(org));
    if (!user.roles.some((r) => roles.includes(r.role) && chain.has(r.organisationId))) {
      // Name the organisation only when it lies within the caller's scope (any role in its chain):
      // a refusal must not tell anybody the names of organisations they cannot see.
      const visible = user.roles.some((r) => chain.has(r.organisationId));
      const needed = roles.map((r) => ROLE_LABELS[r] ?? r).join('、');
      throw AppError.forbidden('FORBIDDEN_ROLE', visible ? `您在机构「${org.name}」没有所需的角色（${needed}）` : `您在该机构没有所需的角色（${needed}）`);
    }
    return org;
  }

  /**
   * Whether the user is an admin of a top-level organisation (the root of the tree): the only admins
   * who create top-level organisations and see what spans every organisation (Bull Board, lexicons).
   */
  async isRootAdmin(user: AuthUser): Promise<boolean> {
    const ids = [...new Set(grantOrgIds(user, 'org.manage'))];
    if (!ids.length) return false;
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM organisations WHERE id = ANY($1::uuid[]) AND parent_id IS NULL LIMIT 1`, [ids]);
    return rows.length > 0;
  }

  /** Organisation ids the user holds one of `roles` for, subtrees included (for list filters). */
  async scopeOrgIds(user: AuthUser, roles: Role[]): Promise<string[]> {
    const roots = [...new Set(user.roles.filter((r) => roles.includes(r.role)).map((r) => r.organisationId))];
    if (!roots.length) return [];
    const rows: { id: string }[] = await this.ds.query(
      `SELECT o.id FROM organisations o JOIN organisations r ON o.path LIKE r.path || '%' WHERE r.id = ANY($1::uuid[])`,
      [roots],
    );
    return [...new Set(rows.map((r) => r.id))];
  }
}
