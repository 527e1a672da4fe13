import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as bcrypt from 'bcryptjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { User } from '@app/domain/entities/user.entity';
import { UserRole } from '@app/domain/entities/user-role.entity';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async login(username: string, password: string): Promise<{ accessToken: string; expiresIn: number; user: AuthUser }> {
    const user = await this.ds.getRepository(User).createQueryBuilder('u').addSelect('u.passwordHash').where('u.username = :username', { username }).getOne();
    // Same message whether the user exists or not: no user enumeration.
    if (!user || !user.active || !(await bcrypt.compare(password, user.passwordHash))) {
      throw new AppError(401, 'INVALID_CREDENTIALS', '用户名或密码错误', [{ field: 'password', reason: 'invalid credentials' }]);
    }
    const authUser = await this.authUser(user.id);
    const accessToken = await this.jwt.signAsync({ sub: user.id }, { expiresIn: this.config.JWT_TTL_SECONDS });
    return { accessToken, expiresIn: this.config.JWT_TTL_SECONDS, user: authUser };
  }

  /** Roles are read from the database on every request, so revoking a role takes effect at once. */
  async authUser(userId: string): Promise<AuthUser> {
    const user = await this.ds.getRepository(User).findOneBy({ id: userId, active: true });
    if (!user) throw new AppError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录');
    const roles = await this.ds.getRepository(UserRole).findBy({ userId });
    return { id: user.id, username: user.username, displayName: user.displayName, roles: roles.map((r) => ({ organisationId: r.organisationId, role: r.role })) };
  }

  async verify(token: string): Promise<AuthUser> {
    let payload: { sub: string };
    try {
      payload = await this.jwt.verifyAsync(token);
    } catch {
      throw new AppError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录');
    }
    return this.authUser(payload.sub);
  }

  static hash(password: string): Promise<string> {
    return bcrypt.hash(password, 10);
  }
}
