import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppConfig, portalBaseUrl } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import type { ChannelAccountView } from '@app/domain/entities/channel-account.types';
import type { Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import type { CreateAccountDto, UpdateAccountDto } from './admin.dto';
import { originOf } from './account-site-rules';
import { accountProblems, mergeCredentials } from './account-validation';
import { rolesFor } from '@app/common/auth/permissions';

const ANY: Role[] = rolesFor('org.view');
/** pg_advisory_xact_lock(int, int) key: site locations are checked and claimed one request at a time. */
const SITE_LOCK: [number, number] = [0x73697465, 1];

const view = ({ credentialsEnc, ...a }: ChannelAccount): ChannelAccountView => ({ ...a, hasCredentials: !!credentialsEnc });

/**
 * Channel accounts (secrets write-only). A site under the portal directory belongs to one organisation:
 * only that organisation's admins change it. The stored credentials go only where they were given for:
 * moving an account to another scheme, host or port takes the credentials again.
 */
@Injectable()
export class ChannelAccountsAdminService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async list(user: AuthUser, organisationId?: string): Promise<ChannelAccountView[]> {
    let visible = await this.scope.scopeOrgIds(user, ANY);
    // Accounts of ancestors are usable too (a department publishes through the county portal).
    if (organisationId) visible = this.scope.ancestorIds(await this.scope.assertRole(user, organisationId, ANY));
    if (!visible.length) return [];
    const rows = await this.ds
      .getRepository(ChannelAccount)
      .createQueryBuilder('a')
      .addSelect('a.credentialsEnc')
      .where('a.organisationId IN (:...ids)', { ids: visible })
      .orderBy('a.channelType')
      .addOrderBy('a.name')
      .getMany();
    return rows.map(view);
  }

  async create(user: AuthUser, dto: CreateAccountDto): Promise<ChannelAccountView> {
    await this.scope.assertRole(user, dto.organisationId, rolesFor('account.manage'));
    if (!this.registry.has(dto.channelType))
      throw AppError.validation([{ field: 'channelType', reason: `unknown channel type; one of ${this.registry.types().join(', ')}` }]);
    const settings = dto.settings ?? {};
    const problems = accountProblems(this.registry.get(dto.channelType), { channelType: dto.channelType, settings, credentials: dto.credentials ?? {} });
    if (problems.length) throw AppError.validation(problems);
    const credentials = dto.credentials ? mergeCredentials({}, dto.credentials, true) : null;
    return this.ds.transaction(async (em) => {
      await this.claimSite(em, user, dto.organisationId, { channelType: dto.channelType, baseUrl: dto.baseUrl ?? '', settings }, null);
      const repo = em.getRepository(ChannelAccount);
      const a = await repo.save(
        repo.create({
          organisationId: dto.organisationId,
          channelType: dto.channelType,
          name: dto.name,
          baseUrl: dto.baseUrl ?? '',
          settings,
          credentialsEnc: credentials ? this.accounts.seal(credentials) : null,
        }),
      );
      await this.audit.record(em, {
        actorId: user.id,
        action: 'channel_account.create',
        entityType: 'channel_account',
        entityId: a.id,
        organisationId: a.organisationId,
        details: { channelType: a.channelType, name: a.name, baseUrl: a.baseUrl },
      });
      return view(a);
    });
  }

  async update(user: AuthUser, id: string, dto: UpdateAccountDto): Promise<ChannelAccountView> {
    const a = isUuid(id) ? await this.load(this.ds.manager, id) : null;
    if (!a) throw AppError.notFound('渠道账号', id);
    const onlyStatus = Object.keys(dto).every((k) => k === 'status');
    await this.scope.assertRole(user, a.organisationId, rolesFor(onlyStatus ? 'account.status' : 'account.manage'));
    const movesBaseUrl = dto.baseUrl !== undefined && dto.baseUrl !== a.baseUrl;
    const movesOrigin = movesBaseUrl && originOf(dto.baseUrl!) !== originOf(a.baseUrl);
    // The stored secret was given for one outside system: sending it elsewhere takes it again.
    if (movesOrigin && a.credentialsEnc && dto.credentials === undefined) {
      throw AppError.validation([{ field: 'credentials', reason: "required again when the base URL's scheme, host or port changes" }]);
    }
    const stored = a.credentialsEnc ? this.accounts.toAdapter(a).credentials : {};
    const credentials = dto.credentials === undefined ? undefined : mergeCredentials(stored, dto.credentials, movesOrigin);
    if (dto.settings !== undefined || credentials !== undefined) {
      const settings = dto.settings ?? a.settings ?? {};
      const adapter = this.registry.has(a.channelType) ? this.registry.get(a.channelType) : null;
      const problems = adapter
        ? accountProblems(adapter, {
            channelType: a.channelType,
            settings,
            credentials,
            prevSettings: a.settings ?? {},
            prevCredentials: movesOrigin ? {} : stored,
          })
        : [];
      if (problems.length) throw AppError.validation(problems);
    }
    await this.ds.transaction(async (em) => {
      // the portal's default site follows its base URL: either may move the account onto another site
      if (dto.settings !== undefined || dto.baseUrl !== undefined) {
        await this.claimSite(
          em,
          user,
          a.organisationId,
          { channelType: a.channelType, baseUrl: dto.baseUrl ?? a.baseUrl, settings: dto.settings ?? a.settings },
          a.id,
        );
      }
      const patch: Partial<ChannelAccount> = {};
      if (dto.name !== undefined) patch.name = dto.name;
      if (dto.baseUrl !== undefined) patch.baseUrl = dto.baseUrl;
      if (dto.settings !== undefined) patch.settings = dto.settings;
      if (dto.enabled !== undefined) patch.enabled = dto.enabled;
      if (credentials !== undefined) patch.credentialsEnc = this.accounts.seal(credentials);
      if (dto.status === 'active' || dto.credentials !== undefined) {
        patch.status = 'active';
        patch.statusReason = null;
      }
      await em.getRepository(ChannelAccount).update({ id }, patch);
      const details: Record<string, unknown> = { fields: Object.keys(dto) };
      if (movesBaseUrl) details.baseUrl = { from: a.baseUrl, to: dto.baseUrl };
      await this.audit.record(em, {
        actorId: user.id,
        action: 'channel_account.update',
        entityType: 'channel_account',
        entityId: id,
        organisationId: a.organisationId,
        details,
      });
    });
    return view((await this.load(this.ds.manager, id))!);
  }

  private load(em: EntityManager, id: string): Promise<ChannelAccount | null> {
    return em.getRepository(ChannelAccount).createQueryBuilder('a').addSelect('a.credentialsEnc').where('a.id = :id', { id }).getOne();
  }

  /**
   * A site (or gazette folder) under PORTAL_DIR belongs to one organisation: an account of another
   * organisation may not write there (the portal adapter refuses it at delivery as well; refusing here
   * keeps the account from being saved at all). The owners are the organisations of the other accounts
   * at the same location and the one recorded in portal_sites once the site was first written. Checked
   * under SITE_LOCK so two requests cannot both claim a location. The refusal names no organisation.
   */
  private async claimSite(
    em: EntityManager,
    user: AuthUser,
    orgId: string,
    next: { channelType: string; baseUrl: string; settings: Record<string, unknown> },
    self: string | null,
  ): Promise<void> {
    const site = this.registry.has(next.channelType) ? this.registry.get(next.channelType).siteClaim : undefined;
    if (!site) return;
    const base = portalBaseUrl(this.config);
    const [org]: { code: string }[] = await em.query(`SELECT code FROM organisations WHERE id = $1`, [orgId]);
    const location = site.location({ ...next, orgCode: org.code }, base);
    if (location === null) return;
    await em.query('SELECT pg_advisory_xact_lock($1, $2)', SITE_LOCK);
    // every channel with a site shares PORTAL_DIR: a portal site and a gazette folder may collide too
    const siteTypes = this.registry.types().filter((t) => this.registry.get(t).siteClaim);
    const others: { channel_type: string; base_url: string; settings: Record<string, unknown>; organisation_id: string; code: string }[] = await em.query(
      `SELECT a.channel_type, a.base_url, a.settings, a.organisation_id, o.code FROM channel_accounts a JOIN organisations o ON o.id = a.organisation_id
        WHERE a.channel_type = ANY($1::text[]) AND a.organisation_id <> $2 AND a.id IS DISTINCT FROM $3::uuid`,
      [siteTypes, orgId, self],
    );
    const locationOf = (o: (typeof others)[number]) =>
      this.registry.get(o.channel_type).siteClaim!.location({ baseUrl: o.base_url, settings: o.settings, orgCode: o.code }, base);
    const owners = new Set(others.filter((o) => locationOf(o) === location).map((o) => o.organisation_id));
    const [{ recorded }]: { recorded: boolean }[] = await em.query(`SELECT to_regclass('portal_sites') IS NOT NULL AS recorded`);
    if (recorded) {
      const claimed: { organisation_id: string }[] = await em.query(`SELECT organisation_id FROM portal_sites WHERE site_key = $1 AND organisation_id <> $2`, [
        location,
        orgId,
      ]);
      for (const c of claimed) owners.add(c.organisation_id);
    }
    if (!owners.size) return;
    const field = site.field;
    const adminOrgs = new Set(await this.scope.scopeOrgIds(user, rolesFor('account.manage')));
    if ([...owners].every((o) => adminOrgs.has(o))) {
      throw AppError.conflict('SITE_IN_USE', '该目录已是另一机构的网站（或公报）所在位置，一个网站只能属于一个机构，请另选目录', [
        { field, reason: '该位置已属于其他机构的账号' },
      ]);
    }
    throw new AppError(403, 'FORBIDDEN_SITE', '该目录是其他机构的网站（或公报）所在位置，只有该机构的管理员可以修改', [
      { field, reason: '该位置已属于其他机构的账号' },
    ]);
  }
}
