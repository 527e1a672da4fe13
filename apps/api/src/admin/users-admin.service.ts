import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { assertPasswordPolicy } from '@app/common/auth/password-policy';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { User } from '@app/domain/entities/user.entity';
import { UserRole } from '@app/domain/entities/user-role.entity';
import type { Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { AuthService } from '../auth/auth.service';
import type { CreateUserDto, SetActiveDto, SetPasswordDto, SetRolesDto } from './admin.dto';
import type { UserRow } from './user-row.types';
import { rolesFor } from '@app/common/auth/permissions';

/**
 * Keys of pg_advisory_xact_lock(int, int) serialising changes to who may do what (roles, switching
 * accounts off, passwords): two admins deactivating each other at the same moment must not both succeed
 * and leave the deployment without an admin, and the scope check of a password reset must not race a
 * role grant.
 */
export const USER_ACTIVE_LOCK: [number, number] = [0x75736572, 1];

/** What an admin's request acts with: the admin organisations (subtrees included) and whether one is top-level. */
interface AdminScope {
  orgIds: string[];
  root: boolean;
}

const notManaged = () => AppError.forbidden('FORBIDDEN_ROLE', '该用户的所属单位或角色不在您管理的机构范围内');

/**
 * Users, their roles and accounts. An admin manages a user only when the user's home organisation (所属
 *单位) and every role the user holds lie within the admin's organisations: a user without roles is
 * nobody's to take over, and a role granted higher up takes the user out of a branch admin's hands.
 * Every refusal writes nothing.
 */
@Injectable()
export class UsersAdminService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
  ) {}

  async list(user: AuthUser): Promise<UserRow[]> {
    const s = await this.adminScope(user);
    return this.ds.query(
      `SELECT u.id, u.username, u.display_name AS "displayName", u.active, u.home_organisation_id AS "homeOrganisationId",
              COALESCE(json_agg(json_build_object('organisationId', r.organisation_id, 'role', r.role)) FILTER (WHERE r.role IS NOT NULL), '[]') AS roles,
              (${homeIn('u', 1, 2)} AND bool_and(r.organisation_id IS NULL OR r.organisation_id = ANY($1::uuid[]))) AS manageable
         FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
        WHERE ${homeIn('u', 1, 2)} OR EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.organisation_id = ANY($1::uuid[]))
        GROUP BY u.id ORDER BY u.username`,
      [s.orgIds, s.root],
    );
  }

  async create(user: AuthUser, dto: CreateUserDto) {
    const s = await this.adminScope(user);
    assertPasswordPolicy(dto.password, dto.username);
    const [home]: { id: string }[] = await this.ds.query(`SELECT id FROM organisations WHERE id = $1`, [dto.homeOrganisationId]);
    if (!home) throw AppError.validation([{ field: 'homeOrganisationId', reason: 'no such organisation' }]);
    if (!s.orgIds.includes(home.id)) throw AppError.forbidden('FORBIDDEN_ROLE', '所属单位不在您管理的机构范围内');
    for (const r of dto.roles ?? []) await this.scope.assertRole(user, r.organisationId, rolesFor('user.manage'));
    if (await this.ds.getRepository(User).existsBy({ username: dto.username }))
      throw AppError.conflict('DUPLICATE_USERNAME', `用户名已存在：${dto.username}`, [{ field: 'username', reason: 'already exists' }]);
    const passwordHash = await AuthService.hash(dto.password);
    return this.ds.transaction(async (em) => {
      const u = await em
        .getRepository(User)
        .save(em.getRepository(User).create({ username: dto.username, displayName: dto.displayName, passwordHash, homeOrganisationId: home.id }));
      if (dto.roles?.length)
        await em.getRepository(UserRole).insert(dto.roles.map((r) => ({ userId: u.id, organisationId: r.organisationId, role: r.role as Role })));
      await this.audit.record(em, {
        actorId: user.id,
        action: 'user.create',
        entityType: 'user',
        entityId: u.id,
        organisationId: home.id,
        details: { username: u.username, homeOrganisationId: home.id, roles: dto.roles ?? [] },
      });
      return { id: u.id, username: u.username, displayName: u.displayName, homeOrganisationId: home.id, roles: dto.roles ?? [] };
    });
  }

  async setRoles(user: AuthUser, id: string, dto: SetRolesDto) {
    const s = await this.adminScope(user);
    for (const r of dto.roles) await this.scope.assertRole(user, r.organisationId, rolesFor('user.manage'));
    await this.target(id);
    await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
      const before = await this.managed(em, s, id);
      // every role of a managed user lies within the admin's organisations: all of them are replaced
      await em.query(`DELETE FROM user_roles WHERE user_id = $1 AND organisation_id = ANY($2::uuid[])`, [id, s.orgIds]);
      if (dto.roles.length)
        await em.getRepository(UserRole).insert(dto.roles.map((r) => ({ userId: id, organisationId: r.organisationId, role: r.role as Role })));
      if ((await activeAdmins(em)) === 0) {
        throw AppError.conflict('LAST_ACTIVE_ADMIN', '不能撤销最后一个启用的管理员的管理员角色，请先为其他用户授予管理员角色', [
          { field: 'roles', reason: 'the last active admin of the deployment must keep the admin role' },
        ]);
      }
      await this.audit.record(em, {
        actorId: user.id,
        action: 'user.roles',
        entityType: 'user',
        entityId: id,
        details: { roles: dto.roles, previous: before.roles },
      });
    });
    return { id, roles: dto.roles };
  }

  async setActive(user: AuthUser, id: string, dto: SetActiveDto) {
    const reason = dto.reason?.trim() ?? '';
    if (!dto.active && !reason) throw AppError.validation([{ field: 'reason', reason: 'required when deactivating' }]);
    const s = await this.adminScope(user);
    const target = await this.target(id);
    if (!dto.active && target.id === user.id)
      throw AppError.conflict('SELF_DEACTIVATION', '不能停用自己的账号', [{ field: 'id', reason: 'cannot deactivate your own account' }]);
    await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
      // Read after the lock: a concurrent change committed meanwhile is seen here.
      const now = await this.managed(em, s, id);
      if (now.active === dto.active) return; // already so: nothing to change or record
      if (!dto.active && now.admin && (await activeAdmins(em, id)) === 0) {
        throw AppError.conflict('LAST_ACTIVE_ADMIN', '不能停用最后一个启用的管理员账号，请先为其他用户授予管理员角色', [
          { field: 'active', reason: 'the last active admin of the deployment must stay active' },
        ]);
      }
      // switching off ends every session for good: re-enabling does not bring old tokens back
      await em.query(`UPDATE users SET active = $2, session_epoch = session_epoch + CASE WHEN $2 THEN 0 ELSE 1 END WHERE id = $1`, [id, dto.active]);
      await this.audit.record(em, {
        actorId: user.id,
        action: dto.active ? 'user.activate' : 'user.deactivate',
        entityType: 'user',
        entityId: id,
        details: { username: target.username, ...(reason ? { reason } : {}) },
      });
    });
    return { id, username: target.username, displayName: target.displayName, active: dto.active };
  }

  async setPassword(user: AuthUser, id: string, dto: SetPasswordDto): Promise<void> {
    const s = await this.adminScope(user);
    const target = await this.target(id);
    assertPasswordPolicy(dto.password, target.username);
    const passwordHash = await AuthService.hash(dto.password);
    await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
      await this.managed(em, s, id);
      // a new password ends every session signed in with the old one
      await em.query(`UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1`, [id, passwordHash]);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'user.password_reset',
        entityType: 'user',
        entityId: id,
        details: { username: target.username },
      });
    });
  }

  /**
   * The user `id` when the caller manages it (403 '需要管理员角色' for a non-admin, 404 for no such user,
   * 403 outside the caller's scope), for admin actions kept elsewhere (the sign-in unlock in
   * apps/api/src/auth). Run it inside the action's transaction (`em`) to read what that transaction sees.
   */
  async managedUser(user: AuthUser, id: string, em: EntityManager = this.ds.manager): Promise<User> {
    const s = await this.adminScope(user);
    const target = await this.target(id);
    await this.managed(em, s, id);
    return target;
  }

  private async adminScope(user: AuthUser): Promise<AdminScope> {
    const orgIds = await this.scope.scopeOrgIds(user, rolesFor('user.manage'));
    if (!orgIds.length) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    return { orgIds, root: await this.scope.isRootAdmin(user) };
  }

  private async target(id: string): Promise<User> {
    const target = isUuid(id) ? await this.ds.getRepository(User).findOneBy({ id }) : null;
    if (!target) throw AppError.notFound('用户', id);
    return target;
  }

  /**
   * The user `id` as it stands inside the caller's transaction (after USER_ACTIVE_LOCK), when the admin
   * manages it: home organisation and every role within the admin's organisations. The refusal names no
   * organisation (they lie outside the caller's scope by definition).
   */
  private async managed(em: EntityManager, s: AdminScope, id: string): Promise<{ active: boolean; admin: boolean; roles: unknown[] }> {
    const [row]: ({ active: boolean; admin: boolean; home_ok: boolean; roles_ok: boolean; roles: unknown[] } | undefined)[] = await em.query(
      `SELECT u.active, ${homeIn('u', 2, 3)} AS home_ok,
              EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY($4::text[])) AS admin,
              NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND NOT (r.organisation_id = ANY($2::uuid[]))) AS roles_ok,
              COALESCE((SELECT json_agg(json_build_object('organisationId', r.organisation_id, 'role', r.role)) FROM user_roles r WHERE r.user_id = u.id), '[]') AS roles
         FROM users u WHERE u.id = $1`,
      [id, s.orgIds, s.root, rolesFor('user.manage')],
    );
    if (!row) throw AppError.notFound('用户', id);
    if (!row.home_ok || !row.roles_ok) throw notManaged();
    return row;
  }
}

/** SQL: the user's home organisation lies within $orgs ($root: a NULL home counts as the root's). */
function homeIn(alias: string, orgsParam: number, rootParam: number): string {
  return `(${alias}.home_organisation_id = ANY($${orgsParam}::uuid[]) OR (${alias}.home_organisation_id IS NULL AND $${rootParam}::boolean))`;
}

/** Active users holding an admin role anywhere, `except` one of them. Read under USER_ACTIVE_LOCK. */
async function activeAdmins(em: EntityManager, except: string | null = null): Promise<number> {
  const [{ n }]: { n: number }[] = await em.query(
    `SELECT count(*)::int AS n FROM users u
      WHERE u.active AND u.id IS DISTINCT FROM $1::uuid AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ANY($2::text[]))`,
    [except, rolesFor('user.manage')],
  );
  return n;
}
