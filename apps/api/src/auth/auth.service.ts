import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as bcrypt from 'bcryptjs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/common/config/app-config';
import { AppError } from '@app/common/errors/app-error';
import type { AuthUser } from '@app/common/auth/auth-user';
import { User } from '@app/domain/entities/user.entity';
import { isUuid } from '@app/common/ids/is-uuid';

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

  /**
   * Roles are read from the database on every request, so revoking a role (or deactivating the user)
   * takes effect at once. One statement: this runs in front of every API call.
   */
  async authUser(userId: string): Promise<AuthUser> {
    const rows: { id: string; username: string; display_name: string; roles: { organisationId: string; role: AuthUser['roles'][number]['role'] }[] }[] = isUuid(userId)
      ? await this.ds.query(
          `SELECT u.id, u.username, u.display_name,
                  COALESCE(json_agg(json_build_object('organisationId', r.organisation_id, 'role', r.role)) FILTER (WHERE r.user_id IS NOT NULL), '[]') AS roles
             FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
            WHERE u.id = $1 AND u.active
            GROUP BY u.id`,
          [userId],
        )
      : [];
    const user = rows[0];
    if (!user) throw new AppError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录');
    return { id: user.id, username: user.username, displayName: user.display_name, roles: user.roles };
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
