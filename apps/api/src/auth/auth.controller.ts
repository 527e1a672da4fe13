import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import { Public } from '@app/common/auth/roles.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { AppError } from '@app/common/errors/app-error';
import { clientAddress } from './client-address';
import { assertNotForged, clearSessionCookie, fromConsole, requestToken, setSessionCookie } from './auth-token';
import type { LoginResult } from './login-result.types';
import { LoginContext, LoginService } from './login.service';

export class LoginDto {
  @ApiProperty({ example: 'editor' }) @IsString() @MinLength(1) @MaxLength(64) username: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(256) password: string;
  @ApiPropertyOptional({ description: '控制台“在本机保持登录”：登录凭证 Cookie 在令牌有效期内保留（否则关闭浏览器即失效）' })
  @IsOptional()
  @IsBoolean()
  remember?: boolean;
}

export function loginContext(req: Request): LoginContext {
  return { address: clientAddress(req), userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300) };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly login: LoginService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: '登录（失败次数过多将暂时锁定；控制台请求带 X-Requested-With: gd-console 时令牌只写入 HttpOnly Cookie，不在响应中返回）',
  })
  async signIn(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<LoginResult> {
    try {
      const r = await this.login.login(dto.username, dto.password, loginContext(req));
      if (!fromConsole(req)) return r;
      // The console gets its token as a cookie no script can read, never in the body.
      setSessionCookie(req, res, r.accessToken, dto.remember ? r.expiresIn : null);
      return { expiresIn: r.expiresIn, user: r.user };
    } catch (e) {
      const wait = (e as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (e instanceof AppError && wait) res.setHeader('Retry-After', String(wait));
      throw e;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: '退出登录：结束本次会话（令牌随即失效），清除控制台的登录 Cookie' })
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const t = requestToken(req);
    if (t) {
      assertNotForged(req, t);
      await this.login.logout(t.token, loginContext(req));
    }
    clearSessionCookie(req, res);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return user;
  }
}
