import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { isUuid } from '@app/common/ids/is-uuid';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { ItemKind } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { assertItemTransition } from '@app/domain/state/item-state-machine';
import { DEFAULT_REVIEW_POLICY, effectivePolicySql } from '@app/review/review-policy';
import { ReviewPolicyService } from '@app/review/review-policy.service';
import { ROUND_SQL } from '@app/review/review-reads';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { FanoutService } from '@app/channels/engine/fanout.service';
import { PortalUrls } from '@app/channels/engine/portal-urls.service';
import { sanitizeBody } from './body-sanitizer';
import { ComplianceGate } from './compliance-gate.service';
import { CreateItemDto, ListItemsQuery, UpdateItemDto } from './item.dto';
import { applyItemFilters } from './item-search';
import { nextIndexNo } from './index-number';
import { itemContributions, recordContribution } from './item-contributions';
import { accountProblems, disclosureProblems, policyProblems, PUBLIC_DISCLOSURE } from './item-refs';
import { statusLabel } from './item-review.service';
import { assertPublishDate } from './publish-date-guard';
import type { ItemDeliveryRow } from '../deliveries/delivery-row.types';
import type { AccountPreview, AuditEntry, ItemDetail, ItemList, ItemVersionRef, ReviewRow } from './item-reads.types';
import { rolesFor } from '@app/common/auth/permissions';
import { afterSql, decodeCursor, encodeCursor, usOf } from '../http/keyset';
import { capped, offsetOf } from '../http/paging';
import { cappedItemCount, ITEM_KEY } from './item-list-keyset';

const EDITABLE = ['draft', 'rejected', 'published', 'not_published'];

/**
 * Items as editors write them and everybody reads them: create, update (each content change recorded
 * for four eyes), reads, previews. Submission and approval: ItemReviewService (rules in libs/review);
 * rejection: libs/review; withdrawal: ItemWithdrawalService; finding decisions: ItemFindingsService.
 * Every write runs in one transaction with its audit row; status changes follow the item state machine.
 */
