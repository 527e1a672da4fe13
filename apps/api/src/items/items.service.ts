import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { componentLogger } from '@app/common/logging/logger';
import { ChannelAccount } from '@app/domain/entities/channel-account.entity';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import { Organisation } from '@app/domain/entities/organisation.entity';
import { ReviewDecision } from '@app/domain/entities/review-decision.entity';
import { ITEM_STATUS_LABELS, ItemKind, ItemStatus, Role } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { entityFromJson, returning } from '@app/domain/services/sql';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { DeliveryQueues, EnqueueRequest } from '@app/channels/engine/delivery-queues.service';
import { FanoutService, FreezePlan, unknownChannelAccount } from '@app/channels/engine/fanout.service';
import { PortalUrls } from '@app/channels/engine/portal-urls.service';
import { sanitizeBody } from './body-sanitizer';
import { ComplianceGate } from './compliance-gate.service';
import { ApproveDto, CreateItemDto, FindingDecisionDto, ListItemsQuery, RejectDto, UpdateItemDto, WithdrawDto } from './item.dto';
import { nextIndexNo } from './index-number';
import { isUuid } from '@app/common/ids/is-uuid';
import type { ItemDeliveryRow } from '../deliveries/delivery-row.types';
import type { AccountPreview, ApproveResult, AuditEntry, ItemDetail, ItemList, ItemVersionRef } from './item-reads.types';

const EDITABLE = ['draft', 'rejected', 'published'];

/**
 * The review gate (先审查、后公开): draft → submitted → approved | rejected → published → withdrawn.
 * Every transition runs in one transaction with its audit row; approval freezes a version and creates
 * its deliveries in that same transaction (or in one guarded statement, see approve), and jobs are
 * enqueued only after it commits.
 */
