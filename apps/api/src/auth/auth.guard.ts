import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@app/common/errors/app-error';
import { PUBLIC_KEY } from '@app/common/auth/roles.decorator';
import { PERMISSION_KEY } from '@app/common/auth/require-permission.decorator';
import { can, PERMISSIONS, type Permission } from '@app/common/auth/permissions';
import { ROLE_LABELS } from '@app/common/auth/roles';
import { AuthService } from './auth.service';
import { assertNotForged, requestToken } from './auth-token';

/**
 * Global guard: every route needs a valid token unless marked @Public(); routes marked
 * @RequirePermission(p) need a role granting p somewhere (services check the organisation). The token comes as a bearer
 * header (API clients), ?access_token= (clients that cannot set headers) or the console's HttpOnly
 * cookie, which unsafe requests must back with the console header (auth-token.ts).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest();
    const t = requestToken(req);
    if (!t) throw new AppError(401, 'UNAUTHENTICATED', '请先登录');
    assertNotForged(req, t);
    const { user, sessionId } = await this.auth.verifySession(t.token);
    req.user = user;
    req.sessionId = sessionId;
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(PERMISSION_KEY, targets);
    if (permission && !can(req.user, permission)) {
      const roles = PERMISSIONS[permission].map((r) => ROLE_LABELS[r]).join('/');
      throw new AppError(403, 'FORBIDDEN_ROLE', `此操作需要以下角色之一：${roles}`, [{ field: 'permission', reason: permission }]);
    }
    return true;
  }
}
