import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '@app/common/errors/app-error';
import { Item } from '@app/domain/entities/item.entity';
import { ItemSnapshot, ItemVersion } from '@app/domain/entities/item-version.entity';
import { beijingDate } from '@app/domain/time/beijing-date';
import { ChannelRegistry } from '../channel-registry';
import type { EnqueueRequest } from './delivery-queues.service';

/** What a snapshot needs besides the item: read once, with the approval's other reads. */
export interface SnapshotContext {
  org: { name: string; code: string };
  authorName: string | null;
}

export const unknownChannelAccount = () =>
  AppError.badRequest('UNKNOWN_CHANNEL_ACCOUNT', '目标渠道账号不存在', [{ field: 'targetAccountIds', reason: 'unknown channel account' }]);

/** A freeze to embed in a statement (see FanoutService.freezePlan). */
export interface FreezePlan {
  ctes: string;
  columns: string;
  /**
   * An SQL condition that holds when every target account exists and has a channel this build knows.
   * A caller writing outside a transaction makes its write depend on it (`result` can only refuse
   * after the statement has run) and refuses with `unknownChannelAccount` when it did not hold.
   */
  precondition: string;
  result(row: any): { version: ItemVersion; jobs: EnqueueRequest[] };
}

/**
 * Approval (or a revision) freezes an immutable version and creates one delivery per target account,
 * in the caller's statement (freezePlan). It returns the jobs to enqueue; the caller enqueues them only after
 * the transaction committed (a job must never point at a row that does not exist).
 */
@Injectable()
export class FanoutService {
  constructor(private readonly registry: ChannelRegistry) {}

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
    const rows = await em.query(
      `SELECT o.name, o.code, (SELECT display_name FROM users WHERE id = $2) AS author FROM organisations o WHERE o.id = $1`,
      [item.organisationId, item.authorId],
    );
    if (!rows[0]) throw AppError.notFound('机构', item.organisationId);
    return { org: { name: rows[0].name, code: rows[0].code }, authorName: rows[0].author ?? null };
  }

  /**
   * The freeze as parts of a statement, its parameters appended to `params`: `ctes` (fv: the version,
   * fa: the accounts, fd: the deliveries) and the output `columns`, whose row `result` turns into the
   * version and the jobs to enqueue.
   */
  async freezePlan(
    em: EntityManager,
    item: Item,
    actorId: string,
    at: Date,
    skipAccountIds: Set<string>,
    params: unknown[],
    known?: SnapshotContext,
    /** An SQL condition the version is frozen under (e.g. that the caller's guarded update happened). */
    guard = 'true',
  ): Promise<FreezePlan> {
    const versionNo = item.currentVersionNo + 1;
    const snapshot = await this.snapshot(em, item, versionNo, at, known);
    const ids = [...new Set(item.targetAccountIds)];
    const dueAt = item.publishAt && item.publishAt > at ? item.publishAt : at;
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const [itemId, no, org, due] = [p(item.id), p(versionNo), p(item.organisationId), p(dueAt)];
    const [accountIds, types, count] = [p(ids), p(this.registry.types()), p(ids.length)];
    const precondition = `(SELECT count(*) FROM channel_accounts WHERE id = ANY(${accountIds}::uuid[]) AND channel_type = ANY(${types}::text[])) = ${count}::int`;
    const ctes = `
       fv AS (
         INSERT INTO item_versions (item_id, version_no, snapshot, created_by)
         SELECT ${itemId}::uuid, ${no}::int, ${p(JSON.stringify(snapshot))}::jsonb, ${p(actorId)}::uuid WHERE ${guard} RETURNING id, created_at),
       fa AS (SELECT id, channel_type FROM channel_accounts WHERE id = ANY(${accountIds}::uuid[])),
       fd AS (
         INSERT INTO deliveries (item_id, item_version_id, version_no, channel_account_id, channel_type, organisation_id, state, due_at)
         SELECT ${itemId}::uuid, fv.id, ${no}::int, fa.id, fa.channel_type, ${org}::uuid, 'pending', ${due}::timestamptz
           FROM fv, fa WHERE NOT (fa.id = ANY(${p([...skipAccountIds])}::uuid[])) ORDER BY fa.id
         RETURNING id, channel_account_id, channel_type)`;
    const columns = `
       (SELECT id FROM fv) AS freeze_version_id, (SELECT created_at FROM fv) AS freeze_version_at,
       (SELECT count(*)::int FROM fa) AS freeze_accounts,
       (SELECT json_agg(json_build_object('id', fd.id, 'channel_account_id', fd.channel_account_id, 'channel_type', fd.channel_type)) FROM fd) AS freeze_deliveries`;
    const result = (r: { freeze_version_id: string; freeze_version_at: Date; freeze_accounts: number; freeze_deliveries: { id: string; channel_account_id: string; channel_type: string }[] | null }) => {
      if (r.freeze_accounts !== ids.length) throw unknownChannelAccount();
      const saved = r.freeze_deliveries ?? [];
      // a delivery of a channel type this build does not know would never be picked up: refuse it here
      for (const d of saved) this.registry.get(d.channel_type);
      const version = Object.assign(new ItemVersion(), { id: r.freeze_version_id, itemId: item.id, versionNo, snapshot, createdBy: actorId, createdAt: new Date(r.freeze_version_at) });
      item.currentVersionNo = versionNo;
      return {
        version,
        jobs: saved.map((d) => ({ deliveryId: d.id, channelType: d.channel_type, accountId: d.channel_account_id, runAt: dueAt > at ? dueAt : null })),
      };
    };
    return { ctes, columns, precondition, result };
  }
}
