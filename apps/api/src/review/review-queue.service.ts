import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { awaitingReviewerSql, reviewQueueParams } from '@app/review/review-queue';
import { decodeCursor, encodeCursor, tsOfUs, usOf } from '../http/keyset';
import { capped, cappedCountSql } from '../http/paging';
import type { ReviewQueueQuery } from './review-queue.dto';
import type { ReviewQueue, ReviewQueueRow } from './review-queue.types';

/**
 * The queue counts up to this many: each item counted is the whole reviewer question (policy in force,
 * grants, decisions, four eyes), not an index entry as in the other lists. The console says 超过 1000 条.
 */
export const REVIEW_COUNT_CAP = 1000;

/** Where a page starts: after (submitted_at, id), or, in the tail of items without a submission time, after an id. */
type QueuePosition = { at: string; id: string } | { at: null; id: string };

/**
 * Cursors: ['s', µs, id] in the dated part of the queue, ['sn', id] in its undated tail (items with no
 * submission time, sorted last as NULLS LAST did; only rows written without the api have none).
 */
function decodePosition(cursor: string | undefined): QueuePosition | undefined {
  let dated: string[] | undefined;
  try {
    dated = decodeCursor(cursor, 's', ['us', 'uuid']);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    try {
      const [id] = decodeCursor(cursor, 'sn', ['uuid'])!;
      return { at: null, id };
    } catch {
      throw e;
    }
  }
  return dated && { at: dated[0], id: dated[1] };
}

/**
 * The review queue: items waiting at a level this user decides (libs/review says which), oldest
 * submission first (items.submitted_at, set by the submission), one page at a time (keyset on
 * (submitted_at, id): `cursor`), counted up to REVIEW_COUNT_CAP. A page reads the partial index
 * items_review_queue_idx in queue order and asks the reviewer question only until the page is full.
 */
@Injectable()
export class ReviewQueueService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async queue(user: AuthUser, q: ReviewQueueQuery = {}): Promise<ReviewQueue> {
    const pageSize = q.pageSize ?? 100;
    const after = decodePosition(q.cursor);
    const p = reviewQueueParams(user);
    const where = awaitingReviewerSql({ me: '$1::uuid', grants: '$2', defaultPolicy: '$3' });
    const params: unknown[] = [user.id, p.grants, p.defaultPolicy];
    const countParams = [...params];
    const push = (v: unknown) => (params.push(v), `$${params.length}`);
    const limit = pageSize + 1;
    // One branch per part of the index (dated, then the NULL tail): each reads its part in order from the
    // position on (OFFSET 0 keeps the order under the filter) and stops when it has a page; the outer sort
    // sees at most two pages. Row comparison `(submitted_at, id) > (…)` lets the scan start at the position.
    const branch = (range: string, order: string) =>
      `(SELECT i.id, i.submitted_at FROM (SELECT i.* FROM items i WHERE i.status = 'submitted' AND i.author_id <> $1::uuid AND ${range} ORDER BY ${order} OFFSET 0) i
         WHERE ${where} ORDER BY ${order} LIMIT ${limit})`;
    const branches: string[] = [];
    if (!after) {
      branches.push(branch('i.submitted_at IS NOT NULL', 'i.submitted_at ASC, i.id ASC'), branch('i.submitted_at IS NULL', 'i.id ASC'));
    } else if (after.at !== null) {
      branches.push(
        branch(`(i.submitted_at, i.id) > (${tsOfUs(push(after.at))}, CAST(${push(after.id)} AS uuid))`, 'i.submitted_at ASC, i.id ASC'),
        branch('i.submitted_at IS NULL', 'i.id ASC'),
      );
    } else {
      branches.push(branch(`i.submitted_at IS NULL AND i.id > CAST(${push(after.id)} AS uuid)`, 'i.id ASC'));
    }
    const [rows, [{ n }]] = await Promise.all([
      this.ds.query(
        `SELECT i.id, i.title, i.kind, i.organisation_id AS "organisationId", i.review_level AS "reviewLevel", i.index_no AS "indexNo",
                i.updated_at AS "updatedAt", i.submitted_at AS "submittedAt", u.display_name AS "submittedBy",
                CASE WHEN i.submitted_at IS NULL THEN NULL ELSE ${usOf('i.submitted_at')} END AS "_k"
           FROM (${branches.join(' UNION ALL ')}) w
           JOIN items i ON i.id = w.id
           LEFT JOIN LATERAL (SELECT c.user_id FROM item_contributions c WHERE c.item_id = i.id AND c.action = 'submit' ORDER BY c.id DESC LIMIT 1) s ON true
           LEFT JOIN users u ON u.id = s.user_id
          ORDER BY w.submitted_at ASC NULLS LAST, w.id ASC
          LIMIT ${limit}`,
        params,
      ) as Promise<(ReviewQueueRow & { _k: string | null })[]>,
      this.ds.query(cappedCountSql(`FROM items i WHERE ${where}`, REVIEW_COUNT_CAP), countParams) as Promise<{ n: number }[]>,
    ]);
    const page = rows.slice(0, pageSize);
    const last = page[page.length - 1];
    return {
      items: page.map(({ _k, ...r }) => r),
      ...capped(n, REVIEW_COUNT_CAP),
      pageSize,
      nextCursor: rows.length > pageSize ? (last._k === null ? encodeCursor('sn', [last.id]) : encodeCursor('s', [last._k, last.id])) : null,
    };
  }
}
