import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { USER_ACTIVE_LOCK } from '../../admin/users-admin.service';
import { readPeopleFile } from './people-file-reader';
import type { PeopleImportResult, SetPasswordLink } from './people-import.types';
import { type ExistingOrg, namedKeys, type PeoplePlan, validatePeople } from './people-validator';
import { newLinkToken, NO_PASSWORD_HASH, SET_PASSWORD_LINK_HOURS, setPasswordPath } from './set-password-links';

/** Rows per multi-row INSERT (well under PostgreSQL's 65,535 parameters). */
const CHUNK = 1000;

/**
 * The people and structure import: an XLSX of organisations and users checked as a whole (every problem
 * reported at once, 400 with details[{field: '用户!C7', reason}]), written in one transaction only when
 * nothing is wrong. The admin's scope is the users admin's (apps/api/src/admin/users-admin.service.ts):
 * new organisations under organisations the admin manages (top-level ones by a root admin only), users
 * homed in and granted roles in organisations the admin manages. Users get no password: each gets a
 * one-time set-password link.
 */
@Injectable()
export class PeopleImportService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
  ) {}

  async run(user: AuthUser, data: Buffer | undefined, fileName: string, dryRun: boolean): Promise<PeopleImportResult> {
    const scopeIds = await this.scope.scopeOrgIds(user, rolesFor('user.manage'));
    if (!scopeIds.length) throw AppError.forbidden('FORBIDDEN_ROLE', '需要管理员角色');
    const file = await readPeopleFile(data);
    if (file.problems.length) throw invalidFile(file.problems);
    const { codes, usernames } = namedKeys(file);
    const existingOrgs: ExistingOrg[] = await this.ds.query(`SELECT id, code, level, path FROM organisations WHERE code = ANY($1::text[])`, [codes]);
    const existingUsers: { u: string }[] = await this.ds.query(`SELECT lower(username) AS u FROM users WHERE lower(username) = ANY($1::text[])`, [
      usernames.map((u) => u.toLowerCase()),
    ]);
    const plan = validatePeople(file, {
      existingOrgs: new Map(existingOrgs.map((o) => [o.code, o])),
      existingUsernames: new Set(existingUsers.map((r) => r.u)),
      scopeIds: new Set(scopeIds),
      root: await this.scope.isRootAdmin(user),
    });
    if (plan.problems.length) throw invalidFile(plan.problems);
    if (!plan.orgs.length && !plan.users.length)
      throw AppError.badRequest('PEOPLE_IMPORT_EMPTY', '文件中没有可导入的机构或用户', [{ field: 'file', reason: '机构表和用户表都没有数据行' }]);
    if (dryRun) return { dryRun: true, id: null, organisations: plan.orgs.length, users: plan.users.length, links: [] };
    try {
      return await this.ds.transaction((em) => this.write(em, user, plan, existingOrgs, fileName));
    } catch (e) {
      // another admin created the same code or username meanwhile: the unique index refuses it
      if ((e as { code?: string }).code === '23505')
        throw AppError.conflict('PEOPLE_IMPORT_CONFLICT', '导入期间有相同的机构代码或用户名被创建，未写入任何数据，请重新检查后导入', [
          { field: 'file', reason: (e as { detail?: string }).detail ?? 'unique violation' },
        ]);
      throw e;
    }
  }

  private async write(em: EntityManager, actor: AuthUser, plan: PeoplePlan, existing: ExistingOrg[], fileName: string): Promise<PeopleImportResult> {
    await em.query('SELECT pg_advisory_xact_lock($1, $2)', USER_ACTIVE_LOCK);
    const importId = randomUUID();
    await em.query(`INSERT INTO people_imports (id, actor_id, file_name, organisations, users) VALUES ($1, $2, $3, $4, $5)`, [
      importId,
      actor.id,
      fileName.slice(0, 200),
      plan.orgs.length,
      plan.users.length,
    ]);
    const orgByCode = new Map<string, { id: string; path: string }>(existing.map((o) => [o.code, o]));
    const orgRows: unknown[][] = [];
    for (const o of plan.orgs) {
      const id = randomUUID();
      const parent = o.parentCode ? orgByCode.get(o.parentCode)! : null;
      const path = `${parent?.path ?? '/'}${id}/`;
      orgByCode.set(o.code, { id, path });
      orgRows.push([id, parent?.id ?? null, o.code, o.name, o.level, path]);
    }
    await insertRows(em, 'organisations', ['id', 'parent_id', 'code', 'name', 'level', 'path'], ['uuid', 'uuid', 'text', 'text', 'text', 'text'], orgRows);

    const expiresAt = new Date(Date.now() + SET_PASSWORD_LINK_HOURS * 3600_000);
    const userRows: unknown[][] = [];
    const roleRows: unknown[][] = [];
    const tokenRows: unknown[][] = [];
    const links: SetPasswordLink[] = [];
    const audits: AuditRow[] = [];
    for (const u of plan.users) {
      const id = randomUUID();
      const home = orgByCode.get(u.orgCode)!.id;
      userRows.push([id, u.username, u.displayName, NO_PASSWORD_HASH, home]);
      for (const r of u.roles) roleRows.push([id, home, r]);
      const t = newLinkToken();
      tokenRows.push([id, t.hash, importId, actor.id, expiresAt]);
      links.push({
        username: u.username,
        displayName: u.displayName,
        organisationCode: u.orgCode,
        path: setPasswordPath(t.token),
        expiresAt: expiresAt.toISOString(),
      });
      const roles = u.roles.map((role) => ({ organisationId: home, role }));
      audits.push(audit(actor.id, 'user.create', 'user', id, home, { username: u.username, homeOrganisationId: home, roles, importId }));
    }
    for (const o of plan.orgs) {
      const { id } = orgByCode.get(o.code)!;
      audits.push(
        audit(actor.id, 'organisation.create', 'organisation', id, id, {
          code: o.code,
          parentId: o.parentCode ? orgByCode.get(o.parentCode)!.id : null,
          importId,
        }),
      );
    }
    await insertRows(
      em,
      'users',
      ['id', 'username', 'display_name', 'password_hash', 'home_organisation_id'],
      ['uuid', 'text', 'text', 'text', 'uuid'],
      userRows,
    );
    await insertRows(em, 'user_roles', ['user_id', 'organisation_id', 'role'], ['uuid', 'uuid', 'text'], roleRows);
    await insertRows(
      em,
      'password_set_tokens',
      ['user_id', 'token_hash', 'import_id', 'created_by', 'expires_at'],
      ['uuid', 'text', 'uuid', 'uuid', 'timestamptz'],
      tokenRows,
    );
    audits.push(
      audit(actor.id, 'people.import', 'people_import', importId, null, {
        fileName,
        organisations: plan.orgs.length,
        users: plan.users.length,
        roles: roleRows.length,
      }),
    );
    await insertRows(
      em,
      'audit_logs',
      ['actor_id', 'action', 'entity_type', 'entity_id', 'organisation_id', 'details'],
      ['uuid', 'text', 'text', 'text', 'uuid', 'jsonb'],
      audits.map((a) => [a.actorId, a.action, a.entityType, a.entityId, a.organisationId, JSON.stringify(a.details)]),
    );
    return { dryRun: false, id: importId, organisations: plan.orgs.length, users: plan.users.length, links };
  }
}

/** An audit_logs row, written with the rows it records (the same fields AuditService.record writes). */
interface AuditRow {
  actorId: string;
  action: string;
  entityType: string;
  entityId: string;
  organisationId: string | null;
  details: Record<string, unknown>;
}

function audit(
  actorId: string,
  action: string,
  entityType: string,
  entityId: string,
  organisationId: string | null,
  details: Record<string, unknown>,
): AuditRow {
  return { actorId, action, entityType, entityId, organisationId, details };
}

/** Multi-row INSERTs of `rows`, CHUNK rows at a time. */
async function insertRows(em: EntityManager, table: string, columns: string[], types: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v, j) => (params.push(v), `$${params.length}::${types[j]}`)).join(', ')})`);
    await em.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
  }
}

function invalidFile(details: { field: string; reason: string }[]): AppError {
  return AppError.badRequest('PEOPLE_IMPORT_INVALID', `导入文件有 ${details.length} 处问题，未写入任何数据，请修改后重新上传`, details);
}
