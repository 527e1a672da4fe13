import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { componentLogger } from '@app/common/logging/logger';
import { DeliveryQueues, EnqueueRequest } from './delivery-queues.service';

export interface SweepResult {
  checked: number;
  added: number;
}

/**
 * Postgres is the source of truth; Redis may lose everything. The sweeper finds every delivery the
 * engine still has work on — due (or due within the look-ahead, so scheduled publications get their
 * delayed job), waiting out a backoff, holding an expired lease, or being withdrawn — and makes sure
 * each has a live job. Deliveries of a stopped account (needs_attention, disabled) are skipped: they
 * resume on the first pass after the operator restores the account. Run by node-cron in the worker
 * and once at worker start; safe to run in several processes at once (adding an existing job is a no-op).
 */
@Injectable()
export class Sweeper {
  private readonly log = componentLogger('sweeper');
  private running: Promise<SweepResult> | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly queues: DeliveryQueues,
  ) {}

  /** One pass; concurrent calls share the pass in progress. */
  sweep(lookAheadMs = 60_000, batch = 5000): Promise<SweepResult> {
    if (!this.running) {
      this.running = this.pass(lookAheadMs, batch).finally(() => (this.running = null));
    }
    return this.running;
  }

  /** Waits for a pass in progress (graceful shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async pass(lookAheadMs: number, batch: number): Promise<SweepResult> {
    let checked = 0;
    let added = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    // Keyset pages so a backlog larger than one batch (Redis flushed under a burst) is covered in one pass.
    for (;;) {
      const rows: { id: string; channel_type: string; channel_account_id: string; state: string; run_at: Date }[] = await this.ds.query(
        `SELECT d.id, d.channel_type, d.channel_account_id, d.state,
                CASE WHEN d.lease_until IS NOT NULL THEN GREATEST(d.lease_until, COALESCE(d.next_attempt_at, d.lease_until))
                     ELSE GREATEST(d.due_at, COALESCE(d.next_attempt_at, d.due_at)) END AS run_at
           FROM deliveries d JOIN channel_accounts a ON a.id = d.channel_account_id
          WHERE d.state IN ('pending','processing','awaiting_confirmation','unconfirmed','withdrawing')
            AND a.enabled AND a.status = 'active' AND d.id > $3
            AND CASE WHEN d.lease_until IS NOT NULL THEN GREATEST(d.lease_until, COALESCE(d.next_attempt_at, d.lease_until))
                     ELSE GREATEST(d.due_at, COALESCE(d.next_attempt_at, d.due_at)) END <= now() + make_interval(secs => $1)
          ORDER BY d.id LIMIT $2`,
        [lookAheadMs / 1000, batch, after],
      );
      if (!rows.length) break;
      checked += rows.length;
      after = rows[rows.length - 1].id;
      const reqs: EnqueueRequest[] = rows.map((r) => ({
        deliveryId: r.id,
        channelType: r.channel_type,
        accountId: r.channel_account_id,
        op: r.state === 'withdrawing' ? 'withdraw' : 'deliver',
        runAt: new Date(r.run_at),
      }));
      try {
        added += (await this.queues.ensureJobs(reqs)).added;
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'sweeper could not reach Redis; next pass retries');
        break;
      }
      if (rows.length < batch) break;
    }
    if (added) this.log.info({ checked, added }, 'sweeper re-enqueued deliveries');
    return { checked, added };
  }
}
