import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { isUuid } from '@app/common/ids/is-uuid';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import type { AuditLogPage, AuditLogRow } from './audit-log-row.types';
import type { AuditLogsQuery } from './audit-logs.dto';

/**
 * The entry's entity id as a uuid (null when it is not one: sign-in names, addresses), so the names are
 * looked up by primary key; comparing \`id::text\` read every delivery of the installation for each entry.
 */
const ENTITY_UUID = `(CASE WHEN a.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN a.entity_id::uuid END)`;

/**
 * The audit log for the admin's viewer. An entry belongs to the organisation it names, else to its
 * item's, else (user and sign-in entries) to the user's home organisation, else to its actor's: an admin
 * sees the entries of the organisations they administer (subtrees included). Entries of no organisation
 * at all (sign-in attempts for unknown names, deployment-wide scans of nobody) are for admins of a
 * top-level organisation. An actor from outside the viewer's organisations is shown without a name.
 */
@Injectable()
export class AuditLogsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
  ) {}

  async list(user: AuthUser, q: AuditLogsQuery): Promise<AuditLogPage> {
    const roles = rolesFor('audit.read');
    const visible = await this.scope.scopeOrgIds(user, roles);
    const root = await this.scope.isRootAdmin(user);
    let orgIds: string[] | null = null;
    if (q.organisation) {
      const org = await this.scope.assertRole(user, q.organisation, roles);
      orgIds = (await this.ds.query(`SELECT id FROM organisations WHERE path LIKE $1`, [`${org.path}%`])).map((r: { id: string }) => r.id);
    }
    const params: unknown[] = [visible];
    const where: string[] = [root ? '(x.org_id IS NULL OR x.org_id = ANY($1::uuid[]))' : 'x.org_id = ANY($1::uuid[])'];
    // Implied by the line above (an entry naming an organisation belongs to it), and the form an index can
    // answer: a department admin's page is read from audit_logs_org_idx instead of the whole log by id.
    where.push('(a.organisation_id IS NULL OR a.organisation_id = ANY($1::uuid[]))');
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace(/\?/g, `$${params.length}`));
    };
    if (orgIds) add('x.org_id = ANY(?::uuid[])', orgIds);
    if (q.actor) add('a.actor_id = ?', q.actor);
    if (q.action) add('a.action = ANY(?::text[])', q.action.split(','));
    const item = q.item?.trim();
    if (item && isUuid(item)) add('a.item_id = ?', item);
    else if (item) add(`(i.title ILIKE '%' || ? || '%' OR i.index_no ILIKE '%' || ? || '%' OR i.doc_no ILIKE '%' || ? || '%')`, escapeLike(item));
    if (q.from) add(`a.at >= (?::date)::timestamp AT TIME ZONE 'Asia/Shanghai'`, day(q.from, 'from'));
    if (q.to) add(`a.at < (?::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'`, day(q.to, 'to'));
    if (q.from && q.to && q.from > q.to) throw AppError.validation([{ field: 'to', reason: '截止日期不能早于起始日期' }]);
    if (q.before ?? q.cursor) add('a.id < ?::bigint', q.before ?? q.cursor);
    const limit = q.limit ?? 50;
    params.push(limit + 1);
    const rows: RawRow[] = await this.ds.query(
      `SELECT a.id::text AS id, a.at, a.action, a.actor_id, a.entity_type, a.entity_id, a.item_id, a.details,
              au.display_name AS actor_name, au.username AS actor_username,
              (au.id IS NOT NULL AND NOT (au.home_organisation_id = ANY($1::uuid[]))) AS actor_hidden,
              i.title AS item_title, i.index_no AS item_index_no, x.org_id, o.name AS org_name,
              CASE a.entity_type
                WHEN 'item' THEN i.title
                WHEN 'user' THEN CASE WHEN eu.home_organisation_id = ANY($1::uuid[]) THEN eu.display_name || '（' || eu.username || '）' END
                WHEN 'login' THEN a.entity_id
                WHEN 'address' THEN a.entity_id
                WHEN 'organisation' THEN (SELECT name FROM organisations WHERE id = ${ENTITY_UUID})
                WHEN 'channel_account' THEN (SELECT name FROM channel_accounts WHERE id = ${ENTITY_UUID})
                WHEN 'delivery' THEN (SELECT c.name FROM deliveries d JOIN channel_accounts c ON c.id = d.channel_account_id WHERE d.id = ${ENTITY_UUID})
                WHEN 'gazette_issue' THEN (SELECT g.year || '年第' || g.issue_no || '期（总第' || g.total_no || '期）' FROM gazette_issues g WHERE g.id = ${ENTITY_UUID})
                WHEN 'upload' THEN a.details->>'name'
                WHEN 'lexicon' THEN a.entity_id
              END AS entity_name,
              (a.entity_type = 'user' AND eu.id IS NOT NULL AND NOT (eu.home_organisation_id = ANY($1::uuid[]))) AS entity_hidden
         FROM audit_logs a
         LEFT JOIN items i ON i.id = a.item_id
         LEFT JOIN users au ON au.id = a.actor_id
         LEFT JOIN users eu ON a.entity_type = 'user' AND eu.id = ${ENTITY_UUID}
         CROSS JOIN LATERAL (SELECT COALESCE(a.organisation_id, i.organisation_id, eu.home_organisation_id, au.home_organisation_id) AS org_id) x
         LEFT JOIN organisations o ON o.id = x.org_id
        WHERE ${where.join(' AND ')}
        ORDER BY a.id DESC
        LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return { entries: page.map(toRow), nextCursor: rows.length > limit ? page[page.length - 1].id : null };
  }
}

interface RawRow {
  id: string;
  at: Date;
  action: string;
  actor_id: string | null;
  entity_type: string;
  entity_id: string;
  item_id: string | null;
  details: Record<string, unknown>;
  actor_name: string | null;
  actor_username: string | null;
  actor_hidden: boolean;
  item_title: string | null;
  item_index_no: string | null;
  org_id: string | null;
  org_name: string | null;
  entity_name: string | null;
  entity_hidden: boolean;
}

function toRow(r: RawRow): AuditLogRow {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    action: r.action,
    actor: r.actor_id && !r.actor_hidden ? { id: r.actor_id, name: r.actor_name ?? '', username: r.actor_username ?? '' } : null,
    actorHidden: !!r.actor_hidden,
    entityType: r.entity_type,
    entityId: r.entity_hidden ? null : r.entity_id,
    entityName: r.entity_hidden ? null : r.entity_name,
    item: r.item_id && r.item_title !== null ? { id: r.item_id, title: r.item_title, indexNo: r.item_index_no ?? '' } : null,
    organisation: r.org_id ? { id: r.org_id, name: r.org_name ?? '' } : null,
    details: r.details ?? {},
  };
}

/** A calendar day the query can take (2026-02-31 is refused here rather than by Postgres). */
function day(v: string, field: string): string {
  const d = new Date(`${v}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) throw AppError.validation([{ field, reason: '不是有效的日期' }]);
  return v;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
