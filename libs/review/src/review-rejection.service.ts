import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { AppError } from '@app/common/errors/app-error';
import { Item } from '@app/domain/entities/item.entity';
import { ReviewDecision } from '@app/domain/entities/review-decision.entity';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { assertItemTransition } from '@app/domain/state/item-state-machine';
import { NotificationsService } from '@app/persistence/notifications/notifications.service';
import { levelAt, levelRefusal } from './level-progression';
import { readForReview } from './review-reads';

/**
 * Rejection at whatever level the item has reached: decided like an approval of that level (the level's
 * role, not the author, nobody twice in a round), it sends the item back to its editor (`rejected`,
 * levels reset: the next submission starts a new round at the first level). One transaction, the item
 * locked, with the decision and its audit row; nothing is written when it is refused.
 */
@Injectable()
export class ReviewRejectionService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  async reject(user: AuthUser, id: string, reason: string): Promise<Item> {
    return this.ds.transaction(async (em) => {
      const { item, org, policy, round, own } = await readForReview(this.ds, em, id, user.id, true);
      this.scope.requireRole(user, org, rolesFor('item.review'));
      if (item.authorId === user.id) throw AppError.forbidden('SELF_REVIEW', '不能审核自己撰写的信息');
      assertItemTransition(item.status, 'rejected');
      const at = levelAt(policy, item.reviewLevel);
      const refusal = levelRefusal(user, this.scope.ancestorIds(org), at, own);
      if (refusal) throw refusal;
      await em.getRepository(ReviewDecision).insert({
        itemId: item.id,
        round,
        level: at.level,
        levelLabel: at.spec.label,
        reviewerId: user.id,
        decision: 'reject',
        reason,
        secrecyConclusion: null,
      });
      item.status = 'rejected';
      item.rejectionReason = reason;
      item.reviewLevel = 0;
      await em.getRepository(Item).save(item);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'item.reject',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
        details: { reason, level: at.level, label: at.spec.label },
      });
      await this.tellSubmitter(em, item, user, at.spec.label, reason);
      return item;
    });
  }

  /** The editor who submitted this round (else the author) is told, in the same transaction. */
  private async tellSubmitter(em: EntityManager, item: Item, user: AuthUser, level: string, reason: string): Promise<void> {
    const rows: { user_id: string }[] = await em.query(
      `SELECT user_id FROM item_contributions WHERE item_id = $1 AND action = 'submit' ORDER BY id DESC LIMIT 1`,
      [item.id],
    );
    await this.notifications.toUsers(em, [rows[0]?.user_id ?? item.authorId], {
      kind: 'rejected',
      organisationId: item.organisationId,
      title: `已退回：${item.title}`,
      body: `${user.displayName}（${level}）退回修改，原因：${reason}`,
      link: `/items/${item.id}`,
    });
  }
}
