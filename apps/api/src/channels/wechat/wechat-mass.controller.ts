import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { WechatMassApiService } from './wechat-mass-api.service';

export class WechatPreviewDto {
  @ApiProperty({ description: '要接收预览的微信公众号渠道账号' })
  @IsString()
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'must be a channel account id' })
  accountId: string;
  @ApiProperty({ description: '接收预览的微信号（须已关注该公众号）' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'must be a WeChat ID (letters, digits, _ and -)' })
  towxname: string;
}

@ApiTags('wechat')
@ApiBearerAuth()
@Controller()
export class WechatMassController {
  constructor(private readonly svc: WechatMassApiService) {}

  @Get('channel-accounts/:id/quota')
  @ApiOperation({ summary: '微信公众号群发额度（订阅号每天 1 次，服务号每月 4 条；按北京时间计）' })
  quota(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.svc.quota(user, id);
  }

  @Post('items/:id/wechat-preview')
  @HttpCode(200)
  @ApiOperation({ summary: '把信息以群发图文的形式预览发送到指定微信号（审核人；留痕）' })
  preview(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: WechatPreviewDto) {
    return this.svc.preview(user, id, dto);
  }
}
