import type { SelectQueryBuilder } from 'typeorm';
import type { Item } from '@app/domain/entities/item.entity';
import type { ListItemsQuery } from './item.dto';

/** `%text%` for ILIKE, the wildcards of the text taken literally. */
const contains = (text: string) => `%${text.replace(/[%_\\]/g, '\\$&')}%`;

/**
 * The items list's filters (issue 15.3) on a query of `items i`: title / 索引号 / 文号 (q), body text
 * (text: the body without its tags, item_plain_text, trigram-indexed since migration 1732007200000),
 * kind, 主题分类, a channel type or account the item went or is going to (a delivery, or a target of
 * the item not yet approved), and created / published date ranges in Beijing dates (both ends included).
 */
export function applyItemFilters(qb: SelectQueryBuilder<Item>, q: ListItemsQuery): SelectQueryBuilder<Item> {
  if (q.q?.trim()) qb.andWhere('(i.title ILIKE :q OR i.indexNo ILIKE :q OR i.docNo ILIKE :q)', { q: contains(q.q.trim()) });
  if (q.text?.trim()) qb.andWhere('item_plain_text(i.body_html) ILIKE :text', { text: contains(q.text.trim()) });
  if (q.kind) qb.andWhere('i.kind = :kind', { kind: q.kind });
  if (q.category?.trim()) qb.andWhere('i.category = :category', { category: q.category.trim() });
  if (q.channelType) {
    qb.andWhere(
      `(EXISTS (SELECT 1 FROM deliveries d WHERE d.item_id = i.id AND d.channel_type = :channelType)
        OR EXISTS (SELECT 1 FROM channel_accounts ca WHERE ca.id = ANY(i.target_account_ids) AND ca.channel_type = :channelType))`,
      { channelType: q.channelType },
    );
  }
  if (q.accountId) {
    qb.andWhere(
      `(EXISTS (SELECT 1 FROM deliveries d WHERE d.item_id = i.id AND d.channel_account_id = :accountId) OR :accountId = ANY(i.target_account_ids))`,
      {
        accountId: q.accountId,
      },
    );
  }
  // Beijing dates: a day starts at 00:00 Asia/Shanghai whatever the server's zone
  if (q.createdFrom) qb.andWhere(`i.created_at >= (CAST(:createdFrom AS date)::timestamp AT TIME ZONE 'Asia/Shanghai')`, { createdFrom: q.createdFrom });
  if (q.createdTo) qb.andWhere(`i.created_at < ((CAST(:createdTo AS date) + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`, { createdTo: q.createdTo });
  if (q.publishedFrom) qb.andWhere('i.publish_date >= CAST(:publishedFrom AS date)', { publishedFrom: q.publishedFrom });
  if (q.publishedTo) qb.andWhere('i.publish_date <= CAST(:publishedTo AS date)', { publishedTo: q.publishedTo });
  return qb;
}
