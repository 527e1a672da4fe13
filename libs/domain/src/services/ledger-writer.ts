import { EntityManager } from 'typeorm';
import type { ItemSnapshot } from '../entities/item-version.entity';
import { PublicationRecord } from '../entities/publication-record.entity';
import { Item } from '../entities/item.entity';
import { beijingDate } from '../time/beijing-date';

export interface LedgerEntry {
  deliveryId: string | null;
  itemVersionId: string | null;
  snapshot: ItemSnapshot;
  channelType: string;
  channelAccountId: string | null;
  publishedAt: Date;
  externalUrl: string | null;
  manual?: boolean;
}

/**
 * Appends one publication to the ledger. Call it inside the transaction that marks the delivery
 * published: the ledger and the delivery state can never disagree. Also moves the item to
 * `published` and sets its 发布日期 (Beijing date) on its first publication.
 */
export async function recordPublication(em: EntityManager, e: LedgerEntry): Promise<void> {
  const s = e.snapshot;
  await em.getRepository(PublicationRecord).insert({
    deliveryId: e.deliveryId,
    itemId: s.itemId,
    itemVersionId: e.itemVersionId,
    versionNo: s.versionNo,
    organisationId: s.organisationId,
    channelType: e.channelType,
    channelAccountId: e.channelAccountId,
    publishedAt: e.publishedAt,
    kind: s.kind,
    category: s.category,
    isNormative: s.kind === 'normative',
    isInterpretation: s.kind === 'interpretation',
    isResponse: s.kind === 'response',
    externalUrl: e.externalUrl,
    manual: e.manual ?? false,
    disclosureAttr: s.disclosureAttr ?? '主动公开',
  });
  await em
    .createQueryBuilder()
    .update(Item)
    .set({ status: 'published', publishDate: () => `COALESCE(publish_date, '${beijingDate(e.publishedAt)}'::date)` })
    .where('id = :id AND status IN (:...st)', { id: s.itemId, st: ['approved', 'published'] })
    .execute();
}
