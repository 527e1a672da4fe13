import { Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@app/common/auth/roles.decorator';
import { AppError } from '@app/common/errors/app-error';
import { ChannelCallbackService } from './channel-callback.service';

const MAX_BODY = 64 * 1024;

/**
 * /api/v1/callbacks/:channelType/:accountId — the URL to configure on a platform for an account (e.g.
 * WeChat's server URL: /api/v1/callbacks/wechat/<account id>). Public: each channel verifies the
 * platform's own signature (libs/channels/src/<type>/, ChannelAdapter.callbacks).
 */
@ApiExcludeController()
@Controller('callbacks')
export class ChannelCallbackController {
  constructor(private readonly callbacks: ChannelCallbackService) {}

  @Public()
  @Get(':channelType/:accountId')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  verify(@Param('channelType') type: string, @Param('accountId') accountId: string, @Query() q: Record<string, string>): Promise<string> {
    return this.callbacks.verify(type, accountId, q);
  }

  @Public()
  @Post(':channelType/:accountId')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  async receive(
    @Param('channelType') type: string,
    @Param('accountId') accountId: string,
    @Query() q: Record<string, string>,
    @Req() req: Request,
  ): Promise<string> {
    return this.callbacks.receive(type, accountId, q, await readBody(req));
  }
}

/** The raw body (platforms post XML, which express.json / urlencoded leave unread), at most 64 KB. */
async function readBody(req: Request): Promise<string> {
  if (typeof req.body === 'string') return req.body;
  if (Buffer.isBuffer(req.body)) return req.body.toString('utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw AppError.badRequest('CALLBACK_BODY_TOO_LARGE', '回调内容过大');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
