import { Controller, Get, OnModuleInit, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { RequirePermission } from '@app/common/auth/require-permission.decorator';
import { DeliveryQueues } from '@app/channels/engine/delivery-queues.service';
import { EngineMetrics } from '@app/channels/engine/engine-metrics.service';
import { MetricsQuery } from './operator.dto';
import { OperatorService } from './operator.service';
import { DeliveryStateCounts } from './delivery-state-counts.service';

/**
 * Prometheus metrics at /metrics (outside /api/v1), for the operator role (a scraper sends a bearer
 * token or ?access_token=). Gauges are read at scrape time from Postgres (deliveries by state and
 * channel: DeliveryStateCounts, settled states at most once a minute; stopped accounts) and BullMQ
 * (queue depth); attempt latency and step outcomes are measured by the worker processes and kept in
 * Redis, so every api process reports the whole installation.
 */
@ApiTags('operator')
@ApiBearerAuth()
@RequirePermission('delivery.operate')
@Controller()
export class EngineMetricsController implements OnModuleInit {
  private readonly registry = new Registry();

  constructor(
    private readonly ops: OperatorService,
    private readonly queues: DeliveryQueues,
    private readonly metrics: EngineMetrics,
    private readonly stateCounts: DeliveryStateCounts,
  ) {}

  onModuleInit() {
    const ops = this.ops;
    const queues = this.queues;
    const stateCounts = this.stateCounts;
    collectDefaultMetrics({ register: this.registry, prefix: 'gd_api_' });
    new Gauge({
      name: 'gd_deliveries',
      help: 'Deliveries by state and channel type',
      labelNames: ['state', 'channel'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const { rows } = await stateCounts.counts();
        for (const r of rows) this.set({ state: r.state, channel: r.channel }, r.n);
      },
    });
    new Gauge({
      name: 'gd_deliveries_settled_age_seconds',
      help: 'Age of the gd_deliveries counts of settled states (published, withdrawn, cancelled, failed), counted at most once a minute',
      registers: [this.registry],
      async collect() {
        this.set((await stateCounts.counts()).settledAgeSeconds);
      },
    });
    new Gauge({
      name: 'gd_delivery_queue_jobs',
      help: 'BullMQ jobs per delivery queue and job state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const counts = await queues.counts().catch(() => ({}) as Record<string, Record<string, number>>);
        for (const [queue, byState] of Object.entries(counts)) for (const [state, n] of Object.entries(byState)) this.set({ queue, state }, n);
      },
    });
    new Gauge({
      name: 'gd_channel_accounts_needing_attention',
      help: 'Channel accounts stopped until an operator fixes them',
      labelNames: ['channel'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await ops.stoppedAccountCounts();
        for (const r of rows) this.set({ channel: r.channel }, r.n);
      },
    });
  }

  @Get('metrics')
  @ApiOperation({ summary: 'Prometheus 指标（需渠道运维或管理员角色）' })
  async scrape(@Query() _q: MetricsQuery, @Res() res: Response) {
    const parts = [await this.registry.metrics(), await this.engineText()];
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(parts.join('\n'));
  }

  /** The worker-measured series, written in the exposition format (a histogram and a counter). */
  private async engineText(): Promise<string> {
    const lines: string[] = [];
    const hist = await this.metrics.readHistograms().catch(() => []);
    lines.push('# HELP gd_delivery_attempt_duration_seconds Duration of calls to outside systems (deliver, confirm, reconcile, withdraw)');
    lines.push('# TYPE gd_delivery_attempt_duration_seconds histogram');
    for (const h of hist) {
      const ch = escapeLabel(h.channel);
      for (const b of h.buckets) lines.push(`gd_delivery_attempt_duration_seconds_bucket{channel="${ch}",le="${b.le}"} ${b.count}`);
      lines.push(`gd_delivery_attempt_duration_seconds_sum{channel="${ch}"} ${h.sum}`);
      lines.push(`gd_delivery_attempt_duration_seconds_count{channel="${ch}"} ${h.count}`);
    }
    const outcomes = await this.metrics.readOutcomes().catch(() => []);
    lines.push('# HELP gd_delivery_step_outcomes_total Delivery steps by outcome (published, failed, retryable, rate_limited, credentials, unknown, ...)');
    lines.push('# TYPE gd_delivery_step_outcomes_total counter');
    for (const o of outcomes) lines.push(`gd_delivery_step_outcomes_total{channel="${escapeLabel(o.channel)}",outcome="${escapeLabel(o.outcome)}"} ${o.count}`);
    return lines.join('\n') + '\n';
  }
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
