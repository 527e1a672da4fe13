import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@app/common/errors/app-error';
import { PUBLIC_KEY, ROLES_KEY } from '@app/common/auth/roles.decorator';
import type { Role } from '@app/domain/enums/domain-enums';
import { AuthService } from './auth.service';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(); routes marked
 * @Roles(...) need one of those roles somewhere (services check the organisation). The token may also
 * come as ?access_token= for EventSource and download links, which cannot set headers.
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
    const header: string | undefined = req.headers?.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : typeof req.query?.access_token === 'string' ? req.query.access_token : undefined;
    if (!token) throw new AppError(401, 'UNAUTHENTICATED', '请先登录');
    req.user = await this.auth.verify(token);
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (roles?.length && !req.user.roles.some((r: { role: Role }) => roles.includes(r.role))) {
      throw AppError.forbidden('FORBIDDEN_ROLE', `此操作需要以下角色之一：${roles.join('/')}`);
    }
    return true;
  }
}
