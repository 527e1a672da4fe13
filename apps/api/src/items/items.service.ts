import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { isUuid } from '@app/common/ids/is-uuid';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { ReviewDecision } from '@app/domain/entities/review-decision.entity';
import { ItemKind, Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { returning } from '@app/domain/services/sql';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { DeliveryQueues, EnqueueRequest } from '@app/channels/engine/delivery-queues.service';
import { FanoutService } from '@app/channels/engine/fanout.service';
import { PortalUrls } from '@app/channels/engine/portal-urls.service';
import { sanitizeBody } from './body-sanitizer';
import { ComplianceGate } from './compliance-gate.service';
import { CreateItemDto, FindingDecisionDto, ListItemsQuery, UpdateItemDto, WithdrawDto } from './item.dto';
import { nextIndexNo } from './index-number';
import { itemContributions, recordContribution } from './item-contributions';
import { accountProblems, disclosureProblems, policyProblems, PUBLIC_DISCLOSURE } from './item-refs';
import { statusLabel } from './item-review.service';
import type { ItemDeliveryRow } from '../deliveries/delivery-row.types';
import type { AccountPreview, AuditEntry, ItemDetail, ItemList, ItemVersionRef } from './item-reads.types';

const EDITABLE = ['draft', 'rejected', 'published'];

/**
 * Items as editors write them and everybody reads them: create, update (each content change recorded
 * for four eyes), withdrawal, finding decisions, previews. The review transitions (submit, approve,
 * reject) are in ItemReviewService. Every write runs in one transaction with its audit row.
 */
@Injectable()
export class ItemsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly gate: ComplianceGate,
    private readonly fanout: FanoutService,
    private readonly queues: DeliveryQueues,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
    private readonly portalUrls: PortalUrls,
  ) {}

  // ---------- reading ----------

  async list(user: AuthUser, q: ListItemsQuery): Promise<ItemList> {
    const orgIds = await this.scope.scopeOrgIds(user, ['editor', 'reviewer', 'operator', 'statistician', 'admin']);
    if (!orgIds.length) return { items: [], total: 0, page: 1, pageSize: 20 };
    const page = q.page ?? 1;
    const pageSize = Math.min(q.pageSize ?? 20, 200);
    const qb = this.ds.getRepository(Item).createQueryBuilder('i').where('i.organisationId IN (:...orgIds)', { orgIds });
    if (q.organisationId) qb.andWhere('i.organisationId = :org', { org: q.organisationId });
    if (q.status) qb.andWhere('i.status = :status', { status: q.status });
    if (q.q) qb.andWhere('(i.title ILIKE :q OR i.indexNo ILIKE :q OR i.docNo ILIKE :q)', { q: `%${q.q.replace(/[%_\\]/g, '\\$&')}%` });
    if (q.view === 'mine') qb.andWhere('i.authorId = :me', { me: user.id });
    if (q.view === 'review') {
      const revOrgs = await this.scope.scopeOrgIds(user, ['reviewer']);
      qb.andWhere('i.status = :sub AND i.authorId <> :me AND i.organisationId IN (:...revOrgs)', { sub: 'submitted', me: user.id, revOrgs: revOrgs.length ? revOrgs : ['00000000-0000-0000-0000-000000000000'] });
      // not the items this reviewer changed since their last approval (four eyes: someone else reviews them)
      qb.andWhere(`NOT EXISTS (SELECT 1 FROM item_contributions c WHERE c.item_id = i.id AND c.base_version = i.current_version_no AND c.user_id = :me AND c.action IN ('create', 'change'))`);
    }
    const [items, total] = await qb.orderBy('i.updatedAt', 'DESC').skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
    return { items, total, page, pageSize };
  }

  async getVisible(user: AuthUser, id: string): Promise<Item> {
    const item = await this.find(id);
    await this.scope.assertRole(user, item.organisationId, ['editor', 'reviewer', 'operator', 'statistician', 'admin']);
    return item;
  }

  async detail(user: AuthUser, id: string): Promise<ItemDetail> {
    const item = await this.getVisible(user, id);
    const [findings, reviews, deliveries, versions, contributions] = await Promise.all([
      this.ds.getRepository(ComplianceFinding).find({ where: { itemId: id }, order: { field: 'ASC', start: 'ASC' } }),
      this.ds.getRepository(ReviewDecision).find({ where: { itemId: id }, order: { createdAt: 'ASC' } }),
      this.deliveryRows(id),
      this.ds.query<ItemVersionRef[]>(`SELECT id, version_no AS "versionNo", created_at AS "createdAt", created_by AS "createdBy" FROM item_versions WHERE item_id = $1 ORDER BY version_no`, [id]),
      itemContributions(this.ds.manager, id),
    ]);
    const org = await this.scope.getOrg(item.organisationId);
    return { ...item, findings, reviews, deliveries, versions, contributions, reviewLevelsRequired: org.reviewLevels };
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
    const org = await this.scope.assertRole(user, dto.organisationId, ['editor']);
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
      await this.audit.record(em, { actorId: user.id, action: 'item.create', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: org.id, details: { title: item.title, indexNo: item.indexNo } });
      await recordContribution(em, { itemId: item.id, baseVersion: 0, userId: user.id, action: 'create' });
      return { ...item, findings };
    });
    return result;
  }

  async update(user: AuthUser, id: string, dto: UpdateItemDto) {
    return this.ds.transaction(async (em) => {
      const item = await this.find(id, em, true);
      const org = await this.scope.assertRole(user, item.organisationId, ['editor']);
      if (!EDITABLE.includes(item.status)) {
        throw AppError.conflict('ITEM_NOT_EDITABLE', `信息当前状态为「${statusLabel(item.status)}」，不能修改`, [{ field: 'status', reason: item.status }]);
      }
      await this.checkRefs(em, org, dto, item);
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
      const wasPublished = item.status === 'published';
      if (item.status === 'rejected' || wasPublished) item.status = 'draft';
      item.reviewLevel = 0;
      await em.getRepository(Item).save(item);
      const findings = await this.gate.refresh(em, item);
      await this.audit.record(em, { actorId: user.id, action: wasPublished ? 'item.revise' : 'item.update', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: item.organisationId, details: { changed } });
      if (changed.length) await recordContribution(em, { itemId: item.id, baseVersion: item.currentVersionNo, userId: user.id, action: 'change', fields: changed });
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
    const problems: FieldProblem[] = disclosureProblems(dto.disclosureAttr ?? current?.disclosureAttr ?? PUBLIC_DISCLOSURE, dto.targetAccountIds ?? current?.targetAccountIds ?? []);
    if (dto.targetAccountIds?.length) problems.push(...(await accountProblems(em, this.registry, org, dto.targetAccountIds, 'targetAccountIds')));
    if (dto.policyItemId) problems.push(...(await policyProblems(em, org, dto.policyItemId, current?.id)));
    if (dto.repealedDate && dto.writtenDate && dto.repealedDate < dto.writtenDate) problems.push({ field: 'repealedDate', reason: 'must not precede writtenDate' });
    if (problems.length) throw AppError.validation(problems);
  }

  /**
   * Withdrawal: published deliveries go `withdrawing` (their channels take them back), not-yet-sent
   * ones are cancelled. The ledger keeps what was published.
   */
  async withdraw(user: AuthUser, id: string, dto: WithdrawDto) {
    let jobs: EnqueueRequest[] = [];
    const result = await this.ds.transaction(async (em) => {
      const item = await this.find(id, em, true);
      await this.scope.assertRole(user, item.organisationId, ['reviewer', 'admin', 'operator']);
      if (item.status !== 'published' && item.status !== 'approved') {
        throw AppError.conflict('INVALID_TRANSITION', `信息当前状态为「${statusLabel(item.status)}」，不能撤回（只有已审核或已发布的信息可以撤回）`, [{ field: 'status', reason: item.status }]);
      }
      const cancelled = await returning(
        em,
        `UPDATE deliveries SET state = 'cancelled', last_error_message = $2, updated_at = now()
          WHERE item_id = $1 AND state IN ('pending','awaiting_issue') RETURNING id`,
        [item.id, `信息已撤回：${dto.reason}`],
      );
      const withdrawing = await returning<{ id: string; channel_type: string }>(
        em,
        `UPDATE deliveries SET state = 'withdrawing', checkpoint = checkpoint || jsonb_build_object('withdrawReason', $2::text), updated_at = now()
          WHERE item_id = $1 AND state IN ('published','awaiting_confirmation','processing','unconfirmed') RETURNING id, channel_type`,
        [item.id, dto.reason],
      );
      for (const d of [...cancelled, ...withdrawing]) {
        await em.query(`INSERT INTO delivery_events (delivery_id, kind, to_state, message, actor_id) VALUES ($1, 'state', $2, $3, $4)`, [
          d.id,
          withdrawing.includes(d) ? 'withdrawing' : 'cancelled',
          dto.reason,
          user.id,
        ]);
      }
      jobs = withdrawing.map((d) => ({ deliveryId: d.id, channelType: d.channel_type, op: 'withdraw' as const }));
      item.status = 'withdrawn';
      await em.getRepository(Item).save(item);
      await this.audit.record(em, { actorId: user.id, action: 'item.withdraw', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: item.organisationId, details: { reason: dto.reason, withdrawing: withdrawing.length, cancelled: cancelled.length } });
      return item;
    });
    if (jobs.length) await this.queues.enqueue(jobs);
    return result;
  }

  async decideFinding(user: AuthUser, itemId: string, findingId: string, dto: FindingDecisionDto) {
    return this.ds.transaction(async (em) => {
      const item = await this.find(itemId, em, true);
      const roles: Role[] = dto.decision === 'redact' ? ['reviewer', 'editor'] : ['reviewer'];
      await this.scope.assertRole(user, item.organisationId, roles);
      const f = await em.getRepository(ComplianceFinding).findOneBy({ id: findingId, itemId });
      if (!f) throw AppError.notFound('审查发现', findingId);
      if (f.severity === 'block') throw AppError.conflict('BLOCKING_NOT_OVERRIDABLE', '密级标志不可保留，只能修改原文后重新提交');
      if (dto.decision === 'keep') {
        if (!dto.reason?.trim()) throw AppError.validation([{ field: 'reason', reason: '保留时必须说明理由' }]);
        if (item.authorId === user.id) throw AppError.forbidden('SELF_REVIEW', '不能对自己撰写的信息作保留决定');
      } else {
        await this.gate.redact(em, item, f, user.id, dto.reason ?? null);
        await recordContribution(em, { itemId: item.id, baseVersion: item.currentVersionNo, userId: user.id, action: 'redact', fields: [f.field] });
      }
      await em.getRepository(ComplianceFinding).update({ id: f.id }, { status: dto.decision === 'keep' ? 'kept' : 'redacted', decidedBy: user.id, decisionReason: dto.reason ?? null });
      await this.audit.record(em, { actorId: user.id, action: `finding.${dto.decision}`, entityType: 'compliance_finding', entityId: f.id, itemId, organisationId: item.organisationId, details: { rule: f.rule, field: f.field, reason: dto.reason ?? null } });
      return em.getRepository(ComplianceFinding).findOneBy({ id: f.id });
    });
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