@Injectable()
export class ItemsService {
  private readonly log = componentLogger('items');

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
    const [findings, reviews, deliveries, versions] = await Promise.all([
      this.ds.getRepository(ComplianceFinding).find({ where: { itemId: id }, order: { field: 'ASC', start: 'ASC' } }),
      this.ds.getRepository(ReviewDecision).find({ where: { itemId: id }, order: { createdAt: 'ASC' } }),
      this.deliveryRows(id),
      this.ds.query<ItemVersionRef[]>(`SELECT id, version_no AS "versionNo", created_at AS "createdAt", created_by AS "createdBy" FROM item_versions WHERE item_id = $1 ORDER BY version_no`, [id]),
    ]);
    const org = await this.scope.getOrg(item.organisationId);
    return { ...item, findings, reviews, deliveries, versions, reviewLevelsRequired: org.reviewLevels };
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
      await this.checkRefs(em, org, dto, item.id);
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
      return { ...item, findings };
    });
  }

  /** Target accounts must belong to the item's organisation or an ancestor (a department publishes through the county portal). */
  private async checkRefs(em: EntityManager, org: Organisation, dto: Partial<CreateItemDto>, selfId?: string) {
    const problems: FieldProblem[] = [];
    if (dto.targetAccountIds?.length) {
      const ids = [...new Set(dto.targetAccountIds)];
      const chain = this.scope.ancestorIds(org);
      const rows = await em.getRepository(ChannelAccount).createQueryBuilder('a').where('a.id IN (:...ids)', { ids }).getMany();
      for (const id of ids) {
        const a = rows.find((r) => r.id === id);
        if (!a) problems.push({ field: 'targetAccountIds', reason: `unknown channel account ${id}` });
        else if (!chain.includes(a.organisationId)) problems.push({ field: 'targetAccountIds', reason: `account ${id} does not belong to this organisation or its parents` });
        else if (!this.registry.has(a.channelType)) problems.push({ field: 'targetAccountIds', reason: `channel type ${a.channelType} is not supported` });
      }
    }
    if (dto.policyItemId) {
      if (dto.policyItemId === selfId) problems.push({ field: 'policyItemId', reason: 'an item cannot interpret itself' });
      else if (!(await em.getRepository(Item).existsBy({ id: dto.policyItemId }))) problems.push({ field: 'policyItemId', reason: 'unknown policy item' });
    }
    if (dto.repealedDate && dto.writtenDate && dto.repealedDate < dto.writtenDate) problems.push({ field: 'repealedDate', reason: 'must not precede writtenDate' });
    if (problems.length) throw AppError.validation(problems);
  }

  async submit(user: AuthUser, id: string) {
    // A blocked submission is refused, but its findings and the audit row of the attempt are kept:
    // the transaction commits them and the refusal is thrown after it.
    let blocked: AppError | null = null;
    const result = await this.ds.transaction(async (em) => {
      const item = await this.find(id, em, true);
      await this.scope.assertRole(user, item.organisationId, ['editor']);
      if (item.status !== 'draft' && item.status !== 'rejected') {
        throw AppError.conflict('INVALID_TRANSITION', `信息当前状态为「${statusLabel(item.status)}」，不能提交审核`, [{ field: 'status', reason: item.status }]);
      }
      const problems: FieldProblem[] = [];
      if (!item.targetAccountIds.length) problems.push({ field: 'targetAccountIds', reason: '请至少选择一个发布渠道' });
      if (item.kind === 'interpretation' && !item.policyItemId) problems.push({ field: 'policyItemId', reason: '政策解读须关联所解读的政策文件' });
      problems.push(...(await this.channelProblems(em, item)));
      if (problems.length) throw AppError.unprocessable('NOT_DELIVERABLE', '信息不满足所选渠道的要求，请修改后再提交', problems);
      const findings = await this.gate.refresh(em, item, 'submit');
      const blocking = findings.filter((f) => f.severity === 'block' && f.status === 'open');
      if (blocking.length) {
        await this.audit.record(em, { actorId: user.id, action: 'item.submit_blocked', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: item.organisationId, details: { findings: blocking.map((f) => f.id) } });
        blocked = AppError.unprocessable('BLOCKING_FINDINGS', blocking[0].message, blocking.map((f) => ({ field: f.field, reason: f.message, start: f.start, end: f.end }) as FieldProblem));
        return item;
      }
      item.status = 'submitted';
      item.reviewLevel = 0;
      item.rejectionReason = null;
      await em.getRepository(Item).save(item);
      await this.audit.record(em, { actorId: user.id, action: 'item.submit', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: item.organisationId });
      return item;
    });
    if (blocked) throw blocked;
    return result;
  }

  /** Each target channel's own submit-time validation, on the version as it would be frozen now. */
  private async channelProblems(em: EntityManager, item: Item): Promise<FieldProblem[]> {
    if (!item.targetAccountIds.length) return [];
    const snapshot = await this.fanout.snapshot(em, item, item.currentVersionNo + 1, new Date());
    const out: FieldProblem[] = [];
    for (const id of item.targetAccountIds) {
      const { row, account } = await this.accounts.load(id, em);
      const adapter = this.registry.get(row.channelType);
      for (const p of await adapter.validate(snapshot, account)) {
        out.push({ field: `channels.${row.channelType}.${p.field}`, reason: `${adapter.capabilities.label}（${row.name}）：${p.reason}` });
      }
    }
    return out;
  }

  /**
   * One review level passed; the last one freezes the version and fans it out. Approval is the front
   * of the delivery pipeline (a county's morning batch is hundreds of approvals), so it first tries
   * without a transaction: one read, the checks, and one statement that writes everything (the
   * decision, the version and its deliveries, the item, the audit row) only if the item is still the
   * row that was read (row_version). When that cannot be done so (someone changed the item meanwhile,
   * the re-scan changed findings, the item is a revision), it runs again the classic way: in a
   * transaction, the item locked, the findings rewritten. Both ways check and write the same things.
   */
  async approve(user: AuthUser, id: string, dto: ApproveDto): Promise<ApproveResult> {
    const done = (await this.approveOnce(user, id, dto, null)) ?? (await this.ds.transaction((em) => this.approveOnce(user, id, dto, em)));
    if (!done) throw concurrentChange(); // the locked way throws rather than return nothing
    if (done.jobs.length) await this.queues.enqueue(done.jobs);
    return done.result;
  }

  /**
   * One attempt at an approval. `em` null: optimistic (no transaction, no lock); returns null when the
   * locked way is needed. `em` given: inside the caller's transaction, the item locked.
   */
  private async approveOnce(user: AuthUser, id: string, dto: ApproveDto, em: EntityManager | null): Promise<{ result: ApproveResult; jobs: EnqueueRequest[] } | null> {
    const locked = em !== null;
    const m = em ?? this.ds.manager;
    const { item, org, round, alreadyApproved, authorName, findings: existing } = await this.readForReview(m, id, user.id, locked);
    this.scope.requireRole(user, org, ['reviewer']);
    if (item.authorId === user.id) throw AppError.forbidden('SELF_APPROVAL', '不能审核自己撰写的信息（先审查、后公开须由他人审核）');
    if (item.status !== 'submitted') {
      throw AppError.conflict('INVALID_TRANSITION', `信息当前状态为「${statusLabel(item.status)}」，不能审核通过`, [{ field: 'status', reason: item.status }]);
    }
    if (alreadyApproved) throw AppError.conflict('ALREADY_REVIEWED', '您已审核过本轮的上一级，须由其他审核人审核下一级');
    let findings: ComplianceFinding[];
    if (locked) findings = await this.gate.refresh(m, item, 'approve', existing);
    else {
      const cmp = await this.gate.compare(m, item, 'approve', existing);
      if (cmp.changed) return null; // the findings must be rewritten: the locked way
      findings = existing;
    }
    const blocking = findings.filter((f) => f.severity === 'block');
    if (blocking.length) throw AppError.unprocessable('BLOCKING_FINDINGS', blocking[0].message, blocking.map((f) => ({ field: f.field, reason: f.message })));
    const undecided = findings.filter((f) => f.severity === 'review' && f.status === 'open');
    if (undecided.length) throw AppError.unprocessable('UNDECIDED_FINDINGS', `还有${undecided.length}处个人信息或敏感内容需要审核人明确处理（删除或说明保留理由）`, undecided.map((f) => ({ field: f.field, reason: f.message })));
    const level = item.reviewLevel + 1;
    const final = level >= org.reviewLevels;
    const secrecyConclusion = dto.secrecyConclusion ?? '经保密审查，不涉及国家秘密';
    // $1..$7: what the guarded update and the decision need
    const params: unknown[] = [item.id, round, level, user.id, dto.comment ?? null, secrecyConclusion, item.rowVersion];
    const guard = 'EXISTS (SELECT 1 FROM it)';
    let freeze: FreezePlan | null = null;
    if (final) {
      let skip = new Set<string>();
      if (item.currentVersionNo > 0) {
        if (!locked) return null; // a revision: who must be asked instead is decided under the lock
        skip = await this.manualRevisionAccounts(m, item, user);
      }
      freeze = await this.fanout.freezePlan(m, item, user.id, new Date(), skip, params, { org: { name: org.name, code: org.code }, authorName }, guard);
    }
    const versionNo = item.currentVersionNo + (final ? 1 : 0);
    params.push(final ? 'approved' : item.status, versionNo);
    const [status, no] = [`$${params.length - 1}::text`, `$${params.length}::int`];
    const audit = this.audit.insertSql(
      {
        actorId: user.id,
        action: final ? 'item.approve' : 'item.approve_level',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
        details: { level, of: org.reviewLevels, secrecyConclusion, version: null, deliveries: 0 },
      },
      params,
      // the version's id and the deliveries made are known only inside the statement
      freeze ? `jsonb_build_object('version', jsonb_build_object('id', (SELECT id FROM fv), 'versionNo', ${no}), 'deliveries', (SELECT count(*) FROM fd))` : undefined,
      guard,
    );
    // Everything hangs on `it`: the item updated only if it is still the row read above and every
    // target account is there (nothing is written otherwise; the row says which did not hold).
    const rows = await m.query(
      `WITH it AS (
         UPDATE items SET status = ${status}, review_level = $3::int, current_version_no = ${no}, row_version = row_version + 1, updated_at = now()
          WHERE id = $1::uuid AND row_version = $7::int AND status = 'submitted'${freeze ? ` AND ${freeze.precondition}` : ''}
          RETURNING row_version, updated_at),
       ${freeze ? `${freeze.ctes},` : ''}
       rd AS (
         INSERT INTO review_decisions (item_id, round, level, reviewer_id, decision, reason, secrecy_conclusion)
         SELECT $1::uuid, $2::int, $3::int, $4::uuid, 'approve', $5::text, $6::text FROM it),
       au AS (${audit})
       SELECT it.row_version, it.updated_at${freeze ? `, ${freeze.columns}, ${freeze.precondition} AS accounts_ok` : ''}
         FROM (SELECT 1) one LEFT JOIN it ON true`,
      params,
    );
    const saved = rows[0];
    if (saved.row_version == null) {
      if (freeze && !saved.accounts_ok) throw unknownChannelAccount();
      if (locked) throw concurrentChange();
      return null;
    }
    let version: ApproveResult['version'] = null;
    let jobs: EnqueueRequest[] = [];
    if (freeze) {
      const out = freeze.result(saved);
      version = { id: out.version.id, versionNo: out.version.versionNo };
      jobs = out.jobs;
    }
    Object.assign(item, { status: final ? 'approved' : item.status, reviewLevel: level, currentVersionNo: versionNo, rowVersion: saved.row_version, updatedAt: new Date(saved.updated_at) });
    return { result: { ...item, version }, jobs };
  }

  /**
   * The item under review (locked for the transaction when `lock`), with what approval checks besides
   * it, in one statement: the organisation (role scope, review levels), the review round (one per submission),
   * whether this reviewer already passed a level of it, the author's name for the version, and the
   * compliance findings the re-scan is compared with.
   */
  private async readForReview(em: EntityManager, id: string, reviewerId: string, lock: boolean) {
    if (!isUuid(id)) throw AppError.notFound('信息', id);
    const submissions = `(SELECT count(*)::int FROM audit_logs a WHERE a.item_id = i.id AND a.action = 'item.submit')`;
    const qb = em
      .getRepository(Item)
      .createQueryBuilder('i')
      .addSelect(`(SELECT to_json(o) FROM organisations o WHERE o.id = i.organisation_id)`, 'ctx_org')
      .addSelect(submissions, 'ctx_round')
      .addSelect(`EXISTS (SELECT 1 FROM review_decisions rd WHERE rd.item_id = i.id AND rd.round = ${submissions} AND rd.reviewer_id = :reviewer AND rd.decision = 'approve')`, 'ctx_mine')
      .addSelect(`(SELECT display_name FROM users u WHERE u.id = i.author_id)`, 'ctx_author')
      .addSelect(`(SELECT COALESCE(json_agg(f ORDER BY f.field, f.start), '[]') FROM compliance_findings f WHERE f.item_id = i.id)`, 'ctx_findings')
      .where('i.id = :id', { id, reviewer: reviewerId });
    if (lock) qb.setLock('pessimistic_write');
    const { entities, raw } = await qb.getRawAndEntities();
    const item = entities[0];
    const r = raw[0];
    if (!item || !r) throw AppError.notFound('信息', id);
    if (!r.ctx_org) throw AppError.notFound('机构', item.organisationId);
    return {
      item,
      org: entityFromJson(this.ds, Organisation, r.ctx_org),
      round: Number(r.ctx_round),
      alreadyApproved: r.ctx_mine === true,
      authorName: (r.ctx_author as string | null) ?? null,
      findings: (r.ctx_findings as Record<string, unknown>[]).map((f) => entityFromJson(this.ds, ComplianceFinding, f)),
    };
  }

  /**
   * A revision goes again only where the channel can update in place; where it cannot (a WeChat
   * article, a Weibo post, a printed gazette), sending it again would publish twice, so the operator
   * is asked instead (audited, visible on the item).
   */
  private async manualRevisionAccounts(em: EntityManager, item: Item, user: AuthUser): Promise<Set<string>> {
    const published: { channel_account_id: string; channel_type: string }[] = await em.query(
      `SELECT DISTINCT channel_account_id, channel_type FROM deliveries WHERE item_id = $1 AND state = 'published'`,
      [item.id],
    );
    const manual = published.filter((p) => !this.registry.get(p.channel_type).capabilities.canUpdate);
    const skip = new Set(manual.map((m) => m.channel_account_id));
    if (skip.size) {
      await this.audit.record(em, { actorId: user.id, action: 'item.revision_manual_needed', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: item.organisationId, details: { accounts: [...skip], reason: '该渠道不支持原地更新，修订版需渠道运维人工处理' } });
    }
    return skip;
  }

  private async round(em: EntityManager, itemId: string): Promise<number> {
    const rows = await em.query(`SELECT count(*)::int AS n FROM audit_logs WHERE item_id = $1 AND action = 'item.submit'`, [itemId]);
    return rows[0].n;
  }

  async reject(user: AuthUser, id: string, dto: RejectDto) {
    return this.ds.transaction(async (em) => {
      const item = await this.find(id, em, true);
      await this.scope.assertRole(user, item.organisationId, ['reviewer']);
      if (item.authorId === user.id) throw AppError.forbidden('SELF_REVIEW', '不能审核自己撰写的信息');
      if (item.status !== 'submitted') throw AppError.conflict('INVALID_TRANSITION', `信息当前状态为「${statusLabel(item.status)}」，不能退回`, [{ field: 'status', reason: item.status }]);
      const round = await this.round(em, item.id);
      await em.getRepository(ReviewDecision).insert({ itemId: item.id, round, level: item.reviewLevel + 1, reviewerId: user.id, decision: 'reject', reason: dto.reason, secrecyConclusion: null });
      item.status = 'rejected';
      item.rejectionReason = dto.reason;
      item.reviewLevel = 0;
      await em.getRepository(Item).save(item);
      await this.audit.record(em, { actorId: user.id, action: 'item.reject', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: item.organisationId, details: { reason: dto.reason } });
      return item;
    });
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
    const ids = accountIds?.length ? accountIds : item.targetAccountIds;
    const out: AccountPreview[] = [];
    for (const accountId of ids) {
      const { row, account } = await this.accounts.load(accountId).catch(() => {
        throw AppError.validation([{ field: 'accounts', reason: `unknown channel account ${accountId}` }]);
      });
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

const concurrentChange = () => AppError.conflict('CONCURRENT_CHANGE', '信息刚被他人修改，请刷新后重试');

export function statusLabel(s: string): string {
  return ITEM_STATUS_LABELS[s as ItemStatus] ?? s;
}
