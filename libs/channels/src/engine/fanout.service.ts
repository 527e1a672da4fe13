import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { Item } from '@app/domain/entities/item.entity';
import { ItemSnapshot, ItemVersion } from '@app/domain/entities/item-version.entity';
import { beijingDate } from '@app/domain/time/beijing-date';
import { ChannelRegistry } from '../channel-registry';
import type { EnqueueRequest } from './delivery-queues.service';
import { DeliveryFanoutRepository } from '@app/persistence/delivery/delivery-fanout.repository';

/** What a snapshot needs besides the item: read once, with the approval's other reads. */
export interface SnapshotContext {
  org: { name: string; code: string };
  authorName: string | null;
}

export const unknownChannelAccount = () =>
  AppError.badRequest('UNKNOWN_CHANNEL_ACCOUNT', '目标渠道账号不存在', [{ field: 'targetAccountIds', reason: 'unknown channel account' }]);

/** What a freeze made: the version, and the jobs to enqueue once the caller's transaction committed. */
export interface Frozen {
  version: ItemVersion;
  jobs: EnqueueRequest[];
}

/**
 * Approval (or a revision) freezes an immutable version and creates one delivery per target account,
 * inside the caller's transaction (freeze: DeliveryFanoutRepository writes them). It returns the jobs
 * to enqueue; the caller enqueues them only after the transaction committed (a job must never point at
 * a row that does not exist).
 */
@Injectable()
export class FanoutService {
  constructor(
    private readonly registry: ChannelRegistry,
    private readonly deliveries: DeliveryFanoutRepository,
  ) {}

  /**
   * The version as it would be frozen at `at`. `known` carries the organisation and the author's name
   * when the caller has read them already (approval reads them with its other checks).
   */
  async snapshot(em: EntityManager, item: Item, versionNo: number, at: Date, known?: SnapshotContext): Promise<ItemSnapshot> {
    const ctx = known ?? (await this.context(em, item));
    const org = ctx.org;
    const author = { displayName: ctx.authorName ?? '' };
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
      authorName: author.displayName,
      approvedAt: at.toISOString(),
    };
  }

  /** The organisation's name and code and the author's display name, for a snapshot. */
  private async context(em: Pick<EntityManager, 'query'>, item: Pick<Item, 'organisationId' | 'authorId'>): Promise<SnapshotContext> {
    const rows = await em.query(`SELECT o.name, o.code, (SELECT display_name FROM users WHERE id = $2) AS author FROM organisations o WHERE o.id = $1`, [
      item.organisationId,
      item.authorId,
    ]);
    if (!rows[0]) throw AppError.notFound('机构', item.organisationId);
    return { org: { name: rows[0].name, code: rows[0].code }, authorName: rows[0].author ?? null };
  }

  /**
   * Freezes version `currentVersionNo + 1` of the item and creates its deliveries (none for
   * `skipAccountIds`), in the caller's transaction `em`. Refuses (unknownChannelAccount, nothing written)
   * when a target account is missing or of a channel this build does not know; the caller's
   * transaction then rolls back whatever it wrote before.
   */
  async freeze(em: EntityManager, item: Item, actorId: string, at: Date, skipAccountIds: Set<string>, known?: SnapshotContext): Promise<Frozen> {
    const versionNo = item.currentVersionNo + 1;
    const snapshot = await this.snapshot(em, item, versionNo, at, known);
    const dueAt = item.publishAt && item.publishAt > at ? item.publishAt : at;
    const frozen = await this.deliveries.freeze(em, {
      itemId: item.id,
      versionNo,
      organisationId: item.organisationId,
      snapshot,
      actorId,
      dueAt,
      accountIds: [...new Set(item.targetAccountIds)],
      knownTypes: this.registry.types(),
      skipAccountIds: [...skipAccountIds],
    });
    if (!frozen) throw unknownChannelAccount();
    const version = Object.assign(new ItemVersion(), {
      id: frozen.versionId,
      itemId: item.id,
      versionNo,
      snapshot,
      createdBy: actorId,
      createdAt: frozen.createdAt,
    });
    item.currentVersionNo = versionNo;
    return {
      version,
      jobs: frozen.deliveries.map((d) => ({ deliveryId: d.id, channelType: d.channelType, accountId: d.channelAccountId, runAt: dueAt > at ? dueAt : null })),
    };
  }
}
