import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { User } from '@app/domain/entities/user.entity';
import { UserRole } from '@app/domain/entities/user-role.entity';
import type { Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { AuthService } from '../auth/auth.service';
import { validateScheme } from '../items/index-number';
import { CreateAccountDto, CreateOrganisationDto, CreateUserDto, SetActiveDto, SetPasswordDto, SetRolesDto, UpdateAccountDto, UpdateOrganisationDto } from './admin.dto';
import { isUuid } from '@app/common/ids/is-uuid';
import type { ChannelAccountView } from '@app/domain/entities/channel-account.types';
import type { UserRow } from './user-row.types';

const ANY: Role[] = ['editor', 'reviewer', 'operator', 'statistician', 'admin'];

/**
 * Keys of pg_advisory_xact_lock(int, int) serialising account (de)activations: two admins deactivating
 * each other at the same moment must not both succeed and leave the deployment without an admin.
 */
export const USER_ACTIVE_LOCK: [number, number] = [0x75736572, 1];

/** Organisations, channel accounts (secrets write-only), users and roles. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class AdminController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
  ) {}

  @Get('channels')
  channels() {
    return this.registry.capabilities();
  }

  @Get('organisations')
  async organisations(@CurrentUser() user: AuthUser) {
    const ids = await this.scope.scopeOrgIds(user, ANY);
    if (!ids.length) return [];
    return this.ds.getRepository(Organisation).createQueryBuilder('o').where('o.id IN (:...ids)', { ids }).orderBy('o.path').getMany();
  }

  @Post('organisations')
  async createOrganisation(@CurrentUser() user: AuthUser, @Body() dto: CreateOrganisationDto) {
    if (dto.indexScheme) validateScheme(dto.indexScheme);
    let parent: Organisation | null = null;
    if (dto.parentId) parent = await this.scope.assertRole(user, dto.parentId, ['admin']);
    else if (!user.roles.some((r) => r.role === 'admin')) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    if (await this.ds.getRepository(Organisation).existsBy({ code: dto.code })) throw AppError.conflict('DUPLICATE_CODE', `机构代码已存在：${dto.code}`, [{ field: 'code', reason: 'already exists' }]);
    return this.ds.transaction(async (em) => {
      const org = await em.getRepository(Organisation).save(em.getRepository(Organisation).create({ parentId: parent?.id ?? null, code: dto.code, name: dto.name, level: dto.level ?? 'department', path: 'pending', reviewLevels: dto.reviewLevels ?? 1, indexScheme: dto.indexScheme ?? '{orgCode}/{yyyy}-{seq:5}', settings: {} }));
      org.path = `${parent?.path ?? '/'}${org.id}/`;
      await em.getRepository(Organisation).update({ id: org.id }, { path: org.path });
      await this.audit.record(em, { actorId: user.id, action: 'organisation.create', entityType: 'organisation', entityId: org.id, organisationId: org.id, details: { code: org.code } });
      return org;
    });
  }

  @Patch('organisations/:id')
  async updateOrganisation(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: UpdateOrganisationDto) {
    const org = await this.scope.assertRole(user, id, ['admin']);
    if (dto.indexScheme) validateScheme(dto.indexScheme);
    await this.ds.transaction(async (em) => {
      await em.getRepository(Organisation).update({ id }, { name: dto.name ?? org.name, reviewLevels: dto.reviewLevels ?? org.reviewLevels, indexScheme: dto.indexScheme ?? org.indexScheme, settings: dto.settings ? { ...org.settings, ...dto.settings } : org.settings });
      await this.audit.record(em, { actorId: user.id, action: 'organisation.update', entityType: 'organisation', entityId: id, organisationId: id, details: { ...dto } });
    });
    return this.scope.getOrg(id);
  }

  @Get('channel-accounts')
  async listAccounts(@CurrentUser() user: AuthUser, @Query('organisationId') organisationId?: string): Promise<ChannelAccountView[]> {
    const ids = await this.scope.scopeOrgIds(user, ANY);
    // Accounts of ancestors are usable too (a department publishes through the county portal).
    let visible = ids;
    if (organisationId) {
      const org = await this.scope.assertRole(user, organisationId, ANY);
      visible = this.scope.ancestorIds(org);
    }
    if (!visible.length) return [];
    const rows = await this.ds.getRepository(ChannelAccount).createQueryBuilder('a').addSelect('a.credentialsEnc').where('a.organisationId IN (:...ids)', { ids: visible }).orderBy('a.channelType').addOrderBy('a.name').getMany();
    return rows.map(({ credentialsEnc, ...a }) => ({ ...a, hasCredentials: !!credentialsEnc }));
  }

  @Post('channel-accounts')
  async createAccount(@CurrentUser() user: AuthUser, @Body() dto: CreateAccountDto): Promise<ChannelAccountView> {
    await this.scope.assertRole(user, dto.organisationId, ['admin']);
    if (!this.registry.has(dto.channelType)) throw AppError.validation([{ field: 'channelType', reason: `unknown channel type; one of ${this.registry.types().join(', ')}` }]);
    return this.ds.transaction(async (em) => {
      const a = await em.getRepository(ChannelAccount).save(em.getRepository(ChannelAccount).create({ organisationId: dto.organisationId, channelType: dto.channelType, name: dto.name, baseUrl: dto.baseUrl ?? '', settings: dto.settings ?? {}, credentialsEnc: dto.credentials ? this.accounts.seal(dto.credentials) : null }));
      await this.audit.record(em, { actorId: user.id, action: 'channel_account.create', entityType: 'channel_account', entityId: a.id, organisationId: a.organisationId, details: { channelType: a.channelType, name: a.name } });
      const { credentialsEnc, ...rest } = a;
      return { ...rest, hasCredentials: !!credentialsEnc };
    });
  }

  @Patch('channel-accounts/:id')
  async updateAccount(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: UpdateAccountDto): Promise<ChannelAccountView> {
    const a = isUuid(id) ? await this.ds.getRepository(ChannelAccount).findOneBy({ id }) : null;
    if (!a) throw AppError.notFound('渠道账号', id);
    const onlyStatus = Object.keys(dto).every((k) => k === 'status');
    await this.scope.assertRole(user, a.organisationId, onlyStatus ? ['admin', 'operator'] : ['admin']);
    await this.ds.transaction(async (em) => {
      const patch: Partial<ChannelAccount> = {};
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.baseUrl !== undefined) patch.baseUrl = dto.baseUrl;
      if (dto.settings !== undefined) patch.settings = dto.settings;
      if (dto.enabled !== undefined) patch.enabled = dto.enabled;
      if (dto.credentials !== undefined) patch.credentialsEnc = this.accounts.seal(dto.credentials);
      if (dto.status === 'active' || dto.credentials !== undefined) {
        patch.status = 'active';
        patch.statusReason = null;
      }
      await em.getRepository(ChannelAccount).update({ id }, patch);
      await this.audit.record(em, { actorId: user.id, action: 'channel_account.update', entityType: 'channel_account', entityId: id, organisationId: a.organisationId, details: { fields: Object.keys(dto) } });
    });
    const { credentialsEnc, ...rest } = (await this.ds.getRepository(ChannelAccount).createQueryBuilder('a').addSelect('a.credentialsEnc').where('a.id = :id', { id }).getOneOrFail());
    return { ...rest, hasCredentials: !!credentialsEnc };
  }

  @Get('users')
  async users(@CurrentUser() user: AuthUser): Promise<UserRow[]> {
    const ids = await this.scope.scopeOrgIds(user, ['admin']);
    if (!ids.length) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    const rows: UserRow[] = await this.ds.query(
      `SELECT u.id, u.username, u.display_name AS "displayName", u.active,
              COALESCE(json_agg(json_build_object('organisationId', r.organisation_id, 'role', r.role)) FILTER (WHERE r.role IS NOT NULL), '[]') AS roles
         FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
        WHERE EXISTS (SELECT 1 FROM user_roles x WHERE x.user_id = u.id AND x.organisation_id = ANY($1::uuid[])) OR NOT EXISTS (SELECT 1 FROM user_roles y WHERE y.user_id = u.id)
        GROUP BY u.id ORDER BY u.username`,
      [ids],
    );
    return rows;
  }

  @Post('users')
  async createUser(@CurrentUser() user: AuthUser, @Body() dto: CreateUserDto) {
    for (const r of dto.roles ?? []) await this.scope.assertRole(user, r.organisationId, ['admin']);
    if (!dto.roles?.length && !user.roles.some((r) => r.role === 'admin')) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    if (await this.ds.getRepository(User).existsBy({ username: dto.username })) throw AppError.conflict('DUPLICATE_USERNAME', `用户名已存在：${dto.username}`, [{ field: 'username', reason: 'already exists' }]);
    return this.ds.transaction(async (em) => {
      const u = await em.getRepository(User).save(em.getRepository(User).create({ username: dto.username, displayName: dto.displayName, passwordHash: await AuthService.hash(dto.password) }));
      if (dto.roles?.length) await em.getRepository(UserRole).insert(dto.roles.map((r) => ({ userId: u.id, organisationId: r.organisationId, role: r.role as Role })));
      await this.audit.record(em, { actorId: user.id, action: 'user.create', entityType: 'user', entityId: u.id, details: { username: u.username, roles: dto.roles ?? [] } });
      return { id: u.id, username: u.username, displayName: u.displayName, roles: dto.roles ?? [] };
    });
  }

  @Put('users/:id/roles')
  async setRoles(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: SetRolesDto) {
    for (const r of dto.roles) await this.scope.assertRole(user, r.organisationId, ['admin']);
    const target = isUuid(id) ? await this.ds.getRepository(User).findOneBy({ id }) : null;
    if (!target) throw AppError.notFound('用户', id);
    const adminOrgs = await this.scope.scopeOrgIds(user, ['admin']);
    await this.ds.transaction(async (em) => {
      // the same lock as switching accounts off: the two together must not leave the deployment without an admin
      await em.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
      await em.query(`DELETE FROM user_roles WHERE user_id = $1 AND organisation_id = ANY($2::uuid[])`, [id, adminOrgs]);
      if (dto.roles.length) await em.getRepository(UserRole).insert(dto.roles.map((r) => ({ userId: id, organisationId: r.organisationId, role: r.role as Role })));
      if ((await activeAdmins(em)) === 0) {
        throw AppError.conflict('LAST_ACTIVE_ADMIN', '不能撤销最后一个启用的管理员的管理员角色，请先为其他用户授予管理员角色', [{ field: 'roles', reason: 'the last active admin of the deployment must keep the admin role' }]);
      }
      await this.audit.record(em, { actorId: user.id, action: 'user.roles', entityType: 'user', entityId: id, details: { roles: dto.roles } });
    });
    return { id, roles: dto.roles };
  }

  @Put('users/:id/active')
  @ApiOperation({ summary: '停用或重新启用用户（停用须填原因，已签发的登录凭证立即失效；不能停用自己或最后一个启用的管理员）' })
  async setActive(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: SetActiveDto) {
    const reason = dto.reason?.trim() ?? '';
    if (!dto.active && !reason) throw AppError.validation([{ field: 'reason', reason: 'required when deactivating' }]);
    const target = await this.administeredUser(user, id);
    if (!dto.active && target.id === user.id) throw AppError.conflict('SELF_DEACTIVATION', '不能停用自己的账号', [{ field: 'id', reason: 'cannot deactivate your own account' }]);
    await this.ds.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
      // Read after the lock: a concurrent change committed meanwhile is seen here.
      const [now]: ({ active: boolean; admin: boolean } | undefined)[] = await em.query(
        `SELECT u.active, EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin') AS admin FROM users u WHERE u.id = $1`,
        [id],
      );
      if (!now) throw AppError.notFound('用户', id);
      if (now.active === dto.active) return; // already so: nothing to change or record
      if (!dto.active && now.admin && (await activeAdmins(em, id)) === 0) {
        throw AppError.conflict('LAST_ACTIVE_ADMIN', '不能停用最后一个启用的管理员账号，请先为其他用户授予管理员角色', [{ field: 'active', reason: 'the last active admin of the deployment must stay active' }]);
      }
      // switching off ends every session for good: re-enabling does not bring old tokens back
      await em.query(`UPDATE users SET active = $2, session_epoch = session_epoch + CASE WHEN $2 THEN 0 ELSE 1 END WHERE id = $1`, [id, dto.active]);
      await this.audit.record(em, { actorId: user.id, action: dto.active ? 'user.activate' : 'user.deactivate', entityType: 'user', entityId: id, details: { username: target.username, ...(reason ? { reason } : {}) } });
    });
    return { id, username: target.username, displayName: target.displayName, active: dto.active };
  }

  @Post('users/:id/password')
  @HttpCode(204)
  @ApiOperation({ summary: '管理员为用户设置新密码（规则同新建用户；该用户已签发的登录凭证立即失效；密码不写入日志或审计）' })
  async setPassword(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: SetPasswordDto): Promise<void> {
    const target = await this.administeredUser(user, id);
    const passwordHash = await AuthService.hash(dto.password);
    await this.ds.transaction(async (em) => {
      // a new password ends every session signed in with the old one
      await em.query(`UPDATE users SET password_hash = $2, session_epoch = session_epoch + 1 WHERE id = $1`, [id, passwordHash]);
      await this.audit.record(em, { actorId: user.id, action: 'user.password_reset', entityType: 'user', entityId: id, details: { username: target.username } });
    });
  }

  /**
   * The user `id`, when the caller is an admin of every organisation the user holds a role in (a user
   * without roles: any admin, as in the list). Switching an account off or resetting its password acts
   * on all of the user's roles, so one role outside the caller's scope is enough to refuse.
   */
  private async administeredUser(user: AuthUser, id: string): Promise<User> {
    const adminOrgs = await this.scope.scopeOrgIds(user, ['admin']);
    if (!adminOrgs.length) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    const target = isUuid(id) ? await this.ds.getRepository(User).findOneBy({ id }) : null;
    if (!target) throw AppError.notFound('用户', id);
    const outside: { name: string }[] = await this.ds.query(
      `SELECT o.name FROM user_roles r JOIN organisations o ON o.id = r.organisation_id
        WHERE r.user_id = $1 AND NOT (r.organisation_id = ANY($2::uuid[])) ORDER BY o.path LIMIT 1`,
      [id, adminOrgs],
    );
    if (outside.length) throw AppError.forbidden('FORBIDDEN_ROLE', `该用户在机构「${outside[0].name}」有角色，您不是该机构的管理员`);
    return target;
  }
}

/** Active users holding an admin role anywhere, `except` one of them. Read under USER_ACTIVE_LOCK. */
async function activeAdmins(em: EntityManager, except: string | null = null): Promise<number> {
  const [{ n }]: { n: number }[] = await em.query(
    `SELECT count(*)::int AS n FROM users u
      WHERE u.active AND u.id IS DISTINCT FROM $1::uuid AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'admin')`,
    [except],
  );
  return n;
}
