import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { Item } from '@app/domain/entities/item.entity';
import { ItemSnapshot, ItemVersion } from '@app/domain/entities/item-version.entity';
import { beijingDate } from '@app/domain/time/beijing-date';
import { ChannelRegistry } from '../channel-registry';
import type { EnqueueRequest } from './delivery-queues.service';
import { DeliveryFanoutRepository, FreezeInput, FreezeSql } from '@app/persistence/delivery/delivery-fanout.repository';

/** What a snapshot needs besides the item: read once, with the approval's other reads. */
export interface SnapshotContext {
  org: { name: string; code: string };
  authorName: string | null;
}

export const unknownChannelAccount = () =>
  AppError.badRequest('UNKNOWN_CHANNEL_ACCOUNT', '目标渠道账号不存在', [{ field: 'targetAccountIds', reason: 'unknown channel account' }]);

/** A version made ready to freeze (FanoutService.plan). */
export interface FreezePlan {
  at: Date;
  snapshot: ItemSnapshot;
  input: FreezeInput;
}

/** What a freeze made: the version, and the jobs to enqueue once the caller's statement committed. */
export interface Frozen {
  version: ItemVersion;
  jobs: EnqueueRequest[];
}

/**
 * Approval (or a revision) freezes an immutable version and creates one delivery per target account,
 * inside the caller's statement (plan, sql, frozen: DeliveryFanoutRepository writes them). It returns
 * the jobs to enqueue; the caller enqueues them only after the statement committed (a job must never
 * point at a row that does not exist).
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
   * Version `currentVersionNo + 1` of the item made ready to freeze at `at`: its snapshot taken and its
   * deliveries' due time set. The caller writes it inside its own statement (`sql`) and reads the
   * outcome back (`frozen`), so an approval is one round trip.
   */
  async plan(em: EntityManager, item: Item, actorId: string, at: Date, skipAccountIds: Set<string>, known?: SnapshotContext): Promise<FreezePlan> {
    const versionNo = item.currentVersionNo + 1;
    const snapshot = await this.snapshot(em, item, versionNo, at, known);
    const dueAt = item.publishAt && item.publishAt > at ? item.publishAt : at;
    return {
      at,
      snapshot,
      input: {
        itemId: item.id,
        versionNo,
        organisationId: item.organisationId,
        snapshot,
        actorId,
        dueAt,
        accountIds: [...new Set(item.targetAccountIds)],
        knownTypes: this.registry.types(),
        skipAccountIds: [...skipAccountIds],
      },
    };
  }

  /**
   * The freeze's CTEs for the caller's statement (DeliveryFanoutRepository.freezeSql): the caller guards
   * its own writes with `ok`, so a missing target account writes nothing at all.
   */
  sql(plan: FreezePlan, params: unknown[], guard: string): FreezeSql {
    return this.deliveries.freezeSql(plan.input, params, guard);
  }

  /**
   * What the statement froze: null when its guard failed (nothing written). Refuses
   * (unknownChannelAccount) when a target account is missing or of a channel this build does not know.
   */
  frozen(plan: FreezePlan, row: Record<string, any>): Frozen | null {
    if (row.accounts_ok === false) throw unknownChannelAccount();
    const f = this.deliveries.frozen(row);
    if (!f) return null;
    const { input, snapshot, at } = plan;
    const version = Object.assign(new ItemVersion(), {
      id: f.versionId,
      itemId: input.itemId,
      versionNo: input.versionNo,
      snapshot,
      createdBy: input.actorId,
      createdAt: f.createdAt,
    });
    const runAt = input.dueAt > at ? input.dueAt : null;
    return { version, jobs: f.deliveries.map((d) => ({ deliveryId: d.id, channelType: d.channelType, accountId: d.channelAccountId, runAt })) };
  }
}
