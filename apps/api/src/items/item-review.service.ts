import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, FieldProblem } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { isUuid } from '@app/common/ids/is-uuid';
import { ComplianceFinding } from '@app/domain/entities/compliance-finding.entity';
import { Item } from '@app/domain/entities/item.entity';
import { ITEM_STATUS_LABELS, ItemStatus } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { assertItemTransition } from '@app/domain/state/item-state-machine';
import { fourEyesRefusal, reviewChanges } from '@app/review/four-eyes';
import { levelAt, levelRefusal, secrecyFor } from '@app/review/level-progression';
import { readForReview } from '@app/review/review-reads';
import { namedQuery } from '@app/persistence/named-statements';
import { ChannelRegistry } from '@app/channels/channel-registry';
import { AccountStore } from '@app/channels/engine/account-store.service';
import { DeliveryQueues, EnqueueRequest } from '@app/channels/engine/delivery-queues.service';
import { FanoutService } from '@app/channels/engine/fanout.service';
import { ComplianceGate } from './compliance-gate.service';
import { ApproveDto } from './item.dto';
import { recordContribution } from './item-contributions';
import { disclosureProblems } from './item-refs';
import { itemSubmitProblems, submitRefusal } from './submit-refusal';
import type { ApproveResult } from './item-reads.types';
import { rolesFor } from '@app/common/auth/permissions';

