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
import type { LoginResult } from './login-result.types';

const sessionEnded = () => new AppError(401, 'UNAUTHENTICATED', '登录已失效，请重新登录');

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.ds
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect(['u.passwordHash', 'u.sessionEpoch'])
      .where('u.username = :username', { username })
      .getOne();
    // Same message whether the user exists or not: no user enumeration.
    if (!user || !user.active || !(await bcrypt.compare(password, user.passwordHash))) {
      throw new AppError(401, 'INVALID_CREDENTIALS', '用户名或密码错误', [{ field: 'password', reason: 'invalid credentials' }]);
    }
    const authUser = await this.authUser(user.id, user.sessionEpoch);
    const accessToken = await this.jwt.signAsync({ sub: user.id, se: user.sessionEpoch }, { expiresIn: this.config.JWT_TTL_SECONDS });
    return { accessToken, expiresIn: this.config.JWT_TTL_SECONDS, user: authUser };
  }

  /**
   * Roles are read from the database on every request, so revoking a role (or deactivating the user)
   * takes effect at once; a token signed in an earlier session epoch (before the account was switched
   * off or its password set anew) is refused. One statement: this runs in front of every API call.
   */
  async authUser(userId: string, sessionEpoch = 0): Promise<AuthUser> {
    const rows: { id: string; username: string; display_name: string; roles: { organisationId: string; role: AuthUser['roles'][number]['role'] }[] }[] = isUuid(userId)
      ? await this.ds.query(
          `SELECT u.id, u.username, u.display_name,
                  COALESCE(json_agg(json_build_object('organisationId', r.organisation_id, 'role', r.role)) FILTER (WHERE r.user_id IS NOT NULL), '[]') AS roles
             FROM users u LEFT JOIN user_roles r ON r.user_id = u.id
            WHERE u.id = $1 AND u.active AND u.session_epoch = $2
            GROUP BY u.id`,
          [userId, sessionEpoch],
        )
      : [];
    const user = rows[0];
    if (!user) throw sessionEnded();
    return { id: user.id, username: user.username, displayName: user.display_name, roles: user.roles };
  }

  async verify(token: string): Promise<AuthUser> {
    let payload: { sub: string; se?: unknown };
    try {
      payload = await this.jwt.verifyAsync(token);
    } catch {
      throw sessionEnded();
    }
    // tokens signed before session epochs existed carry none: epoch 0
    const epoch = payload.se === undefined ? 0 : payload.se;
    if (!Number.isInteger(epoch)) throw sessionEnded();
    return this.authUser(payload.sub, epoch as number);
  }

  static hash(password: string): Promise<string> {
    return bcrypt.hash(password, 10);
  }
}
