import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '@app/common/auth/current-user.decorator';
import type { AuthUser } from '@app/common/auth/auth-user';
import { LoginUnlockService } from './login-unlock.service';

/** An admin lifts a user's sign-in lockout (the same scope rule as every other change to a user). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class LoginUnlockController {
  constructor(private readonly unlocks: LoginUnlockService) {}

  @Post('users/:id/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: '解除用户因多次登录失败造成的锁定（清零失败计数；记入审计）' })
  unlock(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<{ id: string; username: string; wasLocked: boolean }> {
    return this.unlocks.unlock(user, id);
  }
}
