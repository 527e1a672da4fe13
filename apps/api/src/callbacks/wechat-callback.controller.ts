import { Controller, Get, Header, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@app/common/auth/roles.decorator';
import { AppError } from '@app/common/errors/app-error';
import type { EncryptedQuery } from './wechat-callback-crypto';
import { SignatureQuery, WechatCallbackService } from './wechat-callback.service';

const MAX_BODY = 64 * 1024;

/**
 * POST /api/v1/callbacks/wechat/:accountId — the server URL to configure on the WeChat platform for
 * the account (plaintext, compatible or safe mode; the last two need the account's encodingAesKey).
 * Public: WeChat signs with the account's Token instead.
 */
@ApiExcludeController()
@Controller('callbacks/wechat')
export class WechatCallbackController {
  constructor(private readonly callbacks: WechatCallbackService) {}

  @Public()
  @Get(':accountId')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  verify(@Param('accountId') accountId: string, @Query() q: SignatureQuery): Promise<string> {
    return this.callbacks.verifyUrl(accountId, q);
  }

  @Public()
  @Post(':accountId')
  @HttpCode(200)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  async receive(@Param('accountId') accountId: string, @Query() q: SignatureQuery & EncryptedQuery, @Req() req: Request): Promise<string> {
    await this.callbacks.receive(accountId, q, await readBody(req));
    // WeChat only wants a quick "success" (anything else makes it retry).
    return 'success';
  }
}

/** The XML body: express.json / urlencoded leave text/xml unread, so read the stream here. */
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
