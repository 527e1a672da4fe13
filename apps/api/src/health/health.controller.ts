import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@app/common/auth/roles.decorator';
import { DeliveryQueues } from '@app/channels/engine/delivery-queues.service';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: HealthService,
    private readonly queues: DeliveryQueues,
  ) {}

  /** 200 when Postgres and Redis answer; 503 with which one does not. */
  @Public()
  @Get()
  async health(@Res() res: Response) {
    const postgres = await this.db.postgresUp();
    const redis = await this.queues.ping();
    const queues = redis ? await this.queues.counts().catch(() => null) : null;
    const ok = postgres && redis;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', postgres, redis, queues });
  }
}