/**
 * The review gate (先审查、后公开): draft → submitted → approved (rejection: libs/review). Every
 * transition runs in one transaction with its audit row; approval freezes a version and creates its
 * deliveries in that same transaction (or in one guarded statement, see approve), and jobs are
 * enqueued only after it commits. The rules are libs/review's: the organisation's review policy says
 * which role decides each level, nobody who created, changed or submitted the version approves it
 * (four-eyes.ts), and nobody decides two levels of a round (level-progression.ts).
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
    // A refused submission keeps its findings (and, when a finding blocks it, the audit row of the
    // attempt): the transaction commits them and the refusal is thrown after it.
    let blocked: AppError | null = null;
    const result = await this.ds.transaction(async (em) => {
      const item = await this.find(id, em);
      await this.scope.assertRole(user, item.organisationId, rolesFor('item.submit'));
      assertItemTransition(item.status, 'submitted');
      // Every problem at once (issue 15.3): the item's own, each channel's, and the findings that block it.
      const problems = [...itemSubmitProblems(item), ...(await this.channelProblems(em, item))];
      const findings = await this.gate.refresh(em, item, 'submit');
      const blocking = findings.filter((f) => f.severity === 'block' && f.status === 'open');
      if (blocking.length) {
        await this.audit.record(em, {
          actorId: user.id,
          action: 'item.submit_blocked',
          entityType: 'item',
          entityId: item.id,
          itemId: item.id,
          organisationId: item.organisationId,
          details: { findings: blocking.map((f) => f.id) },
        });
      }
      blocked = submitRefusal(item, problems, blocking);
      if (blocked) return item;
      item.status = 'submitted';
      item.reviewLevel = 0;
      item.rejectionReason = null;
      await em.getRepository(Item).save(item);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'item.submit',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
      });
      await recordContribution(em, { itemId: item.id, baseVersion: item.currentVersionNo, userId: user.id, action: 'submit' });
      // The review queue's order (migration 1732009700000): now() is the transaction's time, the contribution's `at`.
      const [stamped] = (await em.query(`UPDATE items SET submitted_at = now() WHERE id = $1 RETURNING submitted_at`, [item.id])) as [
        { submitted_at: Date }[],
        number,
      ];
      item.submittedAt = stamped[0].submitted_at;
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
      for (const p of await this.registry.validate(row.channelType, snapshot, account)) {
        out.push({ field: `channels.${row.channelType}.${p.field}`, reason: `${adapter.capabilities.label}（${row.name}）：${p.reason}` });
      }
    }
    return out;
  }

  /**
   * One review level passed; the last one freezes the version and fans it out. Approval is the front
   * of the delivery pipeline (a county's morning batch is hundreds of approvals), so it first tries
   * without a lock: one read, the checks, and one statement that writes everything (the decision, the
   * item, the version and its deliveries through FanoutService.sql, the audit row) only if the item is
   * still the row that was read (row_version). When that cannot be done so (someone changed the item
   * meanwhile, the re-scan changed findings, the item is a revision), it runs again the classic way: in
   * a transaction, the item locked, the findings rewritten, then the same statement. Both ways check
   * and write the same things.
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
  private async approveOnce(
    user: AuthUser,
    id: string,
    dto: ApproveDto,
    em: EntityManager | null,
  ): Promise<{ result: ApproveResult; jobs: EnqueueRequest[] } | null> {
    const locked = em !== null;
    const m = em ?? this.ds.manager;
    const { item, org, policy, round, own, authorName, findings: existing, contributions } = await readForReview(this.ds, m, id, user.id, locked);
    this.scope.requireRole(user, org, rolesFor('item.review'));
    if (item.authorId === user.id) throw AppError.forbidden('SELF_APPROVAL', '不能审核自己撰写的信息（先审查、后公开须由他人审核）');
    assertItemTransition(item.status, 'approved'); // a level below the last keeps it submitted, on the way there
    const at = levelAt(policy, item.reviewLevel);
    const refusal = levelRefusal(user, this.scope.ancestorIds(org), at, own);
    if (refusal) throw refusal;
    const conflict = fourEyesRefusal(user.id, round, contributions);
    if (conflict) throw conflict;
    // Submitted before the 公开属性 rule: a version that is not 主动公开 is never frozen for a channel.
    const notPublic = disclosureProblems(item.disclosureAttr, item.targetAccountIds);
    if (notPublic.length)
      throw AppError.unprocessable('NOT_DELIVERABLE', `公开属性为「${item.disclosureAttr}」的信息不能发布到公开渠道，请退回修改`, notPublic);
    let findings: ComplianceFinding[];
    if (locked) findings = await this.gate.refresh(m, item, 'approve', existing);
    else {
      const cmp = await this.gate.compare(m, item, 'approve', existing);
      if (cmp.changed) return null; // the findings must be rewritten: the locked way
      findings = existing;
    }
    const blocking = findings.filter((f) => f.severity === 'block');
    if (blocking.length)
      throw AppError.unprocessable(
        'BLOCKING_FINDINGS',
        blocking[0].message,
        blocking.map((f) => ({ field: f.field, reason: f.message })),
      );
    const undecided = findings.filter((f) => f.severity === 'review' && f.status === 'open');
    if (undecided.length)
      throw AppError.unprocessable(
        'UNDECIDED_FINDINGS',
        `还有${undecided.length}处个人信息或敏感内容需要审核人明确处理（删除或说明保留理由）`,
        undecided.map((f) => ({ field: f.field, reason: f.message })),
      );
    const { level, final } = at;
    const secrecyConclusion = secrecyFor(at, dto.secrecyConclusion);
    // The review record names who created, changed (which fields) and submitted what this level passes.
    const changes = reviewChanges(contributions);
    let skip = new Set<string>();
    if (final && item.currentVersionNo > 0) {
      if (!locked) return null; // a revision: who must be asked instead is decided under the lock
      skip = await this.manualRevisionAccounts(m, item, user);
    }
    const versionNo = item.currentVersionNo + (final ? 1 : 0);
    const plan = final ? await this.fanout.plan(m, item, user.id, new Date(), skip, { org: { name: org.name, code: org.code }, authorName }) : null;
    // One statement (atomic on its own; inside the caller's transaction when locked): the decision and the
    // item, only if the item is still the row read above and every target account exists; the version
    // frozen with its deliveries (FanoutService.sql); the audit row naming them. Five round trips were
    // one each (BEGIN, three statements, COMMIT), and on this machine a round trip's system calls cost
    // more CPU than most statements.
    const params: unknown[] = [
      item.id,
      round,
      level,
      user.id,
      dto.comment ?? null,
      secrecyConclusion,
      item.rowVersion,
      final ? 'approved' : item.status,
      versionNo,
      JSON.stringify(changes),
      at.spec.label,
    ];
    const itemWritten = 'EXISTS (SELECT 1 FROM it)'; // the other writes' guard
    const freeze = plan ? this.fanout.sql(plan, params, itemWritten) : null;
    const audit = this.audit.insertSql(
      {
        actorId: user.id,
        action: final ? 'item.approve' : 'item.approve_level',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
        details: { level, of: at.of, secrecyConclusion, version: null, deliveries: 0, changes },
      },
      params,
      freeze?.auditDetails,
      itemWritten,
    );
    const sql = `WITH ${freeze ? `${freeze.accounts},` : ''}
         it AS (
           UPDATE items SET status = $8::text, review_level = $3::int, current_version_no = $9::int, row_version = row_version + 1, updated_at = now()
            WHERE id = $1::uuid AND row_version = $7::int AND status = 'submitted'${freeze ? ` AND ${freeze.ok}` : ''}
            RETURNING row_version, updated_at),
         rd AS (
           INSERT INTO review_decisions (item_id, round, level, level_label, reviewer_id, decision, reason, secrecy_conclusion, changes)
           SELECT $1::uuid, $2::int, $3::int, $11::text, $4::uuid, 'approve', $5::text, $6::text, $10::jsonb FROM it),
         ${freeze ? `${freeze.write},` : ''}
         au AS (${audit})
       SELECT it.row_version, it.updated_at${freeze ? `, ${freeze.columns}` : ''} FROM (SELECT 1) one LEFT JOIN it ON true`;
    // Unlocked it runs outside any transaction, as a named statement planned once per session (its
    // triggers' and foreign keys' statements too): named-statements.ts.
    const rows = locked ? await m.query(sql, params) : await namedQuery(this.ds, final ? 'approve_final' : 'approve_level', sql, params);
    const saved = rows[0];
    const frozen = plan ? this.fanout.frozen(plan, saved) : null;
    if (saved.row_version == null) {
      if (locked) throw concurrentChange();
      return null;
    }
    const version: ApproveResult['version'] = frozen ? { id: frozen.version.id, versionNo: frozen.version.versionNo } : null;
    const jobs: EnqueueRequest[] = frozen?.jobs ?? [];
    Object.assign(item, {
      status: final ? 'approved' : item.status,
      reviewLevel: level,
      currentVersionNo: versionNo,
      rowVersion: saved.row_version,
      updatedAt: new Date(saved.updated_at),
    });
    return { result: { ...item, version }, jobs };
  }

  /**
   * A revision goes again only where the channel can update in place; where it cannot (a WeChat
   * article, a Weibo post, a printed gazette), sending it again would publish twice, so the operator
   * is asked instead (audited, visible on the item).
   */
  private async manualRevisionAccounts(em: EntityManager, item: Item, user: AuthUser): Promise<Set<string>> {
    const skip = await this.accountsWithoutUpdate(em, item);
    if (skip.size) {
      await this.audit.record(em, {
        actorId: user.id,
        action: 'item.revision_manual_needed',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
        details: { accounts: [...skip], reason: '该渠道不支持原地更新，修订版需渠道运维人工处理' },
      });
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
