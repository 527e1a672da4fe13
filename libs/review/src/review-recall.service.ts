import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { Item } from '@app/domain/entities/item.entity';
import { ITEM_STATUS_LABELS } from '@app/domain/enums/domain-enums';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { assertItemTransition } from '@app/domain/state/item-state-machine';
import { readForReview } from './review-reads';

/**
 * 撤回提交: a submitted item taken back to draft by its editor before review has begun. Allowed to
 * whoever holds `item.recall` over the item's organisation (the submitter, or another editor of the
 * office) while no level of the current round has been decided; once one has, the reviewers own the
 * round (they may reject it back) and the recall is refused with nothing written. One transaction,
 * the item locked (an approval racing it fails on the item's row version), with its audit row.
 */
@Injectable()
export class ReviewRecallService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
  ) {}

  async recall(user: AuthUser, id: string, reason: string | undefined): Promise<Item> {
    return this.ds.transaction(async (em) => {
      const { item, org, round } = await readForReview(this.ds, em, id, user.id, true);
      this.scope.requireRole(user, org, rolesFor('item.recall'));
      if (item.status !== 'submitted') {
        throw AppError.conflict('NOT_SUBMITTED', `信息当前状态为「${ITEM_STATUS_LABELS[item.status] ?? item.status}」，只有待审核的信息可以撤回提交`, [
          { field: 'status', reason: `当前状态：${ITEM_STATUS_LABELS[item.status] ?? item.status}` },
        ]);
      }
      const decided: { level: number; label: string | null; reviewer: string | null }[] = await em.query(
        `SELECT rd.level, rd.level_label AS label, u.display_name AS reviewer FROM review_decisions rd LEFT JOIN users u ON u.id = rd.reviewer_id
          WHERE rd.item_id = $1 AND rd.round = $2 ORDER BY rd.level DESC LIMIT 1`,
        [item.id, round],
      );
      if (decided.length || item.reviewLevel > 0) {
        const d = decided[0];
        const name = d ? `第 ${d.level} 级${d.label ? `（${d.label}）` : ''}` : `第 ${item.reviewLevel} 级`;
        throw AppError.conflict('REVIEW_STARTED', `${name}已审核通过，不能再撤回提交；如需修改，请联系审核人退回`, [
          { field: 'status', reason: `${name}已由${d?.reviewer ?? '审核人'}审核通过` },
        ]);
      }
      assertItemTransition(item.status, 'draft');
      item.status = 'draft';
      item.reviewLevel = 0;
      await em.getRepository(Item).save(item);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'item.recall',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
        details: { round, reason: reason?.trim() || null },
      });
      return item;
    });
  }
}
