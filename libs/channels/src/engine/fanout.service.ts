import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import { Delivery } from '@app/domain/entities/delivery.entity';
import { Item } from '@app/domain/entities/item.entity';
import { ItemSnapshot, ItemVersion } from '@app/domain/entities/item-version.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { User } from '@app/domain/entities/user.entity';
import { beijingDate } from '@app/domain/time/beijing-date';
import { ChannelRegistry } from '../channel-registry';
import type { EnqueueRequest } from './delivery-queues.service';

/**
 * Approval (or a revision) freezes an immutable version and creates one delivery per target account,
 * inside the caller's transaction. It returns the jobs to enqueue; the caller enqueues them only after
 * the transaction committed (a job must never point at a row that does not exist).
 */
@Injectable()
export class FanoutService {
  constructor(private readonly registry: ChannelRegistry) {}

  async snapshot(em: EntityManager, item: Item, versionNo: number, at: Date): Promise<ItemSnapshot> {
    const org = await em.getRepository(Organisation).findOneByOrFail({ id: item.organisationId });
    const author = await em.getRepository(User).findOneBy({ id: item.authorId });
    return {
      itemId: item.id,
      versionNo,
      organisationId: item.organisationId,
      organisationName: org.name,
      organisationCode: org.code,
      title: item.title,
      bodyHtml: item.bodyHtml,
      summary: item.summary,
      indexNo: item.indexNo,
      docNo: item.docNo,
      issuingBody: item.issuingBody,
      writtenDate: item.writtenDate,
      publishDate: item.publishDate ?? beijingDate(item.publishAt && item.publishAt > at ? item.publishAt : at),
      category: item.category,
      disclosureAttr: item.disclosureAttr,
      validity: item.validity,
      repealedDate: item.repealedDate,
      kind: item.kind,
      policyItemId: item.policyItemId,
      attachments: item.attachments ?? [],
      channelOverrides: item.channelOverrides ?? {},
      authorName: author?.displayName ?? '',
      approvedAt: at.toISOString(),
    };
  }

  /** Freezes version N+1 and creates its deliveries. */
  async freezeAndFanOut(em: EntityManager, item: Item, actorId: string, at = new Date(), skipAccountIds: Set<string> = new Set()): Promise<{ version: ItemVersion; jobs: EnqueueRequest[] }> {
    const versionNo = item.currentVersionNo + 1;
    const snapshot = await this.snapshot(em, item, versionNo, at);
    const version = await em.getRepository(ItemVersion).save(em.getRepository(ItemVersion).create({ itemId: item.id, versionNo, snapshot, createdBy: actorId }));
    await em.getRepository(Item).update({ id: item.id }, { currentVersionNo: versionNo });
    item.currentVersionNo = versionNo;

    const accounts = item.targetAccountIds.length
      ? await em.getRepository(ChannelAccount).createQueryBuilder('a').where('a.id IN (:...ids)', { ids: item.targetAccountIds }).getMany()
      : [];
    if (accounts.length !== new Set(item.targetAccountIds).size) {
      throw AppError.badRequest('UNKNOWN_CHANNEL_ACCOUNT', '目标渠道账号不存在', [{ field: 'targetAccountIds', reason: 'unknown channel account' }]);
    }
    const dueAt = item.publishAt && item.publishAt > at ? item.publishAt : at;
    const rows = accounts.filter((a) => !skipAccountIds.has(a.id)).map((a) => {
      this.registry.get(a.channelType);
      return em.getRepository(Delivery).create({
        itemId: item.id,
        itemVersionId: version.id,
        versionNo,
        channelAccountId: a.id,
        channelType: a.channelType,
        organisationId: item.organisationId,
        state: 'pending',
        dueAt,
      });
    });
    const saved = rows.length ? await em.getRepository(Delivery).save(rows, { chunk: 500 }) : [];
    return {
      version,
      jobs: saved.map((d) => ({ deliveryId: d.id, channelType: d.channelType, accountId: d.channelAccountId, runAt: dueAt > at ? dueAt : null })),
    };
  }
}
