import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { OrgScopeService } from '@app/domain/services/org-scope.service';
import { DeliveryStream } from './delivery-stream.service';
import { DeliveryStreamQuery } from './operator.dto';
import { rolesFor } from '@app/common/auth/permissions';

/**
 * Server-sent events: `GET /api/v1/deliveries/events?access_token=...` (EventSource cannot set
 * headers, so the token may come in the query). Events: `ready` once listening, `delivery` for each
 * change the user may see ({id, itemId, state, channelType, channelAccountId, organisationId,
 * versionNo, at}), `resync` when changes may have been missed (refetch lists); a comment every 15 s
 * keeps proxies from closing the stream.
 */
@ApiTags('deliveries')
@Controller('deliveries')
export class DeliveryStreamController {
  constructor(
    private readonly stream: DeliveryStream,
    private readonly scope: OrgScopeService,
  ) {}

  @Get('events')
  @ApiOperation({ summary: '发送状态实时推送（SSE）' })
  async events(@CurrentUser() user: AuthUser, @Query() q: DeliveryStreamQuery, @Req() req: Request, @Res() res: Response) {
    const visible = new Set(await this.scope.scopeOrgIds(user, rolesFor('org.view')));
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    let seq = 0;
    const unsubscribe = this.stream.subscribe((m) => {
      if (m.type === 'resync') {
        res.write(`event: resync\ndata: {}\n\n`);
        return;
      }
      const c = m.change;
      if (!visible.has(c.organisationId)) return;
      if (q.item && c.itemId !== q.item) return;
      if (q.organisation && c.organisationId !== q.organisation) return;
      if (q.channel && c.channelType !== q.channel) return;
      res.write(`id: ${++seq}\nevent: delivery\ndata: ${JSON.stringify(c)}\n\n`);
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    req.on('close', () => {
      clearInterval(ping);
      unsubscribe();
    });
    await this.stream.ready();
    res.write(`event: ready\ndata: {}\n\n`);
  }
}
