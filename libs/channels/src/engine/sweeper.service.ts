import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { DeliveryQueues } from './delivery-queues.service';

/**
 * Postgres is the source of truth; Redis may lose everything. The sweeper finds deliveries that are
 * due (or will be within the look-ahead) or whose processing lease expired, and makes sure each has a
 * live job. Run by node-cron in the worker and once at worker start.
 */
@Injectable()
export class Sweeper {
  private readonly log = componentLogger('sweeper');
  private running: Promise<{ checked: number; added: number }> | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly queues: DeliveryQueues,
  ) {}

  /** One pass; concurrent calls share the pass in progress. */
  sweep(lookAheadMs = 60_000, batch = 5000): Promise<{ checked: number; added: number }> {
    if (!this.running) {
      this.running = this.pass(lookAheadMs, batch).finally(() => (this.running = null));
    }
    return this.running;
  }

  private async pass(lookAheadMs: number, batch: number) {
    const rows: { id: string; channel_type: string; state: string; run_at: Date }[] = await this.ds.query(
      `SELECT d.id, d.channel_type, d.state, GREATEST(d.due_at, COALESCE(d.next_attempt_at, d.due_at)) AS run_at
         FROM deliveries d JOIN channel_accounts a ON a.id = d.channel_account_id
        WHERE a.enabled AND a.status = 'active' AND (
              (d.state IN ('pending','unconfirmed','awaiting_confirmation')
                 AND GREATEST(d.due_at, COALESCE(d.next_attempt_at, d.due_at)) <= now() + make_interval(secs => $1))
           OR (d.state = 'processing' AND d.lease_until < now())
           OR d.state = 'withdrawing')
        ORDER BY run_at LIMIT $2`,
      [lookAheadMs / 1000, batch],
    );
    let added = 0;
    for (const r of rows) {
      try {
        const op = r.state === 'withdrawing' ? 'withdraw' : 'deliver';
        const res = await this.queues.ensureJob({ deliveryId: r.id, channelType: r.channel_type, op, runAt: new Date(r.run_at) });
        if (res === 'added') added++;
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'sweeper could not reach Redis; next pass retries');
        break;
      }
    }
    if (added) this.log.info({ checked: rows.length, added }, 'sweeper re-enqueued deliveries');
    return { checked: rows.length, added };
  }
}
