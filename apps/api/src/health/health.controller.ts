import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '@app/common/auth/roles.decorator';
import { DeliveryQueues } from '@app/channels/engine/delivery-queues.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly queues: DeliveryQueues,
  ) {}

  /** 200 when Postgres and Redis answer; 503 with which one does not. */
  @Public()
  @Get()
  async health(@Res() res: Response) {
    const postgres = await this.ds.query('SELECT 1').then(() => true, () => false);
    const redis = await this.queues.ping();
    const queues = redis ? await this.queues.counts().catch(() => null) : null;
    const ok = postgres && redis;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, redis, queues });
  }
}
