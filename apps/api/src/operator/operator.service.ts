import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import type { Role } from '@app/domain/enums/domain-enums';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { Actor, deliveryStateLabel } from '@app/channels/engine/delivery-actions.service';
import { DeliveryQueues } from '@app/channels/engine/delivery-queues.service';
import { AccountStates } from './account-states.service';
import { AccountsQuery, ListOperatorDeliveriesQuery, MatrixQuery } from './operator.dto';
import { isUuid } from '@app/common/ids/is-uuid';
import { afterSql, decodeCursor, encodeCursor, usOf } from '../http/keyset';
import { capped, cappedCountSql, COUNT_CAP, offsetOf } from '../http/paging';
import { SUMMARY_SETTLED, summarySql } from './operator-summary.sql';
import { deliveryPageIdsSql } from '../deliveries/delivery-page.sql';
import { MATRIX_COUNT_CAP, matrixItemsSql } from './matrix-items.sql';
import type {
  DeliveryEventRow,
  Matrix,
  MatrixAccount,
  MatrixCell,
  MatrixItem,
  OperatorAccount,
  OperatorDelivery,
  OperatorDeliveryDetail,
  OperatorDeliveryList,
  OperatorSummary,
} from './operator-rows.types';
import { rolesFor } from '@app/common/auth/permissions';

/** A row of DELIVERY_COLUMNS (before withLabels adds the state in words). */
type DeliveryColumnsRow = Omit<OperatorDelivery, 'stateLabel'>;

export const OPERATOR_ROLES: Role[] = rolesFor('delivery.operate');

const TIME_COLUMNS = { created: 'd.created_at', updated: 'd.updated_at', published: 'd.published_at', due: 'd.due_at' } as const;
/** The order of each time field (published_at alone is nullable: a delivery never published sorts last). */
export const SORT_KEYS = { ...TIME_COLUMNS, published: `COALESCE(d.published_at, timestamptz '1970-01-01 00:00:00+00')` } as const;

const DELIVERY_COLUMNS = `
  d.id, d.item_id AS "itemId", i.title AS "itemTitle", i.status AS "itemStatus", d.state, d.channel_type AS "channelType",
  d.channel_account_id AS "channelAccountId", a.name AS "accountName", a.status AS "accountStatus",
  d.organisation_id AS "organisationId", o.name AS "organisationName", d.version_no AS "versionNo", d.attempts,
  d.due_at AS "dueAt", d.next_attempt_at AS "nextAttemptAt", d.lease_until AS "leaseUntil",
  d.external_id AS "externalId", d.external_url AS "externalUrl", d.last_error_code AS "lastErrorCode",
  d.last_error_message AS "lastErrorMessage", d.published_at AS "publishedAt", d.created_at AS "createdAt", d.updated_at AS "updatedAt"`;

/**
 * Read side of the operator console: deliveries by state / channel / account / organisation / time,
 * the item × channel matrix, a delivery's history, accounts that need attention, and publications a
 * withdrawal could not take back. Everything is limited to the organisations (and their subtrees)
 * where the user is an operator or admin.
 */