@Injectable()
export class ItemsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly gate: ComplianceGate,
    private readonly fanout: FanoutService,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    private readonly portalUrls: PortalUrls,
    private readonly policies: ReviewPolicyService,
  ) {}

  // ---------- reading ----------

  async list(user: AuthUser, q: ListItemsQuery): Promise<ItemList> {
    const pageSize = Math.min(q.pageSize ?? 20, 200);
    const offset = offsetOf(q.page, pageSize, q.cursor);
    const after = decodeCursor(q.cursor, 'u', ['us', 'uuid']);
    const orgIds = await this.scope.scopeOrgIds(user, rolesFor('item.read'));
    if (!orgIds.length) return { items: [], total: 0, totalCapped: false, page: 1, pageSize, nextCursor: null };
    const qb = this.ds.getRepository(Item).createQueryBuilder('i').where('i.organisationId IN (:...orgIds)', { orgIds });
    if (q.organisationId) qb.andWhere('i.organisationId = :org', { org: q.organisationId });
    if (q.status) qb.andWhere('i.status = :status', { status: q.status });
    applyItemFilters(qb, q);
    if (q.view === 'mine') qb.andWhere('i.authorId = :me', { me: user.id });
    if (q.view === 'review') {
      // the items whose next level this user's roles decide (the policy in force for the item's organisation)
      const grants = JSON.stringify(user.roles.map((g) => ({ org: g.organisationId, role: g.role })));
      qb.andWhere('i.status = :sub AND i.authorId <> :me', { sub: 'submitted', me: user.id });
      qb.andWhere(
        `EXISTS (SELECT 1 FROM organisations o CROSS JOIN LATERAL (SELECT COALESCE(${effectivePolicySql('o')}, CAST(:defaultPolicy AS jsonb)) AS p) pol
                  WHERE o.id = i.organisation_id AND EXISTS (SELECT 1 FROM jsonb_to_recordset(CAST(:grants AS jsonb)) g(org uuid, role text)
                    WHERE g.role = pol.p -> LEAST(i.review_level, jsonb_array_length(pol.p) - 1) ->> 'role' AND o.path LIKE '%/' || g.org || '/%'))`,
        { grants, defaultPolicy: JSON.stringify(DEFAULT_REVIEW_POLICY) },
      );
      // not the items where this user already decided a level of the round (someone else decides the next)
      qb.andWhere(
        `NOT EXISTS (SELECT 1 FROM review_decisions rd WHERE rd.item_id = i.id AND rd.reviewer_id = :me AND rd.decision = 'approve' AND rd.round = ${ROUND_SQL})`,
      );
      // not the items this reviewer changed since their last approval (four eyes: someone else reviews them)
      qb.andWhere(
        `NOT EXISTS (SELECT 1 FROM item_contributions c WHERE c.item_id = i.id AND c.base_version = i.current_version_no AND c.user_id = :me AND c.action IN ('create', 'change'))`,
      );
    }
    const count = cappedItemCount(this.ds, qb);
    // newest change first, the id breaking ties: the keyset the cursor holds (indexes of migration 1732009100000)
    if (after) {
      const keys: Record<string, unknown> = {};
      qb.andWhere(
        afterSql(ITEM_KEY, after, 'DESC', (v) => {
          const k = `ck${Object.keys(keys).length}`;
          keys[k] = v;
          return `:${k}`;
        }),
        keys,
      );
    }
    const { entities, raw } = await qb
      .addSelect(usOf('i.updated_at'), 'i__k')
      .orderBy('i.updatedAt', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .offset(offset)
      .limit(pageSize + 1)
      .getRawAndEntities<{ i__k: string; i_id: string }>();
    const items = entities.slice(0, pageSize);
    const last = items[items.length - 1];
    const lastKey = last && raw.find((r) => r.i_id === last.id)?.i__k;
    return {
      items,
      ...capped(await count),
      page: q.page ?? 1,
      pageSize,
      nextCursor: entities.length > pageSize && lastKey ? encodeCursor('u', [lastKey, last.id]) : null,
    };
  }

  async getVisible(user: AuthUser, id: string): Promise<Item> {
    const item = await this.find(id);
    await this.scope.assertRole(user, item.organisationId, rolesFor('item.read'));
    return item;
  }

  async detail(user: AuthUser, id: string): Promise<ItemDetail> {
    const item = await this.getVisible(user, id);
    const [findings, reviews, deliveries, versions, contributions] = await Promise.all([
      this.ds.getRepository(ComplianceFinding).find({ where: { itemId: id }, order: { field: 'ASC', start: 'ASC' } }),
      this.reviewRows(id),
      this.deliveryRows(id),
      this.ds.query<ItemVersionRef[]>(
        `SELECT id, version_no AS "versionNo", created_at AS "createdAt", created_by AS "createdBy" FROM item_versions WHERE item_id = $1 ORDER BY version_no`,
        [id],
      ),
      itemContributions(this.ds.manager, id),
    ]);
    const { levels } = await this.policies.inForce(this.ds.manager, await this.scope.getOrg(item.organisationId));
    return { ...item, findings, reviews, deliveries, versions, contributions, reviewPolicy: levels, reviewLevelsRequired: levels.length };
  }

  /** The item's review decisions, each with its reviewer's name and the level's label as decided. */
  private reviewRows(id: string): Promise<ReviewRow[]> {
    return this.ds.query(
      `SELECT rd.id, rd.item_id AS "itemId", rd.round, rd.level, rd.level_label AS "levelLabel", rd.reviewer_id AS "reviewerId", u.display_name AS "reviewerName",
              rd.decision, rd.reason, rd.secrecy_conclusion AS "secrecyConclusion", rd.changes, rd.created_at AS "createdAt"
         FROM review_decisions rd LEFT JOIN users u ON u.id = rd.reviewer_id WHERE rd.item_id = $1 ORDER BY rd.created_at, rd.level`,
      [id],
    );
  }

  async auditTrail(user: AuthUser, id: string): Promise<AuditEntry[]> {
    await this.getVisible(user, id);
    return this.ds.query(
      `SELECT a.id, a.action, a.actor_id AS "actorId", u.username AS "actorName", a.details, a.at
         FROM audit_logs a LEFT JOIN users u ON u.id = a.actor_id WHERE a.item_id = $1 ORDER BY a.id`,
      [id],
    );
  }

  private async find(id: string, em: EntityManager = this.ds.manager, lock = false): Promise<Item> {
    if (!isUuid(id)) throw AppError.notFound('信息', id);
    const qb = em.getRepository(Item).createQueryBuilder('i').where('i.id = :id', { id });
    if (lock) qb.setLock('pessimistic_write');
    const item = await qb.getOne();
    if (!item) throw AppError.notFound('信息', id);
    return item;
  }

  // ---------- writing ----------

  async create(user: AuthUser, dto: CreateItemDto) {
    const org = await this.scope.assertRole(user, dto.organisationId, rolesFor('item.create'));
    const result = await this.ds.transaction(async (em) => {
      await this.checkRefs(em, org, dto);
      const item = em.getRepository(Item).create({
        organisationId: org.id,
        authorId: user.id,
        status: 'draft',
        title: dto.title.trim(),
        bodyHtml: sanitizeBody(dto.bodyHtml ?? ''),
        summary: dto.summary ?? '',
        indexNo: await nextIndexNo(em, org, new Date()),
        docNo: dto.docNo ?? null,
        issuingBody: dto.issuingBody ?? org.name,
        writtenDate: dto.writtenDate ?? null,
        category: dto.category ?? '其他',
        disclosureAttr: dto.disclosureAttr ?? '主动公开',
        validity: dto.validity ?? '有效',
        repealedDate: dto.repealedDate ?? null,
        kind: dto.kind as ItemKind,
        policyItemId: dto.policyItemId ?? null,
        attachments: dto.attachments ?? [],
        targetAccountIds: [...new Set(dto.targetAccountIds ?? [])],
        channelOverrides: dto.channelOverrides ?? {},
        publishAt: dto.publishAt ? new Date(dto.publishAt) : null,
      });
      await em.getRepository(Item).save(item);
      const findings = await this.gate.refresh(em, item);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'item.create',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: org.id,
        details: { title: item.title, indexNo: item.indexNo },
      });
      await recordContribution(em, { itemId: item.id, baseVersion: 0, userId: user.id, action: 'create' });
      return { ...item, findings };
    });
    return result;
  }

  async update(user: AuthUser, id: string, dto: UpdateItemDto) {
    return this.ds.transaction(async (em) => {
      const item = await this.find(id, em, true);
      const org = await this.scope.assertRole(user, item.organisationId, rolesFor('item.edit'));
      if (!EDITABLE.includes(item.status)) {
        throw AppError.conflict('ITEM_NOT_EDITABLE', `信息当前状态为「${statusLabel(item.status)}」，不能修改`, [{ field: 'status', reason: item.status }]);
      }
      await this.checkRefs(em, org, dto, item);
      if (dto.publishDate != null && dto.publishDate !== item.publishDate) await assertPublishDate(em, item.id, dto.publishDate);
      const publishDateBefore = item.publishDate;
      const changed: string[] = [];
      const set = <K extends keyof Item>(k: K, v: Item[K] | undefined) => {
        if (v === undefined) return;
        if (JSON.stringify(item[k]) !== JSON.stringify(v)) changed.push(String(k));
        item[k] = v;
      };
      set('title', dto.title?.trim());
      set('bodyHtml', dto.bodyHtml === undefined ? undefined : sanitizeBody(dto.bodyHtml));
      set('summary', dto.summary);
      set('docNo', dto.docNo);
      set('issuingBody', dto.issuingBody);
      set('writtenDate', dto.writtenDate);
      set('category', dto.category);
      set('disclosureAttr', dto.disclosureAttr);
      set('validity', dto.validity);
      set('repealedDate', dto.repealedDate);
      set('kind', dto.kind as ItemKind | undefined);
      set('policyItemId', dto.policyItemId);
      set('attachments', dto.attachments);
      set('targetAccountIds', dto.targetAccountIds ? [...new Set(dto.targetAccountIds)] : undefined);
      set('channelOverrides', dto.channelOverrides);
      if (dto.publishAt !== undefined) set('publishAt', dto.publishAt ? new Date(dto.publishAt) : null);
      set('publishDate', dto.publishDate ?? undefined);
      const wasPublished = item.status === 'published';
      if (item.status !== 'draft') {
        assertItemTransition(item.status, 'draft');
        item.status = 'draft';
      }
      item.reviewLevel = 0;
      await em.getRepository(Item).save(item);
      const findings = await this.gate.refresh(em, item);
      await this.audit.record(em, {
        actorId: user.id,
        action: wasPublished ? 'item.revise' : 'item.update',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
        details: changed.includes('publishDate') ? { changed, publishDate: { before: publishDateBefore, after: item.publishDate } } : { changed },
      });
      if (changed.length)
        await recordContribution(em, { itemId: item.id, baseVersion: item.currentVersionNo, userId: user.id, action: 'change', fields: changed });
      return { ...item, findings };
    });
  }

  /**
   * The references and rules a save must satisfy, on the item as it would be saved (`current`: the
   * row before the change): only 主动公开 items aim at channels; target accounts are the
   * organisation's or an ancestor's; the policy an interpretation points at is in the same line of
   * organisations. Refused as a whole before anything is written.
   */
  private async checkRefs(em: EntityManager, org: Organisation, dto: Partial<CreateItemDto>, current?: Item) {
    const problems: FieldProblem[] = disclosureProblems(
      dto.disclosureAttr ?? current?.disclosureAttr ?? PUBLIC_DISCLOSURE,
      dto.targetAccountIds ?? current?.targetAccountIds ?? [],
    );
    if (dto.targetAccountIds?.length) problems.push(...(await accountProblems(em, this.registry, org, dto.targetAccountIds, 'targetAccountIds')));
    // each channel's declared per-item fields: a draft may be unfinished, so only the kind of each value here (all of it at submit)
    if (dto.channelOverrides) problems.push(...this.registry.overrideProblems(dto.channelOverrides, { shapeOnly: true }));
    if (dto.policyItemId) problems.push(...(await policyProblems(em, org, dto.policyItemId, current?.id)));
    if (dto.repealedDate && dto.writtenDate && dto.repealedDate < dto.writtenDate)
      problems.push({ field: 'repealedDate', reason: 'must not precede writtenDate' });
    if (problems.length) throw AppError.validation(problems);
  }

  /**
   * Per-channel previews of the item as it would be frozen now, from each adapter's own renderer
   * (the same code the delivery uses), with each channel's submit-time problems.
   */
  async previews(user: AuthUser, id: string, accountIds?: string[]): Promise<AccountPreview[]> {
    const item = await this.getVisible(user, id);
    const snapshot = await this.fanout.snapshot(this.ds.manager, item, item.currentVersionNo + 1, new Date());
    const ids = [...new Set(accountIds?.length ? accountIds : item.targetAccountIds)];
    // Only accounts the item could target: another organisation's is refused like an unknown id.
    const problems = await accountProblems(this.ds.manager, this.registry, await this.scope.getOrg(item.organisationId), ids, 'accounts');
    if (problems.length) throw AppError.validation(problems);
    const out: AccountPreview[] = [];
    for (const accountId of ids) {
      const { row, account } = await this.accounts.load(accountId);
      const adapter = this.registry.get(row.channelType);
      const portalUrl = await this.portalUrls.urlFor(item.id, item.organisationId);
      let preview: AccountPreview['preview'];
      try {
        preview = await adapter.preview(snapshot, account, portalUrl);
      } catch (e) {
        preview = { channelType: row.channelType, problems: [{ field: 'preview', reason: (e as Error).message }] };
      }
      out.push({ accountId, accountName: row.name, channelType: row.channelType, label: adapter.capabilities.label, preview });
    }
    return out;
  }

  async deliveries(user: AuthUser, id: string): Promise<ItemDeliveryRow[]> {
    await this.getVisible(user, id);
    return this.deliveryRows(id);
  }

  /** The rows every role that may see the item may see: not the engine's checkpoint, lease or schedule. */
  private deliveryRows(id: string): Promise<ItemDeliveryRow[]> {
    return this.ds.query(
      `SELECT d.id, d.state, d.channel_type AS "channelType", d.channel_account_id AS "channelAccountId", a.name AS "accountName",
              d.version_no AS "versionNo", d.attempts, d.due_at AS "dueAt", d.external_id AS "externalId", d.external_url AS "externalUrl",
              d.last_error_code AS "lastErrorCode", d.last_error_message AS "lastErrorMessage", d.published_at AS "publishedAt", d.updated_at AS "updatedAt"
         FROM deliveries d JOIN channel_accounts a ON a.id = d.channel_account_id WHERE d.item_id = $1 ORDER BY d.version_no, a.name`,
      [id],
    );
  }
}
