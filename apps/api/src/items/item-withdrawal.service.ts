import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { rolesFor } from '@app/common/auth/permissions';
import { Item } from '@app/domain/entities/item.entity';
import { AuditService } from '@app/domain/services/audit.service';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { assertItemTransition } from '@app/domain/state/item-state-machine';
import { DeliveryQueues, EnqueueRequest } from '@app/channels/engine/delivery-queues.service';
import { DeliveryStateRepository } from '@app/persistence/delivery/delivery-state.repository';
import type { WithdrawDto } from './item.dto';
import { lockItem } from './item-lock';

/** Taking an approved or published item back from every channel (撤回). */
@Injectable()
export class ItemWithdrawalService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly scope: OrgScopeService,
    private readonly audit: AuditService,
    private readonly queues: DeliveryQueues,
  ) {}

  /**
   * Withdrawal: published deliveries go `withdrawing` (their channels take them back), not-yet-sent
   * ones are cancelled. The ledger keeps what was published.
   */
  async withdraw(user: AuthUser, id: string, dto: WithdrawDto) {
    let jobs: EnqueueRequest[] = [];
    const result = await this.ds.transaction(async (em) => {
      const item = await lockItem(em, id);
      await this.scope.assertRole(user, item.organisationId, rolesFor('item.withdraw'));
      assertItemTransition(item.status, 'withdrawn');
      // the deliveries' side, through the one writer of delivery states (cancelled / withdrawing, with their events)
      const { cancelled, withdrawing } = await new DeliveryStateRepository(this.ds).withdrawItem(em, item.id, dto.reason, user.id);
      jobs = withdrawing.map((d) => ({ deliveryId: d.id, channelType: d.channel_type, op: 'withdraw' as const }));
      item.status = 'withdrawn';
      await em.getRepository(Item).save(item);
      await this.audit.record(em, {
        actorId: user.id,
        action: 'item.withdraw',
        entityType: 'item',
        entityId: item.id,
        itemId: item.id,
        organisationId: item.organisationId,
        details: { reason: dto.reason, withdrawing: withdrawing.length, cancelled: cancelled.length },
      });
      return item;
    });
    if (jobs.length) await this.queues.enqueue(jobs);
    return result;
  }
}