@Injectable()
export class OperatorService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly queues: DeliveryQueues,
    private readonly registry: ChannelRegistry,
    private readonly accountStates: AccountStates,
  ) {}

  /** Channel accounts stopped until an operator fixes them, by channel type (metrics). */
  stoppedAccountCounts(): Promise<{ channel: string; n: number }[]> {
    return this.ds.query(`SELECT channel_type AS channel, count(*)::int AS n FROM channel_accounts WHERE status <> 'active' GROUP BY 1`);
  }

  /** The actor for engine actions: an operator/admin of the delivery's organisation chain. */
  actor(user: AuthUser, roles: Role[] = OPERATOR_ROLES): Actor {
    return { id: user.id, authorize: async (orgId) => void (await this.scope.assertRole(user, orgId, roles)) };
  }

  private async scopeIds(user: AuthUser, organisation?: string, subtree = true): Promise<string[]> {
    const all = await this.scope.scopeOrgIds(user, OPERATOR_ROLES);
    if (!organisation) return all;
    const org = await this.scope.assertRole(user, organisation, OPERATOR_ROLES);
    if (!subtree) return [org.id];
    const rows: { id: string }[] = await this.ds.query(`SELECT id FROM organisations WHERE path LIKE $1`, [`${org.path}%`]);
    return rows.map((r) => r.id);
  }

  async listDeliveries(user: AuthUser, q: ListOperatorDeliveriesQuery): Promise<OperatorDeliveryList> {
    const timeField = q.timeField ?? 'updated';
    const pageSize = q.pageSize ?? 50;
    const offset = offsetOf(q.page, pageSize, q.cursor);
    const after = decodeCursor(q.cursor, timeField, ['us', 'uuid']);
    const orgIds = await this.scopeIds(user, q.organisation, q.subtree ?? true);
    const where: string[] = [];
    const params: unknown[] = [orgIds];
    const push = (v: unknown) => (params.push(v), `$${params.length}`);
    const add = (sql: string, v: unknown) => where.push(sql.replace(/\?/g, push(v)));
    if (q.state) add('d.state = ANY(?::text[])', q.state.split(','));
    if (q.channel) add('d.channel_type = ?', q.channel);
    if (q.account) add('d.channel_account_id = ?', q.account);
    if (q.item) add('d.item_id = ?', q.item);
    const col = TIME_COLUMNS[timeField];
    if (q.from) add(`${col} >= ?`, q.from);
    if (q.to) add(`${col} < ?`, q.to);
    if (q.q) add('i.title ILIKE ?', `%${q.q.replace(/[%_\\]/g, '\\$&')}%`);
    if (q.attention) {
      where.push(`(d.state IN ('failed','unconfirmed') OR (d.state = 'published' AND d.last_error_code IS NOT NULL) OR a.status <> 'active')`);
    }
    // only what a filter reads is joined before the page is cut (every delivery has its item and account)
    const joins = `${q.q ? 'JOIN items i ON i.id = d.item_id' : ''} ${q.attention ? 'JOIN channel_accounts a ON a.id = d.channel_account_id' : ''}`;
    const countParams = [...params];
    const countWhere = ['d.organisation_id = ANY($1::uuid[])', ...where].join(' AND ');
    // newest first by the chosen time, the id breaking ties; a delivery never published sorts last (as NULLS LAST did)
    const key = [
      { sql: SORT_KEYS[timeField], kind: 'us' as const },
      { sql: 'd.id', kind: 'uuid' as const },
    ];
    if (after) where.push(afterSql(key, after, 'DESC', push));
    const ids = deliveryPageIdsSql({ orgCount: new Set(orgIds).size, where, joins, key: SORT_KEYS[timeField], limit: offset + pageSize + 1 });
    const [rows, [{ n }]] = await Promise.all([
      this.ds.query(
        `WITH page AS MATERIALIZED (${ids})
         SELECT ${DELIVERY_COLUMNS}, ${usOf('page.k')} AS "_k"
           FROM page JOIN deliveries d ON d.id = page.id JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id
           JOIN organisations o ON o.id = d.organisation_id
          ORDER BY page.k DESC, page.id DESC OFFSET ${offset}`,
        params,
      ) as Promise<(DeliveryColumnsRow & { _k: string })[]>,
      this.ds.query(cappedCountSql(`FROM deliveries d ${joins} WHERE ${countWhere}`), countParams) as Promise<{ n: number }[]>,
    ]);
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      deliveries: page.map(({ _k, ...r }) => withLabels(r)),
      ...capped(n),
      page: q.page ?? 1,
      pageSize,
      nextCursor: rows.length > pageSize ? encodeCursor(timeField, [last._k, last.id]) : null,
    };
  }

  private async visibleDelivery(user: AuthUser, id: string): Promise<DeliveryColumnsRow & Pick<OperatorDeliveryDetail, 'checkpoint'>> {
    if (!isUuid(id)) throw AppError.notFound('发送任务', id);
    const rows: (DeliveryColumnsRow & Pick<OperatorDeliveryDetail, 'checkpoint'>)[] = await this.ds.query(
      `SELECT ${DELIVERY_COLUMNS}, d.checkpoint ${`FROM deliveries d JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id JOIN organisations o ON o.id = d.organisation_id`} WHERE d.id = $1`,
      [id],
    );
    if (!rows[0]) throw AppError.notFound('发送任务', id);
    await this.scope.assertRole(user, rows[0].organisationId, OPERATOR_ROLES);
    return rows[0];
  }

  async events(user: AuthUser, id: string): Promise<DeliveryEventRow[]> {
    await this.visibleDelivery(user, id);
    return this.ds.query(
      `SELECT e.id, e.kind, e.from_state AS "fromState", e.to_state AS "toState", e.call, e.response, e.error_code AS "errorCode",
              e.message, e.duration_ms AS "durationMs", e.actor_id AS "actorId", u.username AS "actorName", e.at,
              e.count, e.last_at AS "lastAt"
         FROM delivery_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.delivery_id = $1 ORDER BY e.id`,
      [id],
    );
  }

  async detail(user: AuthUser, id: string): Promise<OperatorDeliveryDetail> {
    const d = await this.visibleDelivery(user, id);
    const [events, job, withdrawJob] = await Promise.all([
      this.events(user, id),
      this.queues
        .queue(d.channelType)
        .getJobState(id)
        .catch(() => 'unknown'),
      this.queues
        .queue(d.channelType)
        .getJobState(`w-${id}`)
        .catch(() => 'unknown'),
    ]);
    const acc: { id: string; channel_type: string; enabled: boolean; status: string; status_reason: string | null }[] = await this.ds.query(
      `SELECT id, channel_type, enabled, status, status_reason FROM channel_accounts WHERE id = $1`,
      [d.channelAccountId],
    );
    const a = acc[0];
    const st = a ? (await this.accountStates.of([{ id: a.id, channelType: a.channel_type, enabled: a.enabled, status: a.status }])).get(a.id)! : null;
    const account = {
      ...(st ?? { state: 'active' as const, pauseReason: null, resumesAt: null, rateLimitedUntil: null }),
      statusReason: a?.status_reason ?? null,
    };
    return { ...withLabels(d), job: { deliver: job, withdraw: withdrawJob }, events, account };
  }

  /**
   * Items (newest approval first) × the channel accounts they target: each cell is the delivery of the
   * item's latest version to that account (an account a revision skipped shows the earlier one).
   */
  async matrix(user: AuthUser, q: MatrixQuery): Promise<Matrix> {
    const pageSize = q.pageSize ?? 50;
    const offset = offsetOf(q.page, pageSize, q.cursor);
    const after = decodeCursor(q.cursor, 'a', ['us', 'uuid']);
    const orgIds = await this.scopeIds(user, q.organisation, true);
    const { sql, countSql, params, countParams } = matrixItemsSql(orgIds, q, after, pageSize, offset);
    const [rows, [{ n }]] = await Promise.all([
      this.ds.query(sql, params) as Promise<(Omit<MatrixItem, 'cells'> & { _k: string })[]>,
      this.ds.query(countSql, countParams) as Promise<{ n: number }[]>,
    ]);
    const items = rows.slice(0, pageSize).map(({ _k, ...i }) => i);
    const lastRow = rows[pageSize - 1];
    const ids = items.map((i) => i.id);
    const cells: any[] = ids.length
      ? await this.ds.query(
          `SELECT DISTINCT ON (d.item_id, d.channel_account_id) d.item_id, d.channel_account_id, d.id, d.state, d.version_no,
                  d.external_url, d.last_error_code, d.last_error_message, d.attempts, d.published_at, d.next_attempt_at
             FROM deliveries d WHERE d.item_id = ANY($1::uuid[]) ORDER BY d.item_id, d.channel_account_id, d.version_no DESC`,
          [ids],
        )
      : [];
    const accountIds = [...new Set(cells.map((c) => c.channel_account_id))];
    const accounts: Omit<MatrixAccount, 'label'>[] = accountIds.length
      ? await this.ds.query(
          `SELECT id, name, channel_type AS "channelType", status FROM channel_accounts WHERE id = ANY($1::uuid[]) ORDER BY channel_type, name`,
          [accountIds],
        )
      : [];
    const byItem = new Map<string, Record<string, MatrixCell>>();
    for (const c of cells) {
      const row = byItem.get(c.item_id) ?? {};
      row[c.channel_account_id] = {
        deliveryId: c.id,
        state: c.state,
        stateLabel: deliveryStateLabel(c.state),
        versionNo: c.version_no,
        externalUrl: c.external_url,
        lastErrorCode: c.last_error_code,
        lastErrorMessage: c.last_error_message,
        attempts: c.attempts,
        publishedAt: c.published_at,
        nextAttemptAt: c.next_attempt_at,
      };
      byItem.set(c.item_id, row);
    }
    return {
      accounts: accounts.map((a) => ({ ...a, label: this.registry.has(a.channelType) ? this.registry.get(a.channelType).capabilities.label : a.channelType })),
      items: items.map((i) => ({ ...i, cells: byItem.get(i.id) ?? {} })),
      ...capped(n, MATRIX_COUNT_CAP),
      page: q.page ?? 1,
      pageSize,
      nextCursor: rows.length > pageSize ? encodeCursor('a', [lastRow._k, lastRow.id]) : null,
    };
  }

  /** Channel accounts in scope with their delivery backlog; status=needs_attention lists the stopped ones. */
  async accounts(user: AuthUser, q: AccountsQuery): Promise<OperatorAccount[]> {
    const orgIds = await this.scope.scopeOrgIds(user, OPERATOR_ROLES);
    const params: unknown[] = [orgIds];
    let filter = '';
    if (q.status) {
      params.push(q.status);
      filter = `AND a.status = $2`;
    }
    const rows: Omit<OperatorAccount, 'state' | 'pauseReason' | 'resumesAt' | 'rateLimitedUntil'>[] = await this.ds.query(
      `SELECT a.id, a.name, a.channel_type AS "channelType", a.organisation_id AS "organisationId", a.enabled, a.status,
              a.status_reason AS "statusReason", a.updated_at AS "updatedAt",
              count(d.id) FILTER (WHERE d.state IN ('pending','processing','unconfirmed','awaiting_confirmation','withdrawing'))::int AS "waiting",
              count(d.id) FILTER (WHERE d.state = 'failed')::int AS "failed",
              min(COALESCE(d.next_attempt_at, d.due_at)) FILTER (WHERE d.state IN ('pending','unconfirmed','awaiting_confirmation','withdrawing')) AS "nextAttemptAt"
         FROM channel_accounts a LEFT JOIN deliveries d ON d.channel_account_id = a.id
        WHERE a.organisation_id = ANY($1::uuid[]) ${filter}
        GROUP BY a.id ORDER BY (a.status <> 'active') DESC, a.channel_type, a.name`,
      params,
    );
    // Pauses the outside system imposed and the account's own rate window live in Redis (account-states.service.ts).
    const states = await this.accountStates.of(rows);
    return rows.map((r) => ({ ...r, ...states.get(r.id)! }));
  }

  /** Publications still out there although their item was withdrawn: the operator must take them down. */
  async unresolvedWithdrawals(user: AuthUser): Promise<OperatorDelivery[]> {
    const orgIds = await this.scope.scopeOrgIds(user, OPERATOR_ROLES);
    const rows: DeliveryColumnsRow[] = await this.ds.query(
      `SELECT ${DELIVERY_COLUMNS}
         FROM deliveries d JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id JOIN organisations o ON o.id = d.organisation_id
        WHERE d.organisation_id = ANY($1::uuid[]) AND i.status = 'withdrawn' AND d.state = 'published'
        ORDER BY d.updated_at DESC`,
      [orgIds],
    );
    return rows.map(withLabels);
  }

  /**
   * Counts by channel and state, for the operator's dashboard, without a GROUP BY over every delivery in
   * scope (millions for a province): the states a delivery passes through are few at any time and counted
   * exactly (partial index deliveries_summary_open_idx); the states deliveries end in (published, withdrawn,
   * cancelled, failed) grow without bound and are counted up to COUNT_CAP, each such cell named in `capped`.
   */
  async summary(user: AuthUser): Promise<OperatorSummary> {
    const orgIds = await this.scope.scopeOrgIds(user, OPERATOR_ROLES);
    const rows: { channelType: string; state: string; n: number }[] = await this.ds.query(summarySql(), [orgIds, SUMMARY_SETTLED]);
    const out: Record<string, Record<string, number>> = {};
    const cappedCells: string[] = [];
    for (const r of rows) {
      if (!r.n) continue;
      const { total, totalCapped } = capped(r.n);
      (out[r.channelType] ??= {})[r.state] = total;
      if (totalCapped) cappedCells.push(`${r.channelType}.${r.state}`);
    }
    return { byChannel: out, capped: cappedCells, cap: COUNT_CAP };
  }
}

function withLabels<T extends { state: string }>(d: T): T & { stateLabel: string } {
  return { ...d, stateLabel: deliveryStateLabel(d.state) };
}
