import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { awaitingReviewerSql, reviewQueueParams, SUBMITTED_AT_SQL } from '@app/review/review-queue';
import type { ReviewQueue, ReviewQueueRow } from './review-queue.types';

const LIMIT = 500;

/** The review queue: items waiting at a level this user decides (libs/review says which), oldest submission first. */
@Injectable()
export class ReviewQueueService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async queue(user: AuthUser): Promise<ReviewQueue> {
    const p = reviewQueueParams(user);
    const where = awaitingReviewerSql({ me: '$1::uuid', grants: '$2', defaultPolicy: '$3' });
    const rows: (ReviewQueueRow & { total: number })[] = await this.ds.query(
      `SELECT i.id, i.title, i.kind, i.organisation_id AS "organisationId", i.review_level AS "reviewLevel", i.index_no AS "indexNo",
              i.updated_at AS "updatedAt", s.at AS "submittedAt", u.display_name AS "submittedBy", count(*) OVER ()::int AS total
         FROM items i
         LEFT JOIN LATERAL (SELECT c.at, c.user_id FROM item_contributions c WHERE c.item_id = i.id AND c.action = 'submit' ORDER BY c.id DESC LIMIT 1) s ON true
         LEFT JOIN users u ON u.id = s.user_id
        WHERE ${where}
        ORDER BY ${SUBMITTED_AT_SQL} ASC NULLS LAST, i.id
        LIMIT ${LIMIT}`,
      [user.id, p.grants, p.defaultPolicy],
    );
    return { items: rows.map(({ total: _total, ...r }) => r), total: rows[0]?.total ?? 0 };
  }
}
