import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DeliveryList, DeliveryRow } from './delivery-row.types';
import type { ListDeliveriesQuery } from './deliveries.controller';

/** The deliveries list of GET /deliveries: filters, page, newest first, within the given organisations. */
@Injectable()
export class DeliveriesQueryService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async list(orgIds: string[], q: ListDeliveriesQuery): Promise<DeliveryList> {
    const where: string[] = ['d.organisation_id = ANY($1::uuid[])'];
    const params: unknown[] = [orgIds];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.state) add('d.state = ?', q.state);
    if (q.channel) add('d.channel_type = ?', q.channel);
    if (q.account) add('d.channel_account_id = ?', q.account);
    if (q.organisation) add('d.organisation_id = ?', q.organisation);
    if (q.item) add('d.item_id = ?', q.item);
    if (q.from) add('d.updated_at >= ?', q.from);
    if (q.to) add('d.updated_at <= ?', q.to);
    const pageSize = q.pageSize ?? 50;
    const page = q.page ?? 1;
    const total = (await this.ds.query(`SELECT count(*)::int AS n FROM deliveries d WHERE ${where.join(' AND ')}`, params))[0].n;
    const rows: DeliveryRow[] = await this.ds.query(
      `SELECT d.id, d.item_id AS "itemId", i.title AS "itemTitle", d.state, d.channel_type AS "channelType",
              d.channel_account_id AS "channelAccountId", a.name AS "accountName", d.organisation_id AS "organisationId",
              d.version_no AS "versionNo", d.attempts, d.due_at AS "dueAt", d.external_id AS "externalId", d.external_url AS "externalUrl",
              d.last_error_code AS "lastErrorCode", d.last_error_message AS "lastErrorMessage", d.published_at AS "publishedAt", d.updated_at AS "updatedAt"
         FROM deliveries d JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id
        WHERE ${where.join(' AND ')} ORDER BY d.updated_at DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
      params,
    );
    return { deliveries: rows, total, page, pageSize };
  }
}
