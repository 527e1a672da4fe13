import type { EntityManager } from 'typeorm';
import type { ItemSnapshot } from '@app/domain/entities/item-version.entity';
import { Item } from '@app/domain/entities/item.entity';
import { PublicationRecord } from '@app/domain/entities/publication-record.entity';
import { beijingDate } from '@app/domain/time/beijing-date';

export interface LedgerEntry {
  deliveryId: string | null;
  itemVersionId: string | null;
  snapshot: ItemSnapshot;
  channelType: string;
  channelAccountId: string | null;
  /** The channel adapter's `capabilities.reportRow` and `capabilities.newMedia`, copied onto the row. */
  reportRow: string;
  newMedia: boolean;
  publishedAt: Date;
  externalUrl: string | null;
  manual?: boolean;
  /** Brought in from an old site (site import): the drill-down marks it 已导入. */
  imported?: boolean;
}

/**
 * Appends one publication to the ledger without a delivery state change: the ledger row and the item
 * published (its 发布日期 set on its first publication). Deliveries are published by
 * DeliveryStateRepository.markPublished / publishMany, whose rows equal these
 * (test/engine/engine-sql.int-spec.ts); this is for rows that have no delivery to move (fixtures,
 * imports of publications made elsewhere). Call it inside a transaction.
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
    imported: e.imported ?? false,
    reportRow: e.reportRow,
    newMedia: e.newMedia,
    disclosureAttr: s.disclosureAttr ?? '主动公开',
  });
  await em
    .createQueryBuilder()
    .update(Item)
    .set({ status: 'published', publishDate: () => `COALESCE(publish_date, '${beijingDate(e.publishedAt)}'::date)` })
    .where('id = :id AND status IN (:...st)', { id: s.itemId, st: ['approved', 'published'] })
    .execute();
}
