import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { SecretBox } from '@app/common/crypto/secret-box';
import { componentLogger } from '@app/common/logging/logger';
import { JOB_RETENTION, NOTIFICATION_WEBHOOK_QUEUE } from '@app/common/queue/queue-names';
import { producerConnection, workerConnection } from '@app/channels/engine/redis-connection';
import { NOTIFICATION_KIND_LABELS, type NotificationKind } from '@app/persistence/notifications/notification.types';
import { postWebhook } from './webhook-post';

/** Tries per copy, with exponential backoff from RETRY_BASE_MS (2 s, 4 s … about four minutes in all). */
export const WEBHOOK_ATTEMPTS = 8;
const RETRY_BASE_MS = 2000;
/** Pending copies taken per sweep. */
const SWEEP_BATCH = 500;

interface PushJob {
  notificationId: string;
}

interface PushRow {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  webhook_state: string | null;
  user_id: string;
  username: string;
  display_name: string;
  organisation_id: string | null;
  org_name: string | null;
  org_code: string | null;
  url: string | null;
  secret_enc: string | null;
  enabled: boolean | null;
}

/**
 * Pushes notifications to their organisation's webhook (the nearest organisation up the tree that set
 * one): each `pending` row of `notifications` (the outbox) becomes one BullMQ job (id from the row, so
 * a sweep that sees it again adds nothing), POSTed as signed JSON through the SSRF guard, retried with
 * backoff; each attempt's outcome is written on the row (`webhook_attempts`, `webhook_error`), and the
 * row ends `sent` or `failed`, which the admin sees beside the setting.
 */
@Injectable()
export class NotificationWebhookPusher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = componentLogger('notification-webhook');
  private readonly box: SecretBox;
  private queue: Queue<PushJob> | null = null;
  private worker: Worker<PushJob> | null = null;
  private connections: IORedis[] = [];

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.ENCRYPTION_KEY);
  }

  onApplicationBootstrap(): void {
    const url = this.config.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const producer = producerConnection(url);
    const consumer = workerConnection(url);
    this.connections = [producer, consumer];
    const prefix = this.config.QUEUE_PREFIX;
    this.queue = new Queue<PushJob>(NOTIFICATION_WEBHOOK_QUEUE, {
      connection: producer,
      prefix,
      defaultJobOptions: { attempts: WEBHOOK_ATTEMPTS, backoff: { type: 'exponential', delay: RETRY_BASE_MS }, ...JOB_RETENTION },
    });
    this.queue.on('error', (e) => this.log.warn({ err: e.message }, 'webhook queue error'));
    this.worker = new Worker<PushJob>(NOTIFICATION_WEBHOOK_QUEUE, (job) => this.push(job), { connection: consumer, prefix, concurrency: 4 });
    this.worker.on('error', (e) => this.log.warn({ err: e.message }, 'webhook worker error'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue?.close().catch(() => undefined);
    for (const c of this.connections) c.disconnect();
    this.worker = null;
    this.queue = null;
    this.connections = [];
  }

  /** One job per pending copy (the schedule runs this; a job already there for a row is not added twice). */
  async sweep(): Promise<number> {
    if (!this.queue) return 0;
    const rows: { id: string }[] = await this.ds.query(`SELECT id FROM notifications WHERE webhook_state = 'pending' ORDER BY created_at LIMIT ${SWEEP_BATCH}`);
    if (rows.length) await this.queue.addBulk(rows.map((r) => ({ name: 'push', data: { notificationId: r.id }, opts: { jobId: `nw-${r.id}` } })));
    return rows.length;
  }

  private async push(job: Job<PushJob>): Promise<void> {
    const rows: PushRow[] = await this.ds.query(
      `SELECT n.id, n.kind, n.title, n.body, n.link, n.created_at, n.webhook_state, n.user_id, u.username, u.display_name,
              n.organisation_id, o.name AS org_name, o.code AS org_code, w.url, w.secret_enc, w.enabled
         FROM notifications n JOIN users u ON u.id = n.user_id LEFT JOIN organisations o ON o.id = n.organisation_id
         LEFT JOIN LATERAL (SELECT x.url, x.secret_enc, x.enabled FROM notification_webhooks x JOIN organisations a ON a.id = x.organisation_id
                             WHERE o.path LIKE a.path || '%' ORDER BY length(a.path) DESC LIMIT 1) w ON true
        WHERE n.id = $1`,
      [job.data.notificationId],
    );
    const n = rows[0];
    if (!n || n.webhook_state !== 'pending') return;
    if (!n.url || !n.secret_enc || !n.enabled) {
      await this.record(n.id, 'failed', '机构已取消或停用通知转发，未推送');
      return;
    }
    const body = JSON.stringify({
      id: n.id,
      kind: n.kind,
      kindLabel: NOTIFICATION_KIND_LABELS[n.kind] ?? n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      createdAt: new Date(n.created_at).toISOString(),
      organisation: n.organisation_id ? { id: n.organisation_id, name: n.org_name, code: n.org_code } : null,
      recipient: { id: n.user_id, username: n.username, displayName: n.display_name },
    });
    const out = await postWebhook(n.url, this.box.open(n.secret_enc), body, { allowLoopback: this.config.NODE_ENV === 'test' });
    if (out.ok) {
      await this.record(n.id, 'sent', null);
      return;
    }
    const last = out.permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.record(n.id, last ? 'failed' : 'pending', out.error);
    if (out.permanent) throw new UnrecoverableError(out.error);
    // BullMQ tries again after its backoff (the row stays pending, with this attempt's error)
    throw new Error(out.error);
  }

  private async record(id: string, state: 'pending' | 'sent' | 'failed', error: string | null): Promise<void> {
    await this.ds.query(
      `UPDATE notifications SET webhook_state = $2, webhook_attempts = webhook_attempts + 1, webhook_error = $3, webhook_at = now() WHERE id = $1`,
      [id, state, error],
    );
  }
}
