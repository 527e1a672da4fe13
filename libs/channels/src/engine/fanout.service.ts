import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { Item } from '@app/domain/entities/item.entity';
import { ItemSnapshot, ItemVersion } from '@app/domain/entities/item-version.entity';
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
    const rows = await em.query(
      `SELECT o.name, o.code, (SELECT display_name FROM users WHERE id = $2) AS author FROM organisations o WHERE o.id = $1`,
      [item.organisationId, item.authorId],
    );
    if (!rows[0]) throw AppError.notFound('机构', item.organisationId);
    const org = { name: rows[0].name as string, code: rows[0].code as string };
    const author = { displayName: (rows[0].author as string | null) ?? '' };
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

  /**
   * Freezes version N+1 and creates its deliveries: a few plain statements (this runs inside every
   * approval, which is the front of the delivery pipeline).
   */
  async freezeAndFanOut(em: EntityManager, item: Item, actorId: string, at = new Date(), skipAccountIds: Set<string> = new Set()): Promise<{ version: ItemVersion; jobs: EnqueueRequest[] }> {
    const versionNo = item.currentVersionNo + 1;
    const snapshot = await this.snapshot(em, item, versionNo, at);
    const v = await em.query(
      `INSERT INTO item_versions (item_id, version_no, snapshot, created_by) VALUES ($1, $2, $3::jsonb, $4) RETURNING id, created_at`,
      [item.id, versionNo, JSON.stringify(snapshot), actorId],
    );
    const version = Object.assign(new ItemVersion(), { id: v[0].id, itemId: item.id, versionNo, snapshot, createdBy: actorId, createdAt: v[0].created_at });
    await em.query(`UPDATE items SET current_version_no = $2 WHERE id = $1`, [item.id, versionNo]);
    item.currentVersionNo = versionNo;

    const ids = [...new Set(item.targetAccountIds)];
    const accounts: { id: string; channel_type: string }[] = ids.length ? await em.query(`SELECT id, channel_type FROM channel_accounts WHERE id = ANY($1::uuid[])`, [ids]) : [];
    if (accounts.length !== ids.length) {
      throw AppError.badRequest('UNKNOWN_CHANNEL_ACCOUNT', '目标渠道账号不存在', [{ field: 'targetAccountIds', reason: 'unknown channel account' }]);
    }
    const dueAt = item.publishAt && item.publishAt > at ? item.publishAt : at;
    const targets = accounts.filter((a) => !skipAccountIds.has(a.id));
    for (const a of targets) this.registry.get(a.channel_type);
    const saved: { id: string; channel_account_id: string; channel_type: string }[] = targets.length
      ? await em.query(
          `INSERT INTO deliveries (item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at)
           SELECT $1, $2, $3, t.id, t.channel_type, $4, 'pending', $5 FROM unnest($6::uuid[], $7::text[]) AS t(id, channel_type)
           RETURNING id, channel_account_id, channel_type`,
          [item.id, version.id, versionNo, item.organisationId, dueAt, targets.map((a) => a.id), targets.map((a) => a.channel_type)],
        )
      : [];
    return {
      version,
      jobs: saved.map((d) => ({ deliveryId: d.id, channelType: d.channel_type, accountId: d.channel_account_id, runAt: dueAt > at ? dueAt : null })),
    };
  }
}
