import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { rolesFor, type Permission } from '@app/common/auth/permissions';
import { componentLogger } from '@app/common/logging/logger';
import { returning } from '@app/domain/services/sql';
import type { NewNotification, NotificationList, NotificationRow } from './notification.types';

type Q = Pick<EntityManager, 'query'>;

/** SQL: 'pending' when the organisation $2 or an ancestor has an enabled webhook (the worker pushes a copy), else NULL. */
const WEBHOOK_STATE_SQL = `CASE WHEN EXISTS (SELECT 1 FROM organisations o JOIN notification_webhooks w ON w.enabled
    JOIN organisations a ON a.id = w.organisation_id WHERE o.id = $2::uuid AND o.path LIKE a.path || '%') THEN 'pending' END`;

const INSERT_SQL = (recipients: string) => `
  INSERT INTO notifications (user_id, organisation_id, kind, title, body, link, dedupe_key, webhook_state)
  SELECT r.user_id, $2::uuid, $3, $4, $5, $6, $7, ${WEBHOOK_STATE_SQL}
    FROM (${recipients}) r JOIN users u ON u.id = r.user_id AND u.active
  ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
  RETURNING id`;

const COLUMNS = `id, kind, title, body, link, created_at AS "createdAt", read_at AS "readAt"`;

/**
 * The in-console notifications (table `notifications`): written where the news happens (a rejection in
 * libs/review, a delivery failing or waiting for a person in the delivery engine's outcome path, a
 * deadline in the compliance scan), read and marked read by their recipient. Each row is also the
 * outbox of its organisation's webhook (`webhook_state` 'pending', pushed by the worker). Who is told
 * is a permission (notification.delivery, notification.deadline) over the organisation, or named users.
 *
 * Writing a notification never fails the work it reports: outside a caller's transaction an error is
 * logged and swallowed (the delivery already failed, the scan already ran); inside one (a rejection) it
 * is part of that transaction.
 */
@Injectable()
export class NotificationsService {
  private readonly log = componentLogger('notifications');

  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** To the named (active) users. Returns how many rows were written. */
  async toUsers(em: Q | null, userIds: string[], n: NewNotification): Promise<number> {
    if (!userIds.length) return 0;
    return this.insert(em, `SELECT unnest($1::uuid[]) AS user_id`, [[...new Set(userIds)]], n);
  }

  /** To every (active) holder of `permission` in the organisation or an ancestor (grants apply to subtrees). */
  async toPermission(em: Q | null, permission: Permission, n: NewNotification): Promise<number> {
    return this.insert(
      em,
      `SELECT DISTINCT ur.user_id FROM user_roles ur JOIN organisations o ON o.id = $2::uuid
        WHERE ur.role = ANY($1::text[]) AND o.path LIKE '%/' || ur.organisation_id || '/%'`,
      [rolesFor(permission)],
      n,
    );
  }

  /**
   * A delivery failed, or its outcome waits for a person (待人工核实): the operators of its organisation
   * are told, with the item, the account and the reason. Called after the state change was written.
   */
  async deliveryProblem(deliveryId: string, kind: 'delivery_failed' | 'manual_check'): Promise<void> {
    try {
      const rows: { item_id: string; organisation_id: string; title: string; account: string; message: string | null }[] = await this.ds.query(
        `SELECT d.item_id, d.organisation_id, i.title, a.name AS account, d.last_error_message AS message
           FROM deliveries d JOIN items i ON i.id = d.item_id JOIN channel_accounts a ON a.id = d.channel_account_id WHERE d.id = $1`,
        [deliveryId],
      );
      const d = rows[0];
      if (!d) return;
      const what = kind === 'delivery_failed' ? '发布失败' : '发布结果待人工核实';
      await this.toPermission(null, 'notification.delivery', {
        kind,
        organisationId: d.organisation_id,
        title: `${what}：${d.title}`,
        body: `渠道账号「${d.account}」${d.message ? `：${d.message}` : ''}`.slice(0, 1000),
        link: `/monitor?delivery=${deliveryId}`,
      });
    } catch (e) {
      this.log.warn({ err: (e as Error).message, deliveryId, kind }, 'notification not written');
    }
  }

  private async insert(em: Q | null, recipients: string, first: unknown[], n: NewNotification): Promise<number> {
    const params = [...first, n.organisationId, n.kind, n.title.slice(0, 300), n.body.slice(0, 2000), n.link, n.dedupeKey ?? null];
    const run = async () => (await returning(em ?? this.ds, INSERT_SQL(recipients), params)).length;
    if (em) return run();
    try {
      return await run();
    } catch (e) {
      this.log.warn({ err: (e as Error).message, kind: n.kind }, 'notification not written');
      return 0;
    }
  }

  /** The user's notifications, newest first (`unread`: only those not read yet). */
  async list(userId: string, o: { unread?: boolean; page?: number; pageSize?: number } = {}): Promise<NotificationList> {
    const page = Math.max(1, o.page ?? 1);
    const pageSize = Math.min(100, Math.max(1, o.pageSize ?? 30));
    const filter = o.unread ? 'AND read_at IS NULL' : '';
    const [rows, counts] = await Promise.all([
      this.ds.query(`SELECT ${COLUMNS} FROM notifications WHERE user_id = $1 ${filter} ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`, [
        userId,
        pageSize,
        (page - 1) * pageSize,
      ]) as Promise<NotificationRow[]>,
      this.ds.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notifications WHERE user_id = $1`, [
        userId,
      ]) as Promise<{ total: number; unread: number }[]>,
    ]);
    const { total, unread } = counts[0];
    return { notifications: rows, total: o.unread ? unread : total, unread, page, pageSize };
  }

  /** Marks one of the user's notifications read (only theirs); null when it is not theirs. */
  async markRead(userId: string, id: string): Promise<NotificationRow | null> {
    const rows = await returning<NotificationRow>(
      this.ds,
      `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, userId],
    );
    return rows[0] ?? null;
  }

  /** Marks all of the user's notifications read; returns how many were unread. */
  async markAllRead(userId: string): Promise<number> {
    const rows = await returning(this.ds, `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id`, [userId]);
    return rows.length;
  }
}
