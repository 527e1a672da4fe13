import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { can, rolesFor } from '@app/common/auth/permissions';
import { awaitingReviewerSql, reviewQueueParams } from '@app/review/review-queue';
import type { WorkCounts } from './work-counts.types';

/**
 * The navigation's counts in one statement (the console asks on every navigation and every half
 * minute): the review queue's length (the same condition as GET review/queue), the deliveries that
 * need an operator in the organisations the user operates (subtrees included), unread notifications.
 * Deliveries of withdrawn items do not count (nothing is left to do for them); a failed delivery of an
 * older version does until it is cancelled (the monitor's 发布异常 tab lists the same ones).
 */
@Injectable()
export class WorkCountsService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async counts(user: AuthUser): Promise<WorkCounts> {
    const reviews = can(user, 'item.review');
    const operates = can(user, 'delivery.operate');
    const p = reviewQueueParams(user);
    const rows: { review: number | null; unread: number; failed: number; unconfirmed: number; awaiting_issue: number }[] = await this.ds.query(
      `WITH ops AS (
         SELECT o.id FROM organisations o
          WHERE $5::boolean AND EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) g(org uuid, role text)
                                         WHERE g.role = ANY($6::text[]) AND o.path LIKE '%/' || g.org || '/%'))
       SELECT CASE WHEN $4::boolean THEN (SELECT count(*)::int FROM items i WHERE ${awaitingReviewerSql({ me: '$1::uuid', grants: '$2', defaultPolicy: '$3' })}) END AS review,
              (SELECT count(*)::int FROM notifications n WHERE n.user_id = $1::uuid AND n.read_at IS NULL) AS unread,
              dc.failed, dc.unconfirmed, dc.awaiting_issue
         FROM (SELECT count(*) FILTER (WHERE d.state = 'failed')::int AS failed,
                      count(*) FILTER (WHERE d.state = 'unconfirmed')::int AS unconfirmed,
                      count(*) FILTER (WHERE d.state = 'awaiting_issue')::int AS awaiting_issue
                 FROM deliveries d JOIN items i ON i.id = d.item_id
                WHERE d.organisation_id IN (SELECT id FROM ops) AND d.state IN ('failed', 'unconfirmed', 'awaiting_issue')
                  AND i.status <> 'withdrawn') dc`,
      [user.id, p.grants, p.defaultPolicy, reviews, operates, rolesFor('delivery.operate')],
    );
    const r = rows[0];
    return {
      review: reviews ? r.review : null,
      failed: operates ? r.failed : null,
      unconfirmed: operates ? r.unconfirmed : null,
      awaitingIssue: operates ? r.awaiting_issue : null,
      unreadNotifications: r.unread,
    };
  }
}
