import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { DeliveryActions } from '@app/channels/engine/delivery-actions.service';
import { OperatorService } from './operator.service';
import type { BulkRetryReply, BulkRetryResult } from './bulk-retry.types';

/**
 * 批量重试: each selected delivery is retried on its own (DeliveryActions.retry: its own transaction,
 * its own audit row `delivery.retry`, its own checks), one after the other, so one refusal (an account
 * stopped, the item withdrawn, another version approved) leaves the others sent and is listed with its
 * reason. A delivery outside the user's organisations (or none such) refuses the whole request first;
 * anything that is not a refusal (a database outage) fails it.
 */
@Injectable()
export class BulkRetryService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly ops: OperatorService,
    private readonly actions: DeliveryActions,
  ) {}

  async retry(user: AuthUser, ids: string[]): Promise<BulkRetryReply> {
    const actor = this.ops.actor(user);
    const unique = [...new Set(ids)];
    // A delivery the user cannot see, or that does not exist, refuses the whole request before anything is done.
    const rows: { id: string; organisation_id: string }[] = await this.ds.query(`SELECT id, organisation_id FROM deliveries WHERE id = ANY($1::uuid[])`, [
      unique,
    ]);
    const missing = unique.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw AppError.notFound('发送任务', missing[0]);
    for (const org of new Set(rows.map((r) => r.organisation_id))) await actor.authorize(org);
    const results: BulkRetryResult[] = [];
    for (const id of unique) {
      try {
        const r = await this.actions.retry(actor, id);
        results.push({ id, ok: true, state: r.state });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        results.push({ id, ok: false, code: e.code, message: e.message });
      }
    }
    const retried = results.filter((r) => r.ok).length;
    return { retried, refused: results.length - retried, results };
  }
}
