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
import { ITEM_STATUS_LABELS, ItemStatus } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { entityFromJson } from '@app/domain/services/sql';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { DeliveryQueues, EnqueueRequest } from '@app/channels/engine/delivery-queues.service';
import { FanoutService, FreezePlan, unknownChannelAccount } from '@app/channels/engine/fanout.service';
import { ComplianceGate } from './compliance-gate.service';
import { ApproveDto, RejectDto } from './item.dto';
import { recordContribution } from './item-contributions';
import { disclosureProblems, PUBLIC_DISCLOSURE } from './item-refs';
import type { ApproveResult } from './item-reads.types';
import { Contribution, fourEyesRefusal, reviewChanges, VERSION_CONTRIBUTIONS_SQL } from './review-policy';

/**
 * The review gate (先审查、后公开): draft → submitted → approved | rejected. Every transition runs in
 * one transaction with its audit row; approval freezes a version and creates its deliveries in that
 * same transaction (or in one guarded statement, see approve), and jobs are enqueued only after it
 * commits. Nobody who created, changed or submitted the version under review approves it
 * (review-policy.ts), and each level is passed by a different reviewer.
 */
@Injectable()
export class ItemReviewService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly gate: ComplianceGate,
    private readonly fanout: FanoutService,
    private readonly queues: DeliveryQueues,
    private readonly registry: ChannelRegistry,
    private readonly accounts: AccountStore,
  ) {}

  async submit(user: AuthUser, id: string) {
    // A blocked submission is refused, but its findings and the audit row of the attempt are kept:
    // the transaction commits them and the refusal is thrown after it.
    let blocked: AppError | null = null;
    const result = await this.ds.transaction(async (em) => {
      const item = await this.find(id, em);
      await this.scope.assertRole(user, item.organisationId, ['editor']);
      if (item.status !== 'draft' && item.status !== 'rejected') {
        throw AppError.conflict('INVALID_TRANSITION', `信息当前状态为「${statusLabel(item.status)}」，不能提交审核`, [{ field: 'status', reason: item.status }]);
      }
      // Only 主动公开 goes to a channel (all of them are public); anything else is recorded, not published.
      if (item.disclosureAttr !== PUBLIC_DISCLOSURE) {
        const problems = disclosureProblems(item.disclosureAttr, item.targetAccountIds);
        throw AppError.unprocessable('NOT_DELIVERABLE', `公开属性为「${item.disclosureAttr}」的信息只登记、不发布，不能提交发布审核`, problems.length ? problems : [{ field: 'disclosureAttr', reason: `公开属性为「${item.disclosureAttr}」的信息只登记、不发布` }]);
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
      await recordContribution(em, { itemId: item.id, baseVersion: item.currentVersionNo, userId: user.id, action: 'submit' });
      return item;
    });
    if (blocked) throw blocked;
    return result;
  }

  /** Each target channel's own submit-time validation, on the version as it would be frozen now. */
  private async channelProblems(em: EntityManager, item: Item): Promise<FieldProblem[]> {
    if (!item.targetAccountIds.length) return [];
    const snapshot = await this.fanout.snapshot(em, item, item.currentVersionNo + 1, new Date());
    // A revision does not go again where the channel cannot update in place (the operator is asked
    // instead): those accounts' rules (a 群发 quota, say) do not apply to a version they never get.
    const notSent = await this.accountsWithoutUpdate(em, item);
    const out: FieldProblem[] = [];
    for (const id of item.targetAccountIds) {
      if (notSent.has(id)) continue;
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
    const { item, org, round, alreadyApproved, authorName, findings: existing, contributions } = await this.readForReview(m, id, user.id, locked);
    this.scope.requireRole(user, org, ['reviewer']);
    if (item.authorId === user.id) throw AppError.forbidden('SELF_APPROVAL', '不能审核自己撰写的信息（先审查、后公开须由他人审核）');
    if (item.status !== 'submitted') {
      throw AppError.conflict('INVALID_TRANSITION', `信息当前状态为「${statusLabel(item.status)}」，不能审核通过`, [{ field: 'status', reason: item.status }]);
    }
    if (alreadyApproved) throw AppError.conflict('ALREADY_REVIEWED', '您已审核过本轮的上一级，须由其他审核人审核下一级');
    const conflict = fourEyesRefusal(user.id, round, contributions);
    if (conflict) throw conflict;
    // Submitted before the 公开属性 rule: a version that is not 主动公开 is never frozen for a channel.
    const notPublic = disclosureProblems(item.disclosureAttr, item.targetAccountIds);
    if (notPublic.length) throw AppError.unprocessable('NOT_DELIVERABLE', `公开属性为「${item.disclosureAttr}」的信息不能发布到公开渠道，请退回修改`, notPublic);
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
    // The review record names who created, changed (which fields) and submitted what this level passes.
    const changes = reviewChanges(contributions);
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
        details: { level, of: org.reviewLevels, secrecyConclusion, version: null, deliveries: 0, changes },
      },
      params,
      // the version's id and the deliveries made are known only inside the statement
      freeze ? `jsonb_build_object('version', jsonb_build_object('id', (SELECT id FROM fv), 'versionNo', ${no}), 'deliveries', (SELECT count(*) FROM fd))` : undefined,
      guard,
    );
    params.push(JSON.stringify(changes));
    const changesParam = `$${params.length}::jsonb`;
    // Everything hangs on `it`: the item updated only if it is still the row read above and every
    // target account is there (nothing is written otherwise; the row says which did not hold).
    const rows = await m.query(
      `WITH it AS (
         UPDATE items SET status = ${status}, review_level = $3::int, current_version_no = ${no}, row_version = row_version + 1, updated_at = now()
          WHERE id = $1::uuid AND row_version = $7::int AND status = 'submitted'${freeze ? ` AND ${freeze.precondition}` : ''}
          RETURNING row_version, updated_at),
       ${freeze ? `${freeze.ctes},` : ''}
       rd AS (
         INSERT INTO review_decisions (item_id, round, level, reviewer_id, decision, reason, secrecy_conclusion, changes)
         SELECT $1::uuid, $2::int, $3::int, $4::uuid, 'approve', $5::text, $6::text, ${changesParam} FROM it),
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
   * whether this reviewer already passed a level of it, the author's name for the version, the
   * compliance findings the re-scan is compared with, and who contributed to the version (four eyes).
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
      .addSelect(VERSION_CONTRIBUTIONS_SQL, 'ctx_changes')
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
      contributions: r.ctx_changes as Contribution[],
    };
  }

  /**
   * A revision goes again only where the channel can update in place; where it cannot (a WeChat
   * article, a Weibo post, a printed gazette), sending it again would publish twice, so the operator
   * is asked instead (audited, visible on the item).
   */
  private async manualRevisionAccounts(em: EntityManager, item: Item, user: AuthUser): Promise<Set<string>> {
    const skip = await this.accountsWithoutUpdate(em, item);
    if (skip.size) {
      await this.audit.record(em, { actorId: user.id, action: 'item.revision_manual_needed', entityType: 'item', entityId: item.id, itemId: item.id, organisationId: item.organisationId, details: { accounts: [...skip], reason: '该渠道不支持原地更新，修订版需渠道运维人工处理' } });
    }
    return skip;
  }

  /** Accounts that published an earlier version and whose channel cannot update it in place. */
  private async accountsWithoutUpdate(em: EntityManager, item: Item): Promise<Set<string>> {
    const published: { channel_account_id: string; channel_type: string }[] = await em.query(
      `SELECT DISTINCT channel_account_id, channel_type FROM deliveries WHERE item_id = $1 AND state = 'published'`,
      [item.id],
    );
    return new Set(published.filter((p) => !this.registry.get(p.channel_type).capabilities.canUpdate).map((p) => p.channel_account_id));
  }

  private async round(em: EntityManager, itemId: string): Promise<number> {
    const rows = await em.query(`SELECT count(*)::int AS n FROM audit_logs WHERE item_id = $1 AND action = 'item.submit'`, [itemId]);
    return rows[0].n;
  }

  async reject(user: AuthUser, id: string, dto: RejectDto) {
    return this.ds.transaction(async (em) => {
      const item = await this.find(id, em);
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

  private async find(id: string, em: EntityManager): Promise<Item> {
    if (!isUuid(id)) throw AppError.notFound('信息', id);
    const item = await em.getRepository(Item).createQueryBuilder('i').where('i.id = :id', { id }).setLock('pessimistic_write').getOne();
    if (!item) throw AppError.notFound('信息', id);
    return item;
  }
}

const concurrentChange = () => AppError.conflict('CONCURRENT_CHANGE', '信息刚被他人修改，请刷新后重试');

export function statusLabel(s: string): string {
  return ITEM_STATUS_LABELS[s as ItemStatus] ?? s;
}
