import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { foldPending } from '@app/stats/rollup-fold';
import type { ScheduledTask } from '../scheduled-task';

/**
 * Rolls the ledger rows published since the last fold into the statistics rollups (migration
 * 1732010000000), in large batches, so that reads of the rollups seldom have any left to fold.
 */
@Injectable()
export class StatsFoldTask implements ScheduledTask {
  readonly name = 'stats-fold';

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @InjectDataSource() private readonly ds: DataSource,
  ) {}

  cron(): string {
    return this.config.STATS_FOLD_CRON;
  }

  run() {
    return foldPending(this.ds, false);
  }
}
