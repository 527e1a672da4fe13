import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { Request } from 'express';
import { Public } from '@app/common/auth/roles.decorator';
import { clientAddress } from '../../auth/client-address';
import { SetPasswordService } from './set-password.service';

export class SetPasswordWithLinkDto {
  @ApiProperty({ description: '设置密码链接中的令牌' }) @IsString() @MinLength(10) @MaxLength(200) token: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(256) password: string;
}

@ApiTags('auth')
@Controller('auth')
export class SetPasswordController {
  constructor(private readonly service: SetPasswordService) {}

  @Public()
  @Post('set-password')
  @HttpCode(200)
  @ApiOperation({ summary: '通过一次性链接设置密码（导入的用户首次登录前；链接过期或已使用即失效；失败次数计入该网络地址的登录限制）' })
  setPassword(@Body() dto: SetPasswordWithLinkDto, @Req() req: Request): Promise<{ username: string }> {
    return this.service.setPassword(dto.token, dto.password, clientAddress(req));
  }
}
