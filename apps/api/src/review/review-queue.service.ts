import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { awaitingReviewerSql, reviewQueueParams, SUBMITTED_AT_SQL } from '@app/review/review-queue';
import { afterSql, decodeCursor, encodeCursor, usOf } from '../http/keyset';
import { capped, cappedCountSql } from '../http/paging';
import type { ReviewQueueQuery } from './review-queue.dto';
import type { ReviewQueue, ReviewQueueRow } from './review-queue.types';

/**
 * The queue counts up to this many: each item counted is the whole reviewer question (policy in force,
 * grants, decisions, four eyes), not an index entry as in the other lists. The console says 超过 1000 条.
 */
export const REVIEW_COUNT_CAP = 1000;

/** The submission time the queue sorts by; an item without a submission record sorts last (as NULLS LAST did). */
const SORT_AT = `COALESCE(${SUBMITTED_AT_SQL}, timestamptz '9999-12-31 00:00:00+00')`;

/**
 * The review queue: items waiting at a level this user decides (libs/review says which), oldest
 * submission first, one page at a time (keyset on (submission time, id): `cursor`), counted up to
 * REVIEW_COUNT_CAP. Only submitted items are looked at (index items_status_updated_idx), never every item.
 */
@Injectable()
export class ReviewQueueService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async queue(user: AuthUser, q: ReviewQueueQuery = {}): Promise<ReviewQueue> {
    const pageSize = q.pageSize ?? 100;
    const after = decodeCursor(q.cursor, 's', ['us', 'uuid']);
    const p = reviewQueueParams(user);
    const where = awaitingReviewerSql({ me: '$1::uuid', grants: '$2', defaultPolicy: '$3' });
    const params: unknown[] = [user.id, p.grants, p.defaultPolicy];
    const countParams = [...params];
    const push = (v: unknown) => (params.push(v), `$${params.length}`);
    const key = [
      { sql: SORT_AT, kind: 'us' as const },
      { sql: 'i.id', kind: 'uuid' as const },
    ];
    // The submitted items in queue order first (a few thousand at most: index items_status_updated_idx), then
    // the reviewer question asked of them one by one only until the page is full (OFFSET 0 keeps the order
    // under the filter), instead of asking it of every submitted item and sorting the answer.
    const [rows, [{ n }]] = await Promise.all([
      this.ds.query(
        `SELECT i.id, i.title, i.kind, i.organisation_id AS "organisationId", i.review_level AS "reviewLevel", i.index_no AS "indexNo",
                i.updated_at AS "updatedAt", s.at AS "submittedAt", u.display_name AS "submittedBy", ${usOf('i.sort_at')} AS "_k"
           FROM (SELECT i.*, ${SORT_AT} AS sort_at FROM items i
                  WHERE i.status = 'submitted' AND i.author_id <> $1::uuid${after ? ` AND ${afterSql(key, after, 'ASC', push)}` : ''}
                  ORDER BY sort_at ASC, i.id ASC OFFSET 0) i
           LEFT JOIN LATERAL (SELECT c.at, c.user_id FROM item_contributions c WHERE c.item_id = i.id AND c.action = 'submit' ORDER BY c.id DESC LIMIT 1) s ON true
           LEFT JOIN users u ON u.id = s.user_id
          WHERE ${where}
          ORDER BY i.sort_at ASC, i.id ASC
          LIMIT ${pageSize + 1}`,
        params,
      ) as Promise<(ReviewQueueRow & { _k: string })[]>,
      this.ds.query(cappedCountSql(`FROM items i WHERE ${where}`, REVIEW_COUNT_CAP), countParams) as Promise<{ n: number }[]>,
    ]);
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      items: page.map(({ _k, ...r }) => r),
      ...capped(n, REVIEW_COUNT_CAP),
      pageSize,
      nextCursor: rows.length > pageSize ? encodeCursor('s', [last._k, last.id]) : null,
    };
  }
}
