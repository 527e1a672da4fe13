import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { componentLogger } from '@app/common/logging/logger';
import { GazetteIssueService } from './gazette-issue.service';
import { periodKey } from './gazette-numbering';
import { parseGazetteSettings } from './gazette-settings';

export interface ScheduleOutcome {
  accountId: string;
  period: string | null;
  outcome: 'baseline' | 'compiled' | 'published' | 'nothing' | 'skipped' | 'error';
  issueId?: string;
  error?: string;
}

/**
 * Worker side: compiles each gazette's next issue once per period of its frequency (monthly,
 * semi-monthly, bimonthly; Beijing calendar), and publishes it too when the gazette's settings say
 * `autoPublish` (off by default: an operator checks the contents first). A gazette seen for the first
 * time only records the current period, so installing the system mid-month does not compile at once.
 * Also rewrites pages of published issues whose writing was interrupted. Several workers may run the
 * schedule: the (gazette, period) row decides which one compiles. Scheduled by the worker's schedule
 * registry (GAZETTE_CRON).
 */
@Injectable()
export class GazetteScheduler {
  private readonly log = componentLogger('gazette-schedule');
  private running: Promise<ScheduleOutcome[]> | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly issues: GazetteIssueService,
  ) {}

  /** One pass; concurrent calls share it. */
  tick(now = new Date()): Promise<ScheduleOutcome[]> {
    if (!this.running) this.running = this.pass(now).finally(() => (this.running = null));
    return this.running;
  }

  private async pass(now: Date): Promise<ScheduleOutcome[]> {
    const accounts: { id: string; name: string; settings: Record<string, any> }[] = await this.ds.query(
      `SELECT id, name, settings FROM channel_accounts WHERE channel_type = 'gazette' AND enabled ORDER BY id`,
    );
    const out: ScheduleOutcome[] = [];
    for (const a of accounts) out.push(await this.runFor(a, now));
    for (const id of await this.issues.accountsWithUnwrittenPages()) {
      await this.issues.writeSite(id).catch((e) => this.log.warn({ err: (e as Error).message, accountId: id }, 'gazette pages still not written'));
    }
    return out;
  }

  private async runFor(a: { id: string; name: string; settings: Record<string, any> }, now: Date): Promise<ScheduleOutcome> {
    const { settings } = parseGazetteSettings(a.settings, a.name);
    const period = periodKey(settings.frequency, now);
    if (!period) return { accountId: a.id, period, outcome: 'skipped' };
    const seen = await this.ds.query(`SELECT 1 FROM gazette_schedule_runs WHERE channel_account_id = $1 LIMIT 1`, [a.id]);
    if (!seen.length) {
      await this.ds.query(`INSERT INTO gazette_schedule_runs (channel_account_id, period, outcome) VALUES ($1, $2, 'baseline') ON CONFLICT DO NOTHING`, [
        a.id,
        period,
      ]);
      return { accountId: a.id, period, outcome: 'baseline' };
    }
    const claimed = await this.ds.query(
      `INSERT INTO gazette_schedule_runs (channel_account_id, period, outcome) VALUES ($1, $2, 'running') ON CONFLICT DO NOTHING RETURNING period`,
      [a.id, period],
    );
    if (!claimed.length) return { accountId: a.id, period, outcome: 'skipped' };
    try {
      const issue = await this.issues.compile(a.id, null, now);
      let outcome: ScheduleOutcome['outcome'] = issue && issue.status === 'compiled' ? 'compiled' : 'nothing';
      if (issue && outcome === 'compiled' && settings.autoPublish) {
        await this.issues.publish(issue.id, null, now);
        outcome = 'published';
      }
      await this.ds.query(`UPDATE gazette_schedule_runs SET outcome = $3, issue_id = $4, ran_at = now() WHERE channel_account_id = $1 AND period = $2`, [
        a.id,
        period,
        outcome,
        issue?.id ?? null,
      ]);
      this.log.info({ accountId: a.id, period, outcome, issueId: issue?.id }, 'gazette schedule ran');
      return { accountId: a.id, period, outcome, issueId: issue?.id };
    } catch (e) {
      // Forget the claim so the next pass tries again.
      await this.ds.query(`DELETE FROM gazette_schedule_runs WHERE channel_account_id = $1 AND period = $2`, [a.id, period]);
      this.log.warn({ err: (e as Error).message, accountId: a.id, period }, 'gazette schedule could not compile');
      return { accountId: a.id, period, outcome: 'error', error: (e as Error).message };
    }
  }
}
