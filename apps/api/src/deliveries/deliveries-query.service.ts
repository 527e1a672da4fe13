import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { afterSql, decodeCursor, encodeCursor, usOf } from '../http/keyset';
import { capped, cappedCountSql, offsetOf } from '../http/paging';
import { deliveryPageIdsSql } from './delivery-page.sql';
import type { DeliveryList, DeliveryRow } from './delivery-row.types';
import type { ListDeliveriesQuery } from './deliveries.controller';

const KEY = [
  { sql: 'd.updated_at', kind: 'us' as const },
  { sql: 'd.id', kind: 'uuid' as const },
];

/**
 * The deliveries list of GET /deliveries: filters, newest change first (updated_at, id), within the given
 * organisations. Pages by keyset (`cursor`, indexes of migration 1732009100000) and counts up to COUNT_CAP.
 */
@Injectable()
export class DeliveriesQueryService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(orgIds: string[], q: ListDeliveriesQuery): Promise<DeliveryList> {
    const pageSize = q.pageSize ?? 50;
    const offset = offsetOf(q.page, pageSize, q.cursor);
    const after = decodeCursor(q.cursor, 'u', ['us', 'uuid']);
    const where: string[] = [];
    const params: unknown[] = [orgIds];
    const push = (v: unknown) => (params.push(v), `$${params.length}`);
    const add = (sql: string, v: unknown) => where.push(sql.replace('?', push(v)));
    if (q.state) add('d.state = ?', q.state);
    if (q.channel) add('d.channel_type = ?', q.channel);
    if (q.account) add('d.channel_account_id = ?', q.account);
    if (q.organisation) add('d.organisation_id = ?', q.organisation);
    if (q.item) add('d.item_id = ?', q.item);
    if (q.from) add('d.updated_at >= ?', q.from);
    if (q.to) add('d.updated_at <= ?', q.to);
    const countParams = [...params];
    const countWhere = ['d.organisation_id = ANY($1::uuid[])', ...where].join(' AND ');
    if (after) where.push(afterSql(KEY, after, 'DESC', push));
    const ids = deliveryPageIdsSql({ orgCount: new Set(orgIds).size, where, joins: '', key: 'd.updated_at', limit: offset + pageSize + 1 });
    const [rows, [{ n }]] = await Promise.all([
      this.ds.query(
        `WITH page AS MATERIALIZED (${ids})
         SELECT d.id, d.item_id AS "itemId", i.title AS "itemTitle", d.state, d.channel_type AS "channelType",
                d.channel_account_id AS "channelAccountId", a.name AS "accountName", d.organisation_id AS "organisationId",
                d.version_no AS "versionNo", d.attempts, d.due_at AS "dueAt", d.external_id AS "externalId", d.external_url AS "externalUrl",
                d.last_error_code AS "lastErrorCode", d.last_error_message AS "lastErrorMessage", d.published_at AS "publishedAt", d.updated_at AS "updatedAt",
                ${usOf('page.k')} AS "_k"
           FROM page JOIN deliveries d ON d.id = page.id JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id
          ORDER BY page.k DESC, page.id DESC OFFSET ${offset}`,
        params,
      ) as Promise<(DeliveryRow & { _k: string })[]>,
      this.ds.query(cappedCountSql(`FROM deliveries d WHERE ${countWhere}`), countParams) as Promise<{ n: number }[]>,
    ]);
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      deliveries: page.map(({ _k, ...r }) => r),
      ...capped(n),
      page: q.page ?? 1,
      pageSize,
      nextCursor: rows.length > pageSize ? encodeCursor('u', [last._k, last.id]) : null,
    };
  }
}
